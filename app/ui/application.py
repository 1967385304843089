"""The GUI entry point: `automl-desk` with no arguments and `python -m app` call `run_gui`.

Only Qt and the app's light modules load before the window shows; pandas, matplotlib,
azureml and FLAML are imported by the jobs that need them.
"""
from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.ui.logs import setup_logging
from app.ui.main_window import MainWindow
from app.ui.reporter import install_excepthook
from app.ui.settings import UiSettings

log = logging.getLogger(__name__)


def create_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication(["automl-desk", *argv])
    app.setApplicationName("AutoML Desk")
    app.setOrganizationName("automl-desk")
    app.setApplicationVersion(__version__)
    return app


def startup_workspace(explicit: str | None, settings: UiSettings) -> str | None:
    """The workspace to open first: the one asked for, else $AUTOML_DESK_WORKSPACE (an explicit
    setting wins over habit), else the last one used, else None (the default workspace)."""
    from app.backends import ENV_WORKSPACE

    recent = settings.recent("workspaces")
    return explicit or os.environ.get(ENV_WORKSPACE) or (recent[0] if recent else None)


def launch(argv: list[str], workspace: str | None = None) -> tuple[QApplication, MainWindow]:
    """Create the app and the shown main window; the last workspace opens on a worker."""
    log_path = setup_logging()
    app = create_application(argv)
    settings = UiSettings()
    window = MainWindow(settings)
    install_excepthook(window.reporter)
    app.aboutToQuit.connect(window.runner.shutdown)  # quitting skips closeEvent: still join the workers
    window.show()
    first = startup_workspace(workspace, settings)
    QTimer.singleShot(0, lambda: window.connect_workspace(first))
    QTimer.singleShot(300, window.prewarm)
    log.info("AutoML Desk %s started; log file %s", __version__, log_path)
    return app, window


def run_gui(argv: list[str]) -> int:
    app, window = launch(argv)
    try:
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
