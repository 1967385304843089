"""`install_models(window, monitor)`: the Models tab, predict / register-iteration dialogs and housekeeping actions.

The window provides `runner`, `menus`, `central_tabs`, `backend`, `workspace_changed` and a status bar;
the run monitor is used only through its public signals and methods. What the open workspace cannot
do is disabled, and the action's tip says why.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QMessageBox

from app.core.backend import DATASET, RUN, Capabilities
from app.ui.monitor.integration import MonitorController
from app.ui.registry.deletion import DeletionFlow
from app.ui.registry.models_view import ModelsView


def _dataset_refs(backend, sink=None) -> list[str]:
    return [f"{d.name}:{d.version}" for d in backend.list_datasets()]


class ModelsController(QObject):
    def __init__(self, window: QMainWindow, monitor: MonitorController):
        super().__init__(window)
        self.window, self.monitor, self.runner = window, monitor, window.runner
        self.view = ModelsView(self.runner)
        self.view.register_requested.connect(lambda: self.open_register())
        self.deletion: DeletionFlow | None = None
        self._add_actions()
        self.tabs = window.central_tabs
        self.tabs.insertTab(1, self.view, "Models")
        self.tabs.tabCloseRequested.connect(self._on_tab_close_requested)
        self.tabs.currentChanged.connect(self._tab_changed)
        monitor.iteration_menu_requested.connect(self._leaderboard_menu)
        monitor.run_ended.connect(self._run_ended)
        window.workspace_changed.connect(self.on_workspace_changed)
        self.on_workspace_changed(window.backend)

    @property
    def backend(self):
        return self.view.backend

    @property
    def capabilities(self) -> Capabilities:
        return self.backend.capabilities if self.backend is not None else Capabilities()

    def show_models(self) -> ModelsView:
        """Bring the Models tab forward, re-adding it if it was closed."""
        if self.tabs.indexOf(self.view) < 0:
            self.tabs.addTab(self.view, "Models")
        self.tabs.setCurrentWidget(self.view)
        return self.view

    @Slot(int)
    def _on_tab_close_requested(self, index: int) -> None:
        if self.tabs.widget(index) is self.view:
            self.tabs.removeTab(index)

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        """Coming back to the Models tab shows what was registered meanwhile."""
        if self.tabs.currentWidget() is self.view and self.backend is not None:
            self.view.refresh()

    @Slot(str)
    def _run_ended(self, _run_id: str) -> None:
        """A finished run may have registered a model: list it without waiting for a Refresh."""
        if self.backend is not None:
            self.view.refresh()

    def _action(self, menu: str, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.menus[menu].addAction(action)
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
        self.capability_actions = {self.register_action: "register_iteration",
                                   self.delete_runs_action: "delete", self.delete_dataset_action: "delete",
                                   self.usage_action: "disk_usage"}
        self._tips = {action: action.statusTip() for action in self.capability_actions}

    def _can(self, action: QAction) -> bool:
        caps = self.capabilities
        if action is self.delete_runs_action:
            return RUN in caps.delete
        if action is self.delete_dataset_action:
            return DATASET in caps.delete
        return bool(getattr(caps, self.capability_actions[action]))

    # -- workspace -------------------------------------------------------------------------------
    @Slot(object)
    def on_workspace_changed(self, backend) -> None:
        self.view.set_backend(backend)
        for action, capability in self.capability_actions.items():
            allowed = backend is not None and self._can(action)
            action.setEnabled(allowed)
            tip = self._tips[action] if allowed or backend is None else self.capabilities.why_not(capability)
            action.setStatusTip(tip)
            action.setToolTip(tip)
        self.deletion = DeletionFlow(self.window, backend, self.runner) if backend is not None else None
        if self.deletion is not None:
            self.deletion.deleted.connect(self._deleted)
            self.deletion.failed.connect(lambda message: QMessageBox.warning(self.window, "Delete", message))

    # -- actions ---------------------------------------------------------------------------------
    def open_register(self, run_id: str | None = None, iteration: int | None = None):
        from app.ui.registry.register_iteration_dialog import RegisterIterationDialog

        if self.backend is None or not self.capabilities.register_iteration:
            return None
        if run_id is None:
            run_id, iteration = self.monitor.current_run_selection()

        def make():
            dialog = RegisterIterationDialog(self.backend, self.runner, run_id, iteration, self.window)
            dialog.registered.connect(self._registered)
            return dialog

        return self.view.show_dialog("register", make)

    def _registered(self, model) -> None:
        self.view.pending_selection = (model.name, model.version)
        self.view.refresh()

    def open_usage(self):
        from app.ui.registry.usage_dialog import DiskUsageDialog

        if self.backend is None or not self.capabilities.disk_usage:
            return None
        return self.view.show_dialog("usage", lambda: DiskUsageDialog(self.backend, self.runner, self.window))

    def delete_selected_runs(self) -> None:
        run_ids = self.monitor.selected_run_ids()
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
        self.monitor.runs_deleted(list(result["runs"]))
        self.view.refresh()
        self.window.statusBar().showMessage(
            f"Deleted {len(result['runs'])} run(s), {len(result['datasets'])} dataset version(s), "
            f"{len(result['models'])} model version(s)", 8000)

    # -- the leaderboard's context menu ----------------------------------------------------------
    @Slot(str, object, QPoint)
    def _leaderboard_menu(self, run_id: str, iteration, pos: QPoint) -> None:
        if self.backend is None:
            return
        menu = QMenu(self.window)
        action = menu.addAction(f"Register iteration {iteration.iteration}'s model…")
        action.setEnabled(self.capabilities.register_iteration)
        action.setToolTip("" if action.isEnabled() else self.capabilities.why_not("register_iteration"))
        action.triggered.connect(lambda: self.open_register(run_id, iteration.iteration))
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(pos)


def install_models(window: QMainWindow, monitor: MonitorController) -> ModelsController:
    """Add the Models tab and the predict, register-iteration and housekeeping actions to `window`."""
    return ModelsController(window, monitor)
