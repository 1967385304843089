"""Deleting runs, dataset versions and model versions, and measuring the workspace on disk.

A deletion removes rows and files together. Inside one write transaction the rows go and
the folders are renamed into `.trash/<id>/` beside a journal naming the deleted rows; after
COMMIT the trash folder is removed. A crash before COMMIT leaves the rows (rolled back) and
the journal says where the folders came from, so `recover_trash` puts them back; a crash
after COMMIT leaves only trash, which `recover_trash` removes. No file outlives its row.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.core import runs as rs
from app.core.errors import InUseError, UserInputError

TRASH_DIR = ".trash"
JOURNAL = "journal.json"


@dataclass
class Deletion:
    """What one deletion removes: row keys per table and the folders/files that go with them."""

    runs: list[str] = field(default_factory=list)
    datasets: list[tuple[str, int]] = field(default_factory=list)
    models: list[tuple[str, int]] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    bytes: int = 0

    def existing_paths(self) -> list[Path]:
        return [p for p in dict.fromkeys(self.paths) if p.exists()]

    def size(self) -> int:
        return sum(path_size(p) for p in self.existing_paths())

    def describe(self) -> str:
        """One line for a confirmation: what goes."""
        parts = [f"{len(items)} {what}: {', '.join(items)}" for what, items in (
            ("run(s)", [r[:8] for r in self.runs]), ("dataset version(s)", [f"{n}:{v}" for n, v in self.datasets]),
            ("model version(s)", [f"{n}:{v}" for n, v in self.models])) if items]
        return "; ".join(parts)

    def summary(self) -> dict:
        return {"runs": list(self.runs), "datasets": [f"{n}:{v}" for n, v in self.datasets],
                "models": [f"{n}:{v}" for n, v in self.models], "bytes_freed": self.bytes}


# -- planning -----------------------------------------------------------------------------------

def dependent_runs(backend, run_ids: list[str]) -> list[str]:
    """Runs (not in `run_ids`) that reuse step outputs of these runs, directly or through each other."""
    wanted, found = set(run_ids), []
    with backend.store.read() as c:
        frontier = list(run_ids)
        while frontier:
            marks = ",".join("?" * len(frontier))
            rows = c.execute(f"SELECT DISTINCT s.parent_run_id FROM step_runs s JOIN step_runs o "
                             f"ON s.reused_from = o.run_id WHERE o.parent_run_id IN ({marks})", frontier).fetchall()
            frontier = [r["parent_run_id"] for r in rows if r["parent_run_id"] not in wanted]
            wanted.update(frontier)
            found += frontier
    return found


def _short(run_ids) -> str:
    return ", ".join(r[:8] for r in run_ids)


def plan_runs(backend, refs: list[str], with_dependents: bool = False) -> Deletion:
    """The rows and files of these runs; refuses active runs, and runs others reuse unless they go too."""
    run_ids = list(dict.fromkeys(backend.resolve_run_id(r) for r in refs))
    dependents = dependent_runs(backend, run_ids)
    if dependents and not with_dependents:
        raise InUseError(f"runs {_short(dependents)} reuse outputs of run(s) {_short(run_ids)}; delete them too "
                         "or keep these runs", dependents)
    run_ids += dependents
    plan = Deletion(runs=run_ids)
    layout = backend.layout
    with backend.store.read() as c:
        marks = ",".join("?" * len(run_ids))
        active = [r["run_id"] for r in c.execute(f"SELECT run_id, status FROM runs WHERE run_id IN ({marks})",
                                                 run_ids) if rs.normalize_status(r["status"]) in rs.ACTIVE]
        steps = [r["run_id"] for r in c.execute(f"SELECT run_id FROM step_runs WHERE parent_run_id IN ({marks})",
                                                run_ids)]
    if active:
        raise UserInputError(f"run(s) {_short(active)} are still active; cancel them and wait until they end "
                             "before deleting them")
    for run_id in run_ids:
        plan.paths += [layout.run_dir(run_id), layout.run_lock(run_id)]
    plan.paths += [layout.automl_dir(step_id) for step_id in steps]
    return plan


def plan_dataset(backend, name: str, version: int, with_runs: bool = False) -> Deletion:
    """A dataset version's snapshot; the runs that used it must go too, and are named otherwise."""
    dataset = backend.get_dataset(name, version)
    with backend.store.read() as c:
        users = [r["run_id"] for r in c.execute(
            "SELECT run_id FROM runs WHERE dataset_name=? AND dataset_version=? ORDER BY created_at",
            (dataset.name, dataset.version))]
    if users and not with_runs:
        raise InUseError(f"dataset {dataset.name}:{dataset.version} is used by run(s) {_short(users)}; "
                         "delete those runs too or keep the dataset", users)
    plan = plan_runs(backend, users, with_dependents=True) if users else Deletion()
    plan.datasets.append((dataset.name, dataset.version))
    plan.paths.append(backend.layout.dataset_dir(dataset.name, dataset.version))
    return plan


def plan_model(backend, name: str, version: int) -> Deletion:
    model = backend.get_model(name, version)
    return Deletion(models=[(model.name, model.version)], paths=[backend.layout.model_dir(model.name, model.version)])


# -- executing ----------------------------------------------------------------------------------

def execute(backend, plan: Deletion) -> dict:
    """Delete the plan's rows and files in one transaction (see the module docstring)."""
    recover_trash(backend)
    paths = plan.existing_paths()
    plan.bytes = plan.size()
    trash = backend.layout.root / TRASH_DIR / uuid.uuid4().hex
    trash.mkdir(parents=True)
    journal = {"rows": _row_keys(plan), "moves": []}
    moved: list[tuple[Path, Path]] = []
    try:
        with backend.store.write() as c:
            _delete_rows(c, plan)
            for i, path in enumerate(paths):
                target = trash / str(i)
                journal["moves"].append([str(path), str(target)])
                _write_journal(trash, journal)
                os.replace(path, target)
                moved.append((path, target))
    except BaseException:
        for original, target in reversed(moved):
            os.replace(target, original)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    shutil.rmtree(trash, ignore_errors=True)
    _remove_empty_parents(backend, plan)
    return plan.summary()


