"""`install_models(window)`: the Models tab, predict / register-iteration dialogs and housekeeping actions.

Needs (and tolerates the absence of) the window's `runner`, `backend`, `menus`,
`central_tabs`, `workspace_changed` and the run monitor (`window.monitor`).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QMessageBox
from shiboken6 import isValid

from app.ui.registry.deletion import DeletionFlow
from app.ui.registry.models_view import ModelsView
from app.ui.workers import JobRunner

HOOKED = "_models_context_menu"


def _dataset_refs(backend, sink=None) -> list[str]:
    return [f"{d.name}:{d.version}" for d in backend.list_datasets()]


class ModelsController(QObject):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        runner = getattr(window, "runner", None)
        self.runner = runner if runner is not None else JobRunner(self)
        self.view = ModelsView(self.runner)
        self.view.register_requested.connect(lambda: self.open_register())
        self.deletion: DeletionFlow | None = None
        self._add_actions()
        tabs = self.tabs
        if tabs is not None:
            tabs.insertTab(1, self.view, "Models")
            tabs.currentChanged.connect(self._hook_run_view)
            tabs.tabCloseRequested.connect(self._on_tab_close_requested)
        signal = getattr(window, "workspace_changed", None)
        if signal is not None:
            signal.connect(self.on_workspace_changed)
        self.on_workspace_changed(getattr(window, "backend", None))

    @property
    def backend(self):
        return self.view.backend

    @property
    def tabs(self):
        return getattr(self.window, "central_tabs", None)

    def show_models(self) -> ModelsView:
        """Bring the Models tab forward (re-adding it if it was closed), or show it as a window."""
        tabs = self.tabs
        if tabs is None:
            self.view.setParent(self.window, Qt.WindowType.Window)
            self.view.setWindowTitle("Models")
            self.view.show()
            return self.view
        if tabs.indexOf(self.view) < 0:
            tabs.addTab(self.view, "Models")
        tabs.setCurrentWidget(self.view)
        return self.view

    @Slot(int)
    def _on_tab_close_requested(self, index: int) -> None:
        if self.tabs.widget(index) is self.view:
            self.tabs.removeTab(index)

    def _menu(self, name: str):
        menus = getattr(self.window, "menus", None) or {}
        return menus[name] if name in menus else self.window.menuBar().addMenu(f"&{name}")

    def _action(self, menu: str, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self._menu(menu).addAction(action)
        return action

    def _add_actions(self) -> None:
        self.register_action = self._action("Run", "&Register an iteration's model…", self.open_register,
                                            "Register any iteration of a run as a new model version")
        self.delete_runs_action = self._action("Run", "&Delete selected runs…", self.delete_selected_runs,
                                               "Delete the runs selected in the Runs dock, with their outputs")
        self.delete_dataset_action = self._action("Workspace", "Delete a dataset &version…", self.ask_dataset,
                                                  "Delete one version of a registered dataset")
        self.usage_action = self._action("Workspace", "Disk &usage…", self.open_usage,
                                         "Space used by datasets, run outputs and models")
        self.show_action = self._action("View", "&Models", self.show_models,
                                        "Registered models: predict, register an iteration, delete")
        self.show_action.setShortcut("Ctrl+Shift+M")
        self.local_actions = (self.register_action, self.delete_runs_action, self.delete_dataset_action,
                              self.usage_action)

    # -- workspace -------------------------------------------------------------------------------
    @Slot(object)
    def on_workspace_changed(self, backend) -> None:
        self.view.set_backend(backend)
        local = getattr(backend, "kind", "") == "local"
        for action in self.local_actions:
            action.setEnabled(local)
        self.deletion = DeletionFlow(self.window, backend, self.runner) if local else None
        if self.deletion is not None:
            self.deletion.deleted.connect(self._deleted)
            self.deletion.failed.connect(lambda message: QMessageBox.warning(self.window, "Delete", message))

    # -- actions ---------------------------------------------------------------------------------
    def open_register(self, run_id: str | None = None, iteration: int | None = None):
        from app.ui.registry.register_iteration_dialog import RegisterIterationDialog

        if self.deletion is None:
            return None
        if run_id is None:
            run_id, iteration = self._current_run_selection()
        def make():
            dialog = RegisterIterationDialog(self.backend, self.runner, run_id, iteration, self.window)
            dialog.registered.connect(self._registered)
            return dialog

        return self.view._dialog("register", make)

    def _registered(self, model) -> None:
        self.view.pending_selection = (model.name, model.version)
        self.view.refresh()

    def _current_run_selection(self) -> tuple[str | None, int | None]:
        """The run shown in the current tab and the iteration selected in its leaderboard."""
        widget = self.tabs.currentWidget() if self.tabs is not None else None
        board = getattr(widget, "leaderboard", None)
        if board is None or not getattr(widget, "run_id", None):
            return None, None
        rows = board.view.selectionModel().selectedRows()
        if not rows:
            return widget.run_id, None
        source = board.proxy.mapToSource(rows[0])
        return widget.run_id, board.model.iteration_at(source.row()).iteration

    def open_usage(self):
        from app.ui.registry.usage_dialog import DiskUsageDialog

        if self.deletion is None:
            return None
        return self.view._dialog("usage", lambda: DiskUsageDialog(self.backend, self.runner, self.window))

    def delete_selected_runs(self) -> None:
        monitor = getattr(self.window, "monitor", None)
        run_ids = monitor.dock.selected_run_ids() if monitor is not None else []
        if not run_ids:
            QMessageBox.information(self.window, "Delete runs", "Select the runs to delete in the Runs dock first.")
            return
        if self.deletion is not None:
            self.deletion.delete_runs(run_ids)

    def ask_dataset(self) -> None:
        if self.deletion is not None:
            self.runner.start(_dataset_refs, self.backend, on_result=self._choose_dataset)

    def _choose_dataset(self, refs: list[str]) -> None:
        if not refs:
            QMessageBox.information(self.window, "Delete a dataset version", "No datasets are registered.")
            return
        ref, ok = QInputDialog.getItem(self.window, "Delete a dataset version", "Dataset version:", refs, 0, False)
        if ok and ref:
            name, _, version = ref.rpartition(":")
            self.deletion.delete_dataset(name, int(version))

    def _deleted(self, result: dict) -> None:
        monitor = getattr(self.window, "monitor", None)
        for run_id in result["runs"]:
            view = getattr(monitor, "run_views", {}).get(run_id)
            if view is not None and isValid(view):
                view.stop()
                self.tabs.removeTab(self.tabs.indexOf(view))
                view.deleteLater()
        if monitor is not None:
            monitor.dock.refresh()
        self.view.refresh()
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(f"Deleted {len(result['runs'])} run(s), {len(result['datasets'])} dataset "
                                 f"version(s), {len(result['models'])} model version(s)", 8000)

    # -- the leaderboard's context menu ----------------------------------------------------------
    @Slot(int)
    def _hook_run_view(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        board = getattr(widget, "leaderboard", None)
        if board is None or getattr(board, HOOKED, False):
            return
        setattr(board, HOOKED, True)
        board.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        board.view.customContextMenuRequested.connect(lambda pos, w=widget: self._leaderboard_menu(w, pos))

    def _leaderboard_menu(self, widget, pos: QPoint) -> QMenu | None:
        board = widget.leaderboard
        index = board.view.indexAt(pos)
        if not index.isValid() or self.deletion is None:
            return None
        iteration = board.model.iteration_at(board.proxy.mapToSource(index).row())
        menu = QMenu(board.view)
        action = menu.addAction(f"Register iteration {iteration.iteration}'s model…")
        action.triggered.connect(lambda: self.open_register(widget.run_id, iteration.iteration))
        menu.popup(board.view.viewport().mapToGlobal(pos))
        return menu


def install_models(window: QMainWindow) -> ModelsController:
    """Add the Models tab and the predict, register-iteration and housekeeping actions to `window`."""
    controller = ModelsController(window)
    window.models = controller
    return controller
