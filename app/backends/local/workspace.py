"""LocalBackend: the embedded workspace (SQLite + files) behind the Backend protocol."""
from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from app.backends.local import datasets as ds
from app.backends.local.layout import Layout
from app.backends.local.locking import RunLock
from app.backends.local.procs import kill_tree
from app.backends.local.records import (compute_from_row, dataset_from_row, iteration_from_row, model_from_row,
                                        run_from_row, step_from_row)
from app.backends.local.store import Store
from app.backends.local.submit import submit_run, validate_for_workspace
from app.core import runs as rs
from app.core.backend import DATASET, MODEL, RUN, Capabilities, DeletionPlan
from app.core.errors import NotFoundError, UserInputError
from app.core.metrics import METRICS_FILE, MODEL_FILE
from app.core.progress import Sink
from app.core.runs import ComputeTarget, DatasetVersion, ModelVersion, RunRecord
from app.core.spec import NAME_PATTERN, PipelineSpec, Problem


class LocalBackend:
    """A local workspace folder; opening it marks runs whose executor died as Failed."""

    kind = "local"
    capabilities = Capabilities(validation_target="local", predict=True, register_iteration=True,
                                delete=frozenset({RUN, DATASET, MODEL}), disk_usage=True,
                                unavailable={"create_compute": "A local workspace runs every step on this machine "
                                                               "(compute 'local'); clusters are made on Azure ML."})

    def __init__(self, root: Path, max_concurrent_runs: int = 1, recover: bool = True):
        self.layout = Layout(Path(root).expanduser().resolve())
        try:
            self.layout.ensure()
        except OSError as exc:
            raise UserInputError(f"cannot create workspace folder {self.layout.root}: {exc.strerror}") from None
        self.store = Store(self.layout.db)
        self.max_concurrent_runs = max_concurrent_runs
        if recover:
            self.recover_interrupted()

    @property
    def root(self) -> Path:
        return self.layout.root

    def describe(self) -> dict:
        return {"kind": "local", "name": self.root.name, "location": str(self.root), "connected": True}

    # -- datasets -----------------------------------------------------------------------------
    def list_datasets(self) -> list[DatasetVersion]:
        with self.store.read() as c:
            rows = c.execute("SELECT * FROM datasets ORDER BY name, version DESC").fetchall()
        return [dataset_from_row(r) for r in rows]

    def get_dataset(self, name: str, version: int | None = None) -> DatasetVersion:
        with self.store.read() as c:
            if version is None:
                row = c.execute("SELECT * FROM datasets WHERE name=? ORDER BY version DESC LIMIT 1", (name,)).fetchone()
            else:
                row = c.execute("SELECT * FROM datasets WHERE name=? AND version=?", (name, version)).fetchone()
        if row is None:
            what = f"{name}:{version}" if version else name
            raise NotFoundError(f"no dataset '{what}' in this workspace; register it first "
                                f"(automl-desk datasets register {name} FILE_OR_URL)")
        return dataset_from_row(row)

    def register_dataset(self, name: str, sources: list[str], description: str = "",
                         sink: Sink | None = None) -> DatasetVersion:
        """Snapshot the sources as the next version; identical content returns the latest version."""
        sink = sink or Sink()
        if not NAME_PATTERN.match(name or ""):
            raise UserInputError(f"'{name}' is not a dataset name; use letters, digits, '_', '-' or '.', "
                                 "starting with a letter or digit")
        staging = ds.staging_dir(self.layout.datasets)
        try:
            sources = ds.normalize_sources(list(sources))
            files, digest, columns, rows, notes = ds.snapshot(sources, staging, sink)
            with self.store.write() as c:
                latest = c.execute("SELECT * FROM datasets WHERE name=? ORDER BY version DESC LIMIT 1",
                                   (name,)).fetchone()
                if latest is not None and latest["content_hash"] == digest:
                    return replace(dataset_from_row(latest), notes=notes)
                version = (latest["version"] + 1) if latest else 1
                final = self.layout.dataset_dir(name, version)
                ds.publish(staging, final)
                path = final / files[0].name if len(files) == 1 else final
                c.execute("INSERT INTO datasets VALUES (?,?,?,?,?,?,?,?,?)",
                          (name, version, json.dumps([str(s) for s in sources]), digest, str(path), rows,
                           json.dumps(columns), description, time.time()))
            return replace(self.get_dataset(name, version), notes=notes)
        finally:
            ds.discard(staging)

    def dataset_file(self, dataset: DatasetVersion) -> Path:
        """The table file of a version (the first file of a multi-file snapshot)."""
        path = Path(dataset.path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file())
            path = files[0]
        return path

    def preview_dataset(self, name: str, version: int | None = None, rows: int = 100):
        from app.backends.local.tables import read_table

        return read_table(self.dataset_file(self.get_dataset(name, version)), nrows=rows)

    # -- computes -----------------------------------------------------------------------------
    def list_computes(self) -> list[ComputeTarget]:
        with self.store.read() as c:
            return [compute_from_row(r) for r in c.execute("SELECT * FROM computes ORDER BY name")]

    def create_compute(self, target: ComputeTarget, sink: Sink | None = None) -> ComputeTarget:
        raise UserInputError("a local workspace has one compute target, 'local' (this machine); "
                             "clusters need an Azure ML workspace")

    # -- pipelines and runs -------------------------------------------------------------------
    def validate(self, spec: PipelineSpec) -> list[Problem]:
        return validate_for_workspace(self, spec)

    def submit(self, spec: PipelineSpec, parameters: dict | None = None, sink: Sink | None = None) -> str:
        return submit_run(self, spec, parameters or {}, sink or Sink())

    def resolve_run_id(self, ref: str) -> str:
        """A full run id from an id or a unique prefix of one."""
        with self.store.read() as c:
            rows = c.execute("SELECT run_id FROM runs WHERE run_id = ? OR run_id LIKE ? ESCAPE '\\' LIMIT 2",
                             (ref, ref.replace("%", "\\%").replace("_", "\\_") + "%")).fetchall()
        exact = [r["run_id"] for r in rows if r["run_id"] == ref]
        if exact:
            return exact[0]
        if len(rows) == 1 and ref:
            return rows[0]["run_id"]
        if not rows:
            raise NotFoundError(f"no run '{ref}' in this workspace (see: automl-desk runs list)")
        raise UserInputError(f"'{ref}' matches several runs; give more characters of the run id")

    def get_run(self, run_id: str) -> RunRecord:
        run_id = self.resolve_run_id(run_id)
        self._check_alive(run_id)
        with self.store.read() as c:
            run = run_from_row(c.execute("SELECT * FROM runs WHERE run_id=?", (run_id,)).fetchone())
            run.steps = [step_from_row(r) for r in c.execute(
                "SELECT * FROM step_runs WHERE parent_run_id=? ORDER BY position", (run_id,))]
            automl = run.step("automl")
            if automl is not None:
                source = automl.reused_from if automl.reused and automl.reused_from else automl.run_id
                run.iterations = [iteration_from_row(r) for r in c.execute(
                    "SELECT * FROM iterations WHERE step_run_id=? ORDER BY iteration", (source,))]
        return run

    def list_experiments(self) -> list[str]:
        with self.store.read() as c:
            return [r["name"] for r in c.execute("SELECT name FROM experiments ORDER BY name")]

    def list_runs(self, experiment: str | None = None) -> list[RunRecord]:
        self.recover_interrupted()
        with self.store.read() as c:
            if experiment:
                rows = c.execute("SELECT * FROM runs WHERE experiment=? ORDER BY created_at DESC", (experiment,))
            else:
                rows = c.execute("SELECT * FROM runs ORDER BY created_at DESC")
            result = [run_from_row(r) for r in rows.fetchall()]
            for run in result:
                run.steps = [step_from_row(r) for r in c.execute(
                    "SELECT * FROM step_runs WHERE parent_run_id=? ORDER BY position", (run.run_id,))]
        return result

    def cancel(self, run_id: str) -> None:
        """Ask the executor to stop (it notices within 250 ms); a run with no executor ends now."""
        run_id = self.resolve_run_id(run_id)
        with self.store.write() as c:
            row = c.execute("SELECT status FROM runs WHERE run_id=?", (run_id,)).fetchone()
            if rs.is_terminal(rs.normalize_status(row["status"])):
                return
            c.execute("UPDATE runs SET status=?, phase='cancel requested' WHERE run_id=?",
                      (rs.CANCEL_REQUESTED, run_id))
        if not RunLock(self.layout.run_lock(run_id)).is_held_elsewhere():
            self._end_orphan(run_id, rs.CANCELED, "canceled before its executor started")

    def read_log(self, run_id: str, step: str, tail_bytes: int | None = None) -> str:
        path = self.layout.log_path(self.resolve_run_id(run_id), step)
        if not path.is_file():
            return ""
        with open(path, "rb") as fh:
            if tail_bytes is not None:
                fh.seek(max(path.stat().st_size - tail_bytes, 0))
            return fh.read().decode("utf-8", "replace")

    def automl_output_dir(self, run: RunRecord) -> Path | None:
        step = run.step("automl")
        if step is None:
            return None
        return self.layout.automl_dir(step.reused_from if step.reused and step.reused_from else step.run_id)

    def get_artifacts(self, run_id: str) -> dict:
        folder = self.automl_output_dir(self.get_run(run_id))
        result = {}
        if folder is None:
            return result
        for path in sorted((folder / "artifacts").glob("*")):
            if path.is_file():
                try:
                    result[path.name.removesuffix(".json")] = json.loads(path.read_text(encoding="utf-8"))
                except (ValueError, UnicodeDecodeError):
                    continue
        summary = folder / "summary.json"
        if summary.is_file():
            result["summary"] = json.loads(summary.read_text(encoding="utf-8"))
        return result

    def fetch_outputs(self, run_id: str, dest: Path | None = None, sink: Sink | None = None) -> dict[str, Path]:
        folder = self.automl_output_dir(self.get_run(run_id))
        found = {name: folder / name for name in (METRICS_FILE, MODEL_FILE)
                 if folder is not None and (folder / name).is_file()}
        if dest is None:
            return found
        import shutil

        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        return {name: Path(shutil.copy2(path, dest / name)) for name, path in found.items()}

    # -- models -------------------------------------------------------------------------------
    def list_models(self) -> list[ModelVersion]:
        with self.store.read() as c:
            return [model_from_row(r) for r in c.execute("SELECT * FROM models ORDER BY name, version DESC")]

    def get_model(self, name: str, version: int | None = None) -> ModelVersion:
        with self.store.read() as c:
            if version is None:
                row = c.execute("SELECT * FROM models WHERE name=? ORDER BY version DESC LIMIT 1", (name,)).fetchone()
            else:
                row = c.execute("SELECT * FROM models WHERE name=? AND version=?", (name, version)).fetchone()
        if row is None:
            what = f"{name}:{version}" if version else name
            raise NotFoundError(f"no model '{what}' in this workspace (see: automl-desk models list)")
        return model_from_row(row)

    def predict(self, name: str, version: int | None, data_path, out_path, sink: Sink | None = None,
                **options) -> dict:
        from app.backends.local.predict import predict_file

        return predict_file(self, name, version, data_path, out_path, sink, **options)

    def predict_next_periods(self, name: str, version: int | None, periods: int, out_path,
                             sink: Sink | None = None) -> dict:
        from app.backends.local.predict import predict_next_periods

        return predict_next_periods(self, name, version, periods, out_path, sink)

    def register_iteration(self, run_id: str, iteration: int, model_name: str | None = None,
                           sink: Sink | None = None) -> ModelVersion:
        from app.backends.local.iteration_refit import register_iteration

        return register_iteration(self, run_id, iteration, model_name, sink)

    # -- housekeeping -------------------------------------------------------------------------
    def plan_delete(self, kind: str, ref, with_runs: bool = False) -> DeletionPlan:
        from app.backends.local import housekeeping as hk

        if kind == RUN:
            return hk.plan_runs(self, [ref] if isinstance(ref, str) else list(ref), with_dependents=with_runs)
        if kind == DATASET:
            return hk.plan_dataset(self, *ref, with_runs=with_runs)
        if kind == MODEL:
            return hk.plan_model(self, *ref)
        raise UserInputError(f"cannot delete a '{kind}'; choose run, dataset or model")

    def delete(self, plan: DeletionPlan) -> dict:
        from app.backends.local import housekeeping as hk

        return hk.execute(self, plan)

    def disk_usage(self, top: int = 20) -> dict:
        from app.backends.local import housekeeping as hk

        return hk.disk_usage(self, top=top)

    # -- recovery -----------------------------------------------------------------------------
    def recover_interrupted(self) -> list[str]:
        """Mark active runs whose executor lock is free as Failed ('interrupted')."""
        active = tuple(rs.ACTIVE)
        with self.store.read() as c:
            ids = [r["run_id"] for r in c.execute(
                f"SELECT run_id FROM runs WHERE status IN ({','.join('?' * len(active))})", active)]
        return [run_id for run_id in ids if self._check_alive(run_id)]

    def _check_alive(self, run_id: str) -> bool:
        """An active run whose executor died (lock free) ends Failed now; True when that happened."""
        with self.store.read() as c:
            row = c.execute("SELECT status FROM runs WHERE run_id=?", (run_id,)).fetchone()
        if row is None or rs.normalize_status(row["status"]) not in rs.ACTIVE:
            return False
        lock = RunLock(self.layout.run_lock(run_id))
        if not lock.acquire():
            return False
        try:
            self._end_orphan(run_id, rs.FAILED, "interrupted: the run's executor stopped unexpectedly")
            lock.path.unlink(missing_ok=True)
        finally:
            lock.release()
        return True

    def _end_orphan(self, run_id: str, status: str, reason: str) -> None:
        now = time.time()
        with self.store.write() as c:
            for step in c.execute("SELECT pid, pid_created FROM step_runs WHERE parent_run_id=? AND pid IS NOT NULL "
                                  "AND status IN (?,?)", (run_id, rs.RUNNING, rs.CANCEL_REQUESTED)).fetchall():
                kill_tree(step["pid"], step["pid_created"])
            active = tuple(rs.ACTIVE)
            marks = ",".join("?" * len(active))
            c.execute(f"UPDATE step_runs SET status=?, ended_at=COALESCE(ended_at, ?), error=COALESCE(error, ?) "
                      f"WHERE parent_run_id=? AND status IN ({marks})", (status, now, reason, run_id, *active))
            c.execute(f"UPDATE runs SET status=?, ended_at=?, error=?, phase='' WHERE run_id=? AND status IN ({marks})",
                      (status, now, reason if status == rs.FAILED else None, run_id, *active))
