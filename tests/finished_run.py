"""One finished Titanic run per test session, and cheap private copies of its workspace.

A real run costs seconds of both cores, so it is made once; tests that change the
workspace (register, delete) work on a copy whose recorded paths are moved along.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app import locator
from app.backends.local.workspace import LocalBackend
from app.core import runs as rs

from tests.backends.local.runs_helpers import small_spec, wait_done

_SHARED: dict = {}
# Text columns that hold absolute paths inside the workspace.
PATH_COLUMNS = {"datasets": ("path",), "step_runs": ("outputs", "log_path"), "models": ("path",)}


def finished_run_workspace(tmp_path_factory) -> tuple[Path, str]:
    """(workspace folder, run id) of a completed run of the example pipeline with a tiny budget."""
    if "root" not in _SHARED:
        root = tmp_path_factory.mktemp("shared_ws") / "ws"
        backend = LocalBackend(root)
        backend.register_dataset("titanic_ds", [str(locator.sample_dataset())])
        run_id = backend.submit(small_spec(iterations=5))
        run = wait_done(backend, run_id)
        assert run.status == rs.COMPLETED, run.error
        _SHARED.update(root=root, run_id=run_id)
    return _SHARED["root"], _SHARED["run_id"]


def copy_workspace(source: Path, target: Path) -> LocalBackend:
    """A copy of a workspace folder whose database points at the copy's own files."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.lock"))
    old, new = str(source), str(target)
    with sqlite3.connect(target / "workspace.db") as conn:
        for table, columns in PATH_COLUMNS.items():
            for column in columns:
                conn.execute(f"UPDATE {table} SET {column} = replace({column}, ?, ?)", (old, new))
    return LocalBackend(target)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """(workspace folder, run id) of the session's finished run; do not change it."""
    return finished_run_workspace(tmp_path_factory)


@pytest.fixture
def backend(shared, tmp_path):
    """A private copy of the shared workspace, free to change."""
    return copy_workspace(shared[0], tmp_path / "ws")
