"""Fixtures for the desktop app's tests: a fake backend and a wizard on it."""
from __future__ import annotations

import pytest

from app.locator import sample_dataset


@pytest.fixture
def fake_backend():
    from .fake_backend import FakeBackend

    return FakeBackend()


@pytest.fixture
def runner(qtbot):
    """A JobRunner joined after the test, so no job outlives it."""
    from app.ui.workers import JobRunner

    runner = JobRunner()
    yield runner
    runner.shutdown()
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=5000)


@pytest.fixture
def ui_settings(tmp_path):
    from app.ui.settings import UiSettings

    return UiSettings(tmp_path / "ui.ini")


@pytest.fixture
def titanic_csv():
    return str(sample_dataset())


@pytest.fixture
def make_wizard(qtbot, ui_settings, fake_backend):
    """Build a SetupWizard whose workspace connections open `fake_backend`."""
    from app.ui.wizard.wizard import SetupWizard

    made = []

    def make(spec=None, backend=None, open_backend=None, **kwargs):
        opener = open_backend or (lambda location, **options: fake_backend)
        wizard = SetupWizard(opener, backend=backend, spec=spec, settings=ui_settings, **kwargs)
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        return wizard

    yield make
    for wizard in made:
        wizard.runner.shutdown()