def _row_keys(plan: Deletion) -> list:
    return ([["runs", r] for r in plan.runs] + [["datasets", n, v] for n, v in plan.datasets]
            + [["models", n, v] for n, v in plan.models])


def _write_journal(trash: Path, journal: dict) -> None:
    tmp = trash / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps(journal), encoding="utf-8")
    os.replace(tmp, trash / JOURNAL)


def _delete_rows(c, plan: Deletion) -> None:
    if plan.runs:
        marks = ",".join("?" * len(plan.runs))
        c.execute(f"DELETE FROM iterations WHERE step_run_id IN "
                  f"(SELECT run_id FROM step_runs WHERE parent_run_id IN ({marks}))", plan.runs)
        c.execute(f"DELETE FROM step_runs WHERE parent_run_id IN ({marks})", plan.runs)
        c.execute(f"DELETE FROM runs WHERE run_id IN ({marks})", plan.runs)
        c.execute("DELETE FROM experiments WHERE name NOT IN (SELECT DISTINCT experiment FROM runs)")
    for name, version in plan.datasets:
        c.execute("DELETE FROM datasets WHERE name=? AND version=?", (name, version))
    for name, version in plan.models:
        c.execute("DELETE FROM models WHERE name=? AND version=?", (name, version))


def _remove_empty_parents(backend, plan: Deletion) -> None:
    layout = backend.layout
    folders = [layout.datasets / n for n, _ in plan.datasets] + [layout.models / n for n, _ in plan.models]
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            continue  # other versions (or a staging folder in use) are still there


def recover_trash(backend) -> None:
    """Finish deletions a crash interrupted: restore folders whose rows survived, drop the rest."""
    root = backend.layout.root / TRASH_DIR
    if not root.is_dir():
        return
    for trash in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            journal = json.loads((trash / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = {"rows": [], "moves": []}
        if journal["moves"] and _rows_exist(backend, journal["rows"]):
            for original, target in journal["moves"]:
                if Path(target).exists() and not Path(original).exists():
                    Path(original).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, original)
        shutil.rmtree(trash, ignore_errors=True)


def _rows_exist(backend, keys: list) -> bool:
    queries = {"runs": "SELECT 1 FROM runs WHERE run_id=?",
               "datasets": "SELECT 1 FROM datasets WHERE name=? AND version=?",
               "models": "SELECT 1 FROM models WHERE name=? AND version=?"}
    with backend.store.read() as c:
        return any(c.execute(queries[k[0]], k[1:]).fetchone() is not None for k in keys)


# -- the public operations ----------------------------------------------------------------------

def delete_runs(backend, refs: list[str], with_dependents: bool = False) -> dict:
    return execute(backend, plan_runs(backend, refs, with_dependents))


def delete_dataset_version(backend, name: str, version: int, with_runs: bool = False) -> dict:
    return execute(backend, plan_dataset(backend, name, version, with_runs))


def delete_model_version(backend, name: str, version: int) -> dict:
    return execute(backend, plan_model(backend, name, version))


# -- disk usage ---------------------------------------------------------------------------------

def path_size(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
    return total


def disk_usage(backend, top: int = 20) -> dict:
    """Bytes per category, the total, and the largest runs / dataset versions / model versions."""
    recover_trash(backend)
    layout = backend.layout
    database = sum(p.stat().st_size for p in layout.root.glob(layout.db.name + "*") if p.is_file())
    categories = {"datasets": path_size(layout.datasets), "run outputs": path_size(layout.datastore / "runs"),
                  "AutoML outputs": path_size(layout.datastore / "azureml"), "models": path_size(layout.models),
                  "database": database}
    total = path_size(layout.root)
    categories["other"] = max(total - sum(categories.values()), 0)
    items = _item_sizes(backend)
    items.sort(key=lambda item: item["bytes"], reverse=True)
    return {"location": str(layout.root), "total": total, "categories": categories, "largest": items[:top]}


def _item_sizes(backend) -> list[dict]:
    layout = backend.layout
    items = []
    with backend.store.read() as c:
        steps: dict[str, list[str]] = {}
        for row in c.execute("SELECT run_id, parent_run_id FROM step_runs"):
            steps.setdefault(row["parent_run_id"], []).append(row["run_id"])
        runs = c.execute("SELECT run_id, experiment FROM runs").fetchall()
        datasets = c.execute("SELECT name, version FROM datasets").fetchall()
        models = c.execute("SELECT name, version FROM models").fetchall()
    for row in runs:
        size = path_size(layout.run_dir(row["run_id"])) if layout.run_dir(row["run_id"]).exists() else 0
        size += sum(path_size(layout.automl_dir(s)) for s in steps.get(row["run_id"], [])
                    if layout.automl_dir(s).exists())
        items.append({"kind": "run", "ref": row["run_id"], "label": f"{row['experiment']} {row['run_id'][:8]}",
                      "bytes": size})
    for kind, rows, folder in (("dataset", datasets, layout.dataset_dir), ("model", models, layout.model_dir)):
        for row in rows:
            path = folder(row["name"], row["version"])
            ref = f"{row['name']}:{row['version']}"
            items.append({"kind": kind, "ref": ref, "label": ref, "bytes": path_size(path) if path.exists() else 0})
    return items
