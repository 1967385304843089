"""Test-wide setup: offscreen Qt, and QSettings / workspaces kept in temporary folders."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

# `shared` / `backend`: one finished local run per session and private copies of its workspace.
pytest_plugins = ["tests.finished_run"]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep QSettings, logs and the default workspace out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("AUTOML_DESK_WORKSPACE", str(home / "workspace"))
    yield
