"""Models-view fixtures: a private copy of the session's finished-run workspace and a joined runner."""
from __future__ import annotations

import pandas as pd
import pytest

from app import locator
from tests.backends.local.model_fixtures import backend, shared  # noqa: F401 - fixtures


@pytest.fixture
def runner(qtbot):
    from app.ui.workers import JobRunner

    runner = JobRunner()
    yield runner
    runner.shutdown()
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=5000)


@pytest.fixture
def raw_csv(tmp_path):
    path = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(path, index=False)
    return path
