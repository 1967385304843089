"""Damaged workspaces and failing writes: a message, and a database that stays consistent."""
from __future__ import annotations

import builtins
import errno
import os
import sqlite3
from pathlib import Path

import pytest

from app import locator
from app.backends.local import datasets, submit
from app.backends.local.executor import Executor
from app.backends.local.locking import RunLock
from app.backends.local.steps import StepPlanner
from app.backends.local.workspace import LocalBackend
from app.core import runs as rs
from app.core.spec import load_spec

from .conftest import Cli
from .workspace_checks import fingerprint


def test_database_from_a_newer_schema(cli, ws):
    with sqlite3.connect(ws / "workspace.db") as c:
        c.execute("PRAGMA user_version = 7")
    for argv in (("datasets", "list"), ("runs", "list"), ("datasets", "register", "x", str(locator.sample_dataset()))):
        err = cli.refused(*argv)
        assert "was written by a newer AutoML Desk (schema 7, this version reads 1); upgrade automl-desk" in err
    with sqlite3.connect(ws / "workspace.db") as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 7


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("damage", ["garbage-file", "garbage-pages", "truncated"])
def test_corrupted_database_file(ws, capsys, damage):
    db = ws / "workspace.db"
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    if damage == "garbage-file":
        data = bytearray(b"this is not a database" * 200)
    elif damage == "garbage-pages":
        data[4096:] = b"\x5a" * (len(data) - 4096)
    else:
        data = data[:4096 + 100]
    db.write_bytes(bytes(data))
    before = (db.read_bytes(), _files(ws))
    cli = Cli(ws, capsys)
    for argv in (("datasets", "list"), ("runs", "list"), ("models", "list")):
        code, err = cli(*argv)
        assert code == 2 and "Traceback" not in err, err
        assert f"workspace database {db} cannot be read" in err and "restore it from a backup" in err
    assert (db.read_bytes(), _files(ws)) == before


