"""Monitor test fixtures: a fake backend and a job runner that is joined after each test."""
from __future__ import annotations

import pytest

from .fake_backend import FakeBackend


@pytest.fixture
def backend(tmp_path):
    return FakeBackend(outputs_dir=tmp_path / "outputs")


@pytest.fixture
def runner(qtbot):
    from app.ui.workers import JobRunner

    runner = JobRunner()
    yield runner
    runner.shutdown()
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=5000)
