"""Fixtures for the desktop app's tests: a joined job runner, settings, a wizard on the fake backend."""
from __future__ import annotations

import pytest

from app.locator import sample_dataset


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


@pytest.fixture
def fake_window(qtbot, ui_settings, fake_backend, tmp_path):
    """`fake_window(name=path, …)`: a main window (no monitor) connected to `fake_backend` holding those datasets."""
    from app.ui import main_window as mw

    made = []

    def make(**datasets):
        for name, path in datasets.items():
            fake_backend.register_dataset(name, [path])
        win = mw.MainWindow(ui_settings, open_backend=lambda location, **o: fake_backend, with_monitor=False)
        win.show()
        with qtbot.waitSignal(win.workspace_changed, timeout=10_000):
            win.connect_workspace(str(tmp_path / "ws"))
        made.append(win)
        return win

    yield make
    for win in made:
        win.run_control.set_backend(None)  # closing must not stop on the "runs still active" question
        win.close()
        win.deleteLater()