def test_workspace_path_is_a_file(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("x")
    code, err = Cli(target, capsys)("datasets", "list")
    assert code == 2 and f"cannot create workspace folder {target}" in err
    code, err = Cli(target / "sub", capsys)("datasets", "list")
    assert code == 2 and "Not a directory" in err


def test_database_path_is_a_folder(tmp_path, capsys):
    (tmp_path / "ws" / "workspace.db").mkdir(parents=True)
    code, err = Cli(tmp_path / "ws", capsys)("datasets", "list")
    assert code == 2 and "cannot be read (unable to open database file)" in err


# -- full disk and read-only folders, injected where registration writes ----------------------

def _failing_open(monkeypatch, under: Path, code: int):
    real_open = builtins.open

    def fake_open(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax") and Path(file).resolve().is_relative_to(under.resolve()):
            raise OSError(code, os.strerror(code), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)


@pytest.mark.parametrize("code, fragment", [
    (errno.ENOSPC, "the disk is full; free some space"),
    (errno.EROFS, "the folder cannot be written (read-only or no permission)"),
], ids=["full", "read-only"])
def test_registration_on_a_full_or_read_only_disk(cli, ws, monkeypatch, code, fragment):
    _failing_open(monkeypatch, ws / "datastore", code)
    err = cli.refused("datasets", "register", "more", str(locator.sample_dataset()))
    assert "cannot write the dataset snapshot into" in err and fragment in err and "nothing was registered" in err


def test_registration_when_the_version_folder_cannot_be_made(cli, ws, monkeypatch):
    def read_only(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    monkeypatch.setattr(datasets.os, "replace", read_only)
    err = cli.refused("datasets", "register", "more", str(locator.sample_dataset()))
    assert "read-only or no permission" in err and "nothing was registered" in err


def test_staging_folder_cannot_be_made(cli, ws, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(datasets.tempfile, "mkdtemp", full)
    assert "the disk is full" in cli.refused("datasets", "register", "more", str(locator.sample_dataset()))


# -- a step that cannot write: the step ends Failed, the database stays consistent -------------

@pytest.fixture
def prepared_run(ws, monkeypatch):
    """A submitted run whose executor is run in this process (so faults can be injected into it)."""
    monkeypatch.setattr(submit, "_start_executor", lambda backend, run_id, lock: None)
    backend = LocalBackend(ws)
    spec = load_spec(locator.example_spec())
    spec.automl.iterations = 2
    run_id = backend.submit(spec)
    lock = RunLock(backend.layout.run_lock(run_id))
    assert lock.acquire()  # as the executor process would: the run is alive while it runs
    yield backend, run_id
    lock.release()


def _assert_failed_consistently(backend, run_id, step_name, fragment):
    Executor(backend, run_id).run()
    run = backend.get_run(run_id)
    step = run.step(step_name)
    assert run.status == rs.FAILED and step.status == rs.FAILED, (run.status, step.status)
    assert fragment in step.error and fragment in run.error
    later = run.steps[[s.name for s in run.steps].index(step_name) + 1:]
    assert later and all(s.status == rs.CANCELED and "not run" in s.error for s in later)
    assert backend.store.integrity_ok()
    assert not [r for r in backend.list_runs() if r.status in rs.ACTIVE]


@pytest.mark.parametrize("code, fragment", [(errno.ENOSPC, "the disk is full"),
                                            (errno.EROFS, "the folder cannot be written (read-only or no permission)")],
                         ids=["full", "read-only"])
def test_step_output_folder_on_a_full_or_read_only_disk(prepared_run, monkeypatch, code, fragment):
    backend, run_id = prepared_run
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name == "data_prep":
            raise OSError(code, os.strerror(code), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    _assert_failed_consistently(backend, run_id, "data_prep", f"step 'data_prep' could not start: {fragment}")


def test_step_script_whose_output_cannot_be_written(prepared_run, monkeypatch):
    """The real data-prep subprocess, writing under a path that is a regular file."""
    backend, run_id = prepared_run
    real_plan = StepPlanner._plan_data_prep

    def plan_into_a_file(self, step_id):
        plan = real_plan(self, step_id)
        out = Path(plan.argv[plan.argv.index("--output") + 1])
        out.rmdir()
        out.write_text("a file where the output folder should be")
        return plan

    monkeypatch.setattr(StepPlanner, "_plan_data_prep", plan_into_a_file)
    _assert_failed_consistently(backend, run_id, "data_prep", "dataprep: cannot write")


def test_missing_script_at_run_time_fails_the_step_not_the_executor(prepared_run, tmp_path):
    """A user's script deleted between submit and run: that step is Failed, with its path."""
    backend, run_id = prepared_run
    script = tmp_path / "prep.py"
    with backend.store.write() as c:
        spec_yaml = c.execute("SELECT spec_yaml FROM runs WHERE run_id=?", (run_id,)).fetchone()[0]
        spec_yaml = spec_yaml.replace("script: bundled:dataprep", f"script: {script}")
        c.execute("UPDATE runs SET spec_yaml=? WHERE run_id=?", (spec_yaml, run_id))
    _assert_failed_consistently(backend, run_id, "data_prep", f"data-prep script not found: {script}")


def test_fingerprint_sees_changes(ws):
    """The catalogue's 'unchanged workspace' check can fail."""
    before = fingerprint(ws)
    LocalBackend(ws).register_dataset("copy", [str(locator.sample_dataset())])
    assert fingerprint(ws) != before


def test_model_registration_on_a_full_disk(prepared_run, monkeypatch):
    """The register step's model cannot be copied into models/: that step is Failed, the earlier ones stand."""
    from app.backends.local import model_registry

    backend, run_id = prepared_run
    real_copy = model_registry.shutil.copy2

    def copy2(src, dst, *args, **kwargs):
        if Path(dst).resolve().is_relative_to(backend.layout.models.resolve()):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(model_registry.shutil, "copy2", copy2)
    Executor(backend, run_id).run()
    run = backend.get_run(run_id)
    assert run.status == rs.FAILED and "step 'register' failed: the disk is full" in run.error
    assert [s.status for s in run.steps] == [rs.COMPLETED, rs.COMPLETED, rs.FAILED]
    assert backend.list_models() == [] and list(backend.layout.models.rglob("*.pkl")) == []
    assert backend.store.integrity_ok()
