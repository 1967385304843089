"""Deleting runs, dataset versions and model versions: the rules, and no orphan rows or files."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from app.backends.local import housekeeping as hk
from app.core import runs as rs
from app.core.errors import UserInputError
from app.core.spec import parse_spec

from .runs_helpers import wait_done

MODEL = "TitanicSurvivalInitial"
TABLES = ("datasets", "experiments", "runs", "step_runs", "iterations", "models", "computes")


@pytest.fixture
def two_runs(backend, shared):
    """The finished run A and a run B that reuses A's data prep and AutoML outputs."""
    run_a = shared[1]
    run_b = backend.submit(parse_spec(backend.get_run(run_a).spec_yaml))
    assert wait_done(backend, run_b).status == rs.COMPLETED
    steps = backend.get_run(run_b).steps
    assert [s.reused for s in steps] == [True, True, False]
    return backend, run_a, run_b


def files(backend) -> set[str]:
    root = backend.root
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and p.parent.name != "locks" and not p.name.startswith("workspace.db")}


def rows(backend) -> dict[str, set]:
    with sqlite3.connect(backend.layout.db) as conn:
        return {t: set(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}


def orphans(backend) -> list[str]:
    """Files under the workspace's data folders that no row owns."""
    layout = backend.layout
    with sqlite3.connect(layout.db) as conn:
        runs = {r for (r,) in conn.execute("SELECT run_id FROM runs")}
        steps = {r for (r,) in conn.execute("SELECT run_id FROM step_runs")}
        datasets = {(n, str(v)) for n, v in conn.execute("SELECT name, version FROM datasets")}
        models = {(n, str(v)) for n, v in conn.execute("SELECT name, version FROM models")}
    found = []
    for path in (layout.datastore / "runs").glob("*"):
        found += [] if path.name in runs else [str(path)]
    for path in (layout.datastore / "azureml").glob("*"):
        found += [] if path.name in steps else [str(path)]
    for folder, owners in ((layout.datasets, datasets), (layout.models, models)):
        for path in folder.glob("*/*"):
            found += [] if (path.parent.name, path.name) in owners else [str(path)]
    return found + [str(p) for p in (backend.root / hk.TRASH_DIR).glob("*")]


def test_deleting_a_model_version_removes_its_row_and_folder_only(backend):
    before_files, before_rows = files(backend), rows(backend)
    result = hk.delete_model_version(backend, MODEL, 1)
    assert result["models"] == [f"{MODEL}:1"] and result["bytes_freed"] > 0
    assert before_files - files(backend) == {f"models/{MODEL}/1/model.pkl", f"models/{MODEL}/1/dataprep_params.json"}
    assert files(backend) <= before_files
    after_rows = rows(backend)
    assert [len(before_rows["models"] - after_rows["models"])] == [1] and after_rows["models"] == set()
    assert {t: r for t, r in after_rows.items() if t != "models"} == \
        {t: r for t, r in before_rows.items() if t != "models"}
    assert not (backend.layout.models / MODEL).exists() and orphans(backend) == []


def test_a_run_whose_outputs_another_run_reuses_goes_only_with_it(two_runs):
    backend, run_a, run_b = two_runs
    before_files, before_rows = files(backend), rows(backend)
    with pytest.raises(UserInputError, match=f"runs {run_b[:8]} reuse outputs of run.*{run_a[:8]}"):
        hk.delete_runs(backend, [run_a])
    assert (files(backend), rows(backend)) == (before_files, before_rows)

    result = hk.delete_runs(backend, [run_a[:10]], with_dependents=True)
    assert result["runs"] == [run_a, run_b]
    after = rows(backend)
    assert after["runs"] == after["step_runs"] == after["iterations"] == after["experiments"] == set()
    assert after["datasets"] == before_rows["datasets"] and after["models"] == before_rows["models"]
    gone = before_files - files(backend)
    assert all(f.startswith(("datastore/runs/", "datastore/azureml/")) for f in gone)
    assert not any(f.startswith(("datastore/runs/", "datastore/azureml/")) for f in files(backend))
    assert orphans(backend) == []
    assert backend.get_model(MODEL, 2).run_id == run_b  # registered models outlive their runs
    assert not backend.layout.run_lock(run_a).exists()


def test_deleting_the_reusing_run_keeps_the_original(two_runs):
    backend, run_a, run_b = two_runs
    hk.delete_runs(backend, [run_b])
    assert [r.run_id for r in backend.list_runs()] == [run_a]
    run = backend.get_run(run_a)
    assert run.status == rs.COMPLETED and run.iterations
    assert backend.fetch_outputs(run_a)  # A's AutoML outputs are intact
    assert orphans(backend) == []


def test_a_dataset_version_in_use_is_refused_naming_its_runs(two_runs):
    backend, run_a, run_b = two_runs
    before_files, before_rows = files(backend), rows(backend)
    expected = f"titanic_ds:1 is used by run.*{run_a[:8]}.*{run_b[:8]}.*delete those runs too"
    with pytest.raises(hk.InUseError, match=expected) as refused:
        hk.delete_dataset_version(backend, "titanic_ds", 1)
    assert refused.value.runs == [run_a, run_b]
    assert (files(backend), rows(backend)) == (before_files, before_rows)

    result = hk.delete_dataset_version(backend, "titanic_ds", 1, with_runs=True)
    assert result["datasets"] == ["titanic_ds:1"] and set(result["runs"]) == {run_a, run_b}
    after = rows(backend)
    assert after["datasets"] == after["runs"] == after["step_runs"] == after["iterations"] == set()
    assert after["models"] == before_rows["models"]
    assert {f for f in files(backend)} == {f for f in before_files if f.startswith("models/")}
    assert orphans(backend) == [] and not (backend.layout.datasets / "titanic_ds").exists()


def test_active_runs_are_not_deleted(backend, shared):
    with sqlite3.connect(backend.layout.db) as conn:
        conn.execute("UPDATE runs SET status=? WHERE run_id=?", (rs.RUNNING, shared[1]))
    before = files(backend)
    with pytest.raises(UserInputError, match="still active; cancel them"):
        hk.delete_runs(backend, [shared[1]])
    assert files(backend) == before


def test_a_failed_file_move_rolls_everything_back(backend, shared, monkeypatch):
    before_files, before_rows = files(backend), rows(backend)
    real_replace, calls = os.replace, []

    def failing_replace(src, dst):
        if not str(src).endswith(".tmp"):  # a folder moving to the trash, not the journal
            calls.append(src)
            if len(calls) == 2:
                raise PermissionError("simulated: file in use")
        return real_replace(src, dst)

    monkeypatch.setattr(hk.os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        hk.delete_runs(backend, [shared[1]])
    monkeypatch.undo()
    assert calls[0] == backend.layout.run_dir(shared[1])  # moved, then moved back
    assert (files(backend), rows(backend)) == (before_files, before_rows)
    assert orphans(backend) == []


def test_trash_left_by_a_crash_is_restored_or_removed(backend, shared):
    layout = backend.layout
    run_dir = layout.run_dir(shared[1])
    before = files(backend)
    # Crash before COMMIT: the run's row is still there, its folder sits in the trash.
    trash = backend.root / hk.TRASH_DIR / "crashed"
    trash.mkdir(parents=True)
    os.replace(run_dir, trash / "0")
    (trash / hk.JOURNAL).write_text(json.dumps({"rows": [["runs", shared[1]]],
                                                "moves": [[str(run_dir), str(trash / "0")]]}))
    hk.recover_trash(backend)
    assert files(backend) == before and not trash.exists()
    # Crash after COMMIT: the row is gone, so the trash is simply removed.
    model_dir = layout.model_dir(MODEL, 1)
    hk.delete_model_version(backend, MODEL, 1)
    leftover = backend.root / hk.TRASH_DIR / "committed"
    leftover.mkdir()
    (leftover / "0").write_text("x")
    (leftover / hk.JOURNAL).write_text(json.dumps({"rows": [["models", MODEL, 1]],
                                                   "moves": [[str(model_dir), str(leftover / "0")]]}))
    usage = hk.disk_usage(backend)
    assert not leftover.exists() and not model_dir.exists() and usage["categories"]["models"] == 0


def test_disk_usage_by_category_and_largest_items(backend, shared):
    usage = hk.disk_usage(backend)
    cats = usage["categories"]
    assert set(cats) == {"datasets", "run outputs", "AutoML outputs", "models", "database", "other"}
    assert sum(cats.values()) == usage["total"]
    model_dir = backend.layout.model_dir(MODEL, 1)
    assert cats["models"] == sum(p.stat().st_size for p in model_dir.iterdir())
    assert cats["datasets"] > 50_000 and cats["database"] > 0
    kinds = {(i["kind"], i["ref"]) for i in usage["largest"]}
    assert {("run", shared[1]), ("dataset", "titanic_ds:1"), ("model", f"{MODEL}:1")} <= kinds
    run_item = next(i for i in usage["largest"] if i["kind"] == "run")
    assert run_item["bytes"] == cats["run outputs"] + cats["AutoML outputs"]
    assert [i["bytes"] for i in usage["largest"]] == sorted((i["bytes"] for i in usage["largest"]), reverse=True)


def test_unknown_references_are_named(backend):
    with pytest.raises(UserInputError, match="no model 'Nope:3'"):
        hk.delete_model_version(backend, "Nope", 3)
    with pytest.raises(UserInputError, match="no dataset 'titanic_ds:9'"):
        hk.delete_dataset_version(backend, "titanic_ds", 9)
    with pytest.raises(UserInputError, match="no run 'zzz'"):
        hk.delete_runs(backend, ["zzz"])
    assert Path(backend.layout.model_dir(MODEL, 1)).is_dir()
