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
    """Keep QSettings, logs, caches and the default workspace out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("AUTOML_DESK_WORKSPACE", str(home / "workspace"))
    yield


@pytest.fixture
def make_fake_backend():
    """Build in-memory Backends (tests/fakes/backend.py), each checked against the protocol."""
    from app.core.backend import Backend
    from tests.fakes.backend import FakeBackend

    def make(**options) -> FakeBackend:
        backend = FakeBackend(**options)
        assert isinstance(backend, Backend)
        return backend

    return make


@pytest.fixture
def fake_backend(make_fake_backend):
    """An in-memory local-like workspace with no datasets, runs or models."""
    return make_fake_backend()


@pytest.fixture
def make_iteration():
    """make_iteration(step_run_id, n, task="classification", seed=0): a deterministic IterationRecord."""
    from tests.fakes.runs import make_iteration

    return make_iteration
