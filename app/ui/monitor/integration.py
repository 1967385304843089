"""`install_monitor(window)`: puts the run monitor into the main window.

The window is composed elsewhere; this only needs (and tolerates the absence of) its
`runner`, `backend`, `central_tabs`, `menus`, `workspace_changed` and `run_submitted`.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabBar, QToolButton, QWidget
from shiboken6 import isValid

from app.ui.file_dialogs import open_file
from app.ui.monitor.column_widths import load_widths, save_widths
from app.ui.monitor.runs_dock import RunsBrowserDock
from app.ui.workers import JobRunner

log = logging.getLogger(__name__)
DOCK_WIDTH = 430
METRICS_FILE_FILTER = "AutoML metrics (metrics_data *.json);;All files (*)"


class MonitorController(QObject):
    """Owns the runs dock, the run-view / compare / metrics-file tabs and their actions.

    Other features use only its signals and public methods (`current_run_selection`,
    `selected_run_ids`, `runs_deleted`); it alone opens and closes its tabs.
    """

    iteration_menu_requested = Signal(str, object, QPoint)
    """(run id, IterationRecord, global position): a leaderboard row's context menu was asked for."""
    run_ended = Signal(str)
    """A run shown in a tab has reached a terminal status (what it registered now exists)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        runner = getattr(window, "runner", None)
        self.runner = runner if runner is not None else JobRunner(self)
        self._backend = None
        self.run_views: dict = {}
        self.column_widths = load_widths(getattr(window, "settings", None))
        self.dock = RunsBrowserDock(self.runner, window, widths=self.column_widths.setdefault("runs", {}))
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.resizeDocks([self.dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        self.dock.run_activated.connect(self.open_run)
        self.dock.compare_requested.connect(self.compare_runs)
        self._add_actions()

        tabs = self.tabs
        if tabs is not None:
            tabs.tabCloseRequested.connect(self._on_tab_close_requested)
            tabs.currentChanged.connect(self._current_tab_changed)
        for name, slot in (("workspace_changed", self.on_workspace_changed), ("run_submitted", self.on_run_submitted)):
            signal = getattr(window, name, None)
            if signal is not None:
                signal.connect(slot)
        self.on_workspace_changed(getattr(window, "backend", None))
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        """Stop polling before the window's closeEvent shuts its runner down, so no poll starts
        after it; the close may be refused, so resume once it is clear the window stayed."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop_polling()
            save_widths(getattr(self.window, "settings", None), self.column_widths)
            QTimer.singleShot(0, self._resume_if_still_open)
        return False

    def _resume_if_still_open(self) -> None:
        if self.window.isVisible():
            self.dock.resume()
            for view in self.run_views.values():
                view.resume()

    def stop_polling(self) -> None:
        self.dock.poller.stop()
        for view in self.run_views.values():
            view.stop()

    # -- window parts that may not exist yet ---------------------------------------------------
    @property
    def backend(self):
        return getattr(self.window, "backend", None) or self._backend

    @property
    def tabs(self):
        return getattr(self.window, "central_tabs", None)

    def _menu(self, name: str):
        menus = getattr(self.window, "menus", None) or {}
        if name in menus:
            return menus[name]
        return self.window.menuBar().addMenu(f"&{name}")

    def _add_actions(self) -> None:
        self.open_metrics_action = QAction("Open &metrics file…", self.window)
        self.open_metrics_action.setStatusTip("Plot an AutoML metrics output (JSON, e.g. Azure's metrics_data)")
        self.open_metrics_action.triggered.connect(self.ask_metrics_file)
        file_menu = self._menu("File")
        quit_action = next((a for a in file_menu.actions()
                            if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)), None)
        file_menu.insertAction(quit_action, self.open_metrics_action)
        self.compare_action = QAction("C&ompare runs…", self.window)
        self.compare_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.compare_action.setStatusTip("Compare the runs selected in the Runs dock")
        self.compare_action.triggered.connect(self.compare_selected)
        self._menu("Run").addAction(self.compare_action)
        self.clone_action = QAction("C&lone run into the wizard…", self.window)
        self.clone_action.setStatusTip("Open the selected run's spec in the setup wizard to change it and resubmit")
        self.clone_action.triggered.connect(self.clone_selected)
        self._menu("Run").addAction(self.clone_action)
        view_menu = self._menu("View")
        view_menu.addAction(self.dock.toggleViewAction())

    # -- reactions -----------------------------------------------------------------------------
    @Slot(object)
    def on_workspace_changed(self, backend) -> None:
        self._backend = backend
        self.dock.set_backend(backend)
        self.compare_action.setEnabled(backend is not None)
        for view in list(self.run_views.values()):
            self._close_widget(view)

    @Slot(str)
    def on_run_submitted(self, run_id: str) -> None:
        self.dock.refresh()
        self.open_run(run_id)

    @Slot(str)
    def open_run(self, run_id: str):
        from app.ui.monitor.run_view import RunViewWidget

        if run_id in self.run_views:
            self._show(self.run_views[run_id])
            return self.run_views[run_id]
        if self.backend is None:
            return None
        view = RunViewWidget(self.backend, run_id, self.runner,
                             column_widths=self.column_widths.setdefault("leaderboard", {}))
        self.run_views[run_id] = view
        view.destroyed.connect(lambda _obj=None, r=run_id: self._run_view_closed(r))
        view.snapshot_applied.connect(lambda snapshot, v=view: self._run_view_updated(v, snapshot))
        view.run_finished.connect(self.run_ended)
        view.leaderboard.iteration_menu_requested.connect(
            lambda iteration, pos, r=run_id: self.iteration_menu_requested.emit(r, iteration, pos))
        self._add_tab(view, f"Run {run_id[:8]}")
        return view

    def current_run_selection(self) -> tuple[str | None, int | None]:
        """The run shown in the current tab and the iteration selected in its leaderboard."""
        widget = self.tabs.currentWidget() if self.tabs is not None else None
        view = next((v for v in self.run_views.values() if v is widget), None)
        if view is None:
            return None, None
        iteration = view.leaderboard.selected_iteration()
        return view.run_id, None if iteration is None else iteration.iteration

    def selected_run_ids(self) -> list[str]:
        """The runs selected in the Runs dock."""
        return self.dock.selected_run_ids()

    @Slot(list)
    def runs_deleted(self, run_ids: list) -> None:
        """Runs that no longer exist: their tabs close and the dock lists what is left."""
        for run_id in run_ids:
            view = self.run_views.get(run_id)
            if view is not None:
                self._close_widget(view)
        self.dock.refresh()

    @Slot()
    def compare_selected(self):
        return self.compare_runs(self.dock.selected_run_ids())

    @Slot()
    def clone_selected(self) -> None:
        ids = self.dock.selected_run_ids()
        if len(ids) != 1 or self.backend is None:
            self.window.statusBar().showMessage("Select one run in the Runs dock to clone it", 5000)
            return
        reporter = getattr(self.window, "reporter", None)
        self.runner.start(clone_spec, self.backend, ids[0], on_result=self.window.edit_pipeline,
                          on_failed=(reporter.report if reporter is not None else None))

    @Slot(list)
    def compare_runs(self, run_ids: list):
        from app.ui.monitor.compare_view import CompareView

        if self.backend is None:
            return None
        view = CompareView(self.backend, self.runner, run_ids)
        self._add_tab(view, "Compare")
        return view

    @Slot()
    def ask_metrics_file(self) -> None:
        path = open_file(self.window, "Open metrics file", "metrics", METRICS_FILE_FILTER)
        if path:
            self.open_metrics_file(path)

    def open_metrics_file(self, path: str):
        from pathlib import Path

        from app.ui.monitor.metrics_file_view import MetricsFileView

        view = MetricsFileView(path, self.runner)
        view.load_failed.connect(lambda message: QMessageBox.warning(self.window, "Open metrics file", message))
        self._add_tab(view, f"Metrics: {Path(path).name}")
        return view

    # -- tabs ----------------------------------------------------------------------------------
    def _add_tab(self, widget: QWidget, title: str) -> None:
        tabs = self.tabs
        if tabs is None:
            widget.setParent(self.window, Qt.WindowType.Window)
            widget.setWindowTitle(title)
            widget.resize(1100, 720)
            widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            widget.show()
            return
        index = tabs.addTab(widget, title)
        if not tabs.tabsClosable():
            close = QToolButton()
            close.setAutoRaise(True)
            close.setText("×")
            close.setToolTip(f"Close {title}")
            close.clicked.connect(lambda: self._close_widget(widget))
            tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, close)
        tabs.setCurrentWidget(widget)

    def _run_view_closed(self, run_id: str) -> None:
        self.run_views.pop(run_id, None)
        control = getattr(self.window, "run_control", None)
        if control is not None:
            control.unfeed(run_id)

    def _run_view_updated(self, view: QWidget, snapshot) -> None:
        """The open run's poll feeds the dock's row and, while its tab is the one shown, the status bar."""
        if snapshot.run is None:
            return
        self._show_status(view, snapshot.run.status)
        self.dock.model.update_run(snapshot.run)
        control = getattr(self.window, "run_control", None)
        if control is not None:
            control.feed(snapshot.run)
        if self.tabs is not None and self.tabs.currentWidget() is view:
            self._status_bar_follows(view)

    @Slot(int)
    def _current_tab_changed(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if widget in self.run_views.values():
            self._status_bar_follows(widget)
        elif getattr(self.window, "show_viewed_run", None) is not None:
            self.window.show_viewed_run(None)

    def _status_bar_follows(self, view) -> None:
        show = getattr(self.window, "show_viewed_run", None)
        if show is not None and view.run is not None:
            show(view.run_id, view.run.status)

    def _show_status(self, view: QWidget, status: str) -> None:
        """The tab's icon is the run's status dot, so a finished run is visible from any tab."""
        from app.ui.monitor.status import status_icon

        tabs = self.tabs
        if tabs is not None and tabs.indexOf(view) >= 0:
            tabs.setTabIcon(tabs.indexOf(view), status_icon(status))
            tabs.setTabToolTip(tabs.indexOf(view), f"{view.run_id}: {status}")

    def _show(self, widget: QWidget) -> None:
        if self.tabs is not None and self.tabs.indexOf(widget) >= 0:
            self.tabs.setCurrentWidget(widget)
        else:
            widget.raise_()
            widget.activateWindow()

    def _is_mine(self, widget) -> bool:
        from app.ui.monitor.compare_view import CompareView
        from app.ui.monitor.metrics_file_view import MetricsFileView
        from app.ui.monitor.run_view import RunViewWidget

        return isinstance(widget, (RunViewWidget, CompareView, MetricsFileView))

    @Slot(int)
    def _on_tab_close_requested(self, index: int) -> None:
        """The window may close tabs itself: decide after every handler has run, by identity."""
        widget = self.tabs.widget(index)
        if self._is_mine(widget):
            QTimer.singleShot(0, lambda: self._close_widget(widget))

    def _close_widget(self, widget: QWidget) -> None:
        if not isValid(widget):
            return
        stop = getattr(widget, "stop", None)
        if stop is not None:
            stop()
        tabs = self.tabs
        if tabs is not None and tabs.indexOf(widget) >= 0:
            tabs.removeTab(tabs.indexOf(widget))
        widget.deleteLater()


def clone_spec(backend, run_id: str, sink=None):
    """The spec a run was submitted with, its parameter values included, ready to edit."""
    from app.core.spec import parse_spec

    run = backend.get_run(run_id)
    spec = parse_spec(run.spec_yaml)
    spec.parameters.update({k: v for k, v in run.parameters.items() if k in spec.parameters})
    return spec


def install_monitor(window: QMainWindow) -> MonitorController:
    """Add the runs dock, run views, compare and metrics-file actions to `window`."""
    controller = MonitorController(window)
    window.monitor = controller
    return controller
