"""The main window: menus, a tabbed centre, a status bar; it composes widgets and holds no logic.

Its features are installed explicitly: the run monitor (`install_monitor`), then the registered
models (`install_models`), which uses the monitor's public signals and methods.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressBar, QTabWidget

from app.core.runs import ACTIVE
from app.core.spec import load_spec, save_spec
from app.locator import resource
from app.ui import diagnostics, logs
from app.ui.file_dialogs import open_file, save_file
from app.ui.jobs import call
from app.ui.main_menus import build_menus
from app.ui.monitor.integration import install_monitor
from app.ui.registry.integration import install_models
from app.ui.reporter import ErrorReporter
from app.ui.run_control import RunControl
from app.ui.settings import UiSettings
from app.ui.start_page import StartPage
from app.ui.workers import JobRunner
from app.ui.wording import count

log = logging.getLogger(__name__)
CLOSE_CANCEL, CLOSE_KEEP, CLOSE_STAY = "cancel", "keep", "stay"


def default_open_backend(location, **options):
    from app.backends import open_backend

    return open_backend(location, **options)


class MainWindow(QMainWindow):
    workspace_changed = Signal(object)
    """A workspace was opened (the new Backend)."""
    run_submitted = Signal(str)
    """A run was created by this window, or found active on opening a workspace: its id."""

    def __init__(self, settings: UiSettings | None = None, open_backend=None, reporter: ErrorReporter | None = None,
                 with_monitor: bool = True, parent=None):
        super().__init__(parent)
        self.setWindowTitle("AutoML Desk")
        self.settings = settings or UiSettings()
        self.open_backend = open_backend or default_open_backend
        self.reporter = reporter or ErrorReporter(self)
        self.runner = JobRunner(self)
        self.runner.unhandled_failure.connect(lambda message, details: self.reporter.report(message, details))
        self.run_control = RunControl(self.runner, self)
        self._backend = None
        self.location: str | None = None
        self.spec = None
        self.spec_path: str | None = None
        self.wizard = None
        self._dialogs: dict[str, object] = {}
        self._viewed_run: str | None = None

        self.central_tabs = QTabWidget()
        self.central_tabs.setDocumentMode(True)
        self.start_page = StartPage()
        self.start_page.spec_chosen.connect(self.open_spec)
        self.start_page.new_requested.connect(self.new_pipeline)
        self.start_page.open_requested.connect(self.open_spec_dialog)
        self.start_page.switch_requested.connect(self.switch_workspace)
        self.central_tabs.addTab(self.start_page, "Start")
        self.setCentralWidget(self.central_tabs)
        self.menus, self.actions = build_menus(self)

        self.workspace_label = QLabel("No workspace")
        self.connection_label = QLabel()
        self.run_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        bar = self.statusBar()
        bar.addWidget(self.workspace_label)
        bar.addWidget(self.connection_label)
        bar.addPermanentWidget(self.run_label)
        bar.addPermanentWidget(self.busy)

        rc = self.run_control
        rc.submitting.connect(self._submitting)
        rc.submitted.connect(self._submitted)
        rc.submit_failed.connect(self._submit_failed)
        rc.status_changed.connect(self._run_status)
        rc.run_failed.connect(lambda run_id, message, details: self.reporter.report(message, details))
        self.refresh_recent()
        self._update_actions()
        self.resize(1200, 800)
        geometry = self.settings.geometry("main")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if with_monitor:
            self.monitor = install_monitor(self)
            self.models = install_models(self, self.monitor)

    def prewarm(self) -> None:
        """Load pandas and matplotlib on a worker (see app.ui.prewarm); call once the window shows."""
        from app.ui.prewarm import prewarm_job

        self.runner.start(prewarm_job, on_failed=lambda m, d: log.info("prewarm skipped: %s", m))  # only a speed-up

    # workspace ---------------------------------------------------------------------------------
    @property
    def backend(self):
        """The open workspace's Backend, or None."""
        return self._backend

    def connect_workspace(self, location: str | None) -> None:
        """Open `location` on a worker (None: the default workspace); the status bar follows."""
        from app.backends import resolve_location

        location = resolve_location(location)
        self.workspace_label.setText(f"Workspace: {location}")
        self._set_connection("connecting…", "#8a5a00")
        self.busy.setVisible(True)
        self.runner.start(call, self.open_backend, location,
                          on_result=lambda backend: self.set_backend(backend, location),
                          on_failed=lambda message, details: self._connect_failed(location, message, details))

    def _connect_failed(self, location: str, message: str, details: str) -> None:
        self.busy.setVisible(False)
        self._set_connection("not connected", "#b3261e")
        self.reporter.report(f"Could not open the workspace {location}: {message}\n\n"
                             "Choose another one with Workspace → Switch…", details)

    def set_backend(self, backend, location: str | None = None) -> None:
        self._backend = backend
        self.location = location or backend.describe().get("location")
        self.busy.setVisible(self.run_control.is_submitting())
        if self.location:
            self.settings.add_recent("workspaces", self.location)
        info = backend.describe()
        self.workspace_label.setText(f"Workspace: {info.get('name')} ({info.get('kind')}) — {info.get('location')}")
        self._set_connection("connected" if info.get("connected", True) else "offline",
                             "#1e6b30" if info.get("connected", True) else "#b3261e")
        self.run_control.set_backend(backend)
        self._update_actions()
        self.workspace_changed.emit(backend)
        self.runner.start(call, backend.list_runs, on_result=lambda runs: self._resume_active(backend, runs),
                          on_failed=lambda m, d: log.warning("listing runs failed: %s", m))

    def _resume_active(self, backend, runs) -> None:
        """Runs still going (e.g. kept running when the app was last closed) are followed again."""
        if backend is not self._backend:
            return
        for run in runs:
            if run.status in ACTIVE and run.run_id not in self.run_control.statuses:
                self.run_control.watch(run.run_id, run.status)
                self.run_submitted.emit(run.run_id)

    def _set_connection(self, text: str, color: str) -> None:
        self.connection_label.setText(f"● {text}")
        self.connection_label.setStyleSheet(f"color: {color};")

    @Slot()
    def switch_workspace(self) -> None:
        from app.ui.wizard.connect import SwitchWorkspaceWizard

        dialog = SwitchWorkspaceWizard(self.open_backend, self.runner, self.settings, self._backend, self.location,
                                       self)
        dialog.accepted.connect(lambda: dialog.backend is not None
                                and self.set_backend(dialog.backend, dialog.location))
        dialog.finished.connect(dialog.deleteLater)
        self._dialogs["switch"] = dialog
        dialog.open()

    def _workspace_dialog(self, key: str, cls):
        if self._backend is None:
            self.reporter.report("No workspace is open yet; open one with Workspace → Switch…")
            return None
        dialog = cls(self._backend, self.runner, self)
        self._dialogs[key] = dialog
        dialog.show()
        return dialog

    @Slot()
    def show_datasets(self):
        from app.ui.workspace_dialogs import DatasetsDialog

        return self._workspace_dialog("datasets", DatasetsDialog)

    @Slot()
    def show_computes(self):
        from app.ui.workspace_dialogs import ComputesDialog

        return self._workspace_dialog("computes", ComputesDialog)

    # pipeline specs ----------------------------------------------------------------------------
    @Slot()
    def new_pipeline(self):
        """Open the setup wizard on a fresh pipeline; accepting it submits."""
        return self.edit_pipeline(None)

    def edit_pipeline(self, spec):
        """Open the setup wizard on a copy of `spec` (Open spec, Clone run); None starts fresh."""
        from app.ui.wizard.wizard import SetupWizard

        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        wizard = SetupWizard(self.open_backend, self.runner, self._backend, self.location, spec, self.settings, self)
        wizard.workspace_connected.connect(lambda backend: self.set_backend(backend, wizard.location))
        wizard.spec_file_saved.connect(self._spec_saved)
        wizard.accepted.connect(lambda: self._wizard_accepted(wizard))
        wizard.finished.connect(self._wizard_closed)
        self.wizard = wizard
        wizard.show()
        return wizard

    def _wizard_accepted(self, wizard) -> None:
        self.spec = wizard.spec
        self._update_actions()
        self.run_control.submit(wizard.spec, wizard.submit_parameters())

    @Slot()
    def _wizard_closed(self) -> None:
        if self.wizard is not None:
            self.wizard.deleteLater()
        self.wizard = None

    @Slot()
    def open_spec_dialog(self) -> None:
        path = open_file(self, "Open pipeline spec", "specs", "Pipeline spec (*.yaml *.yml)", settings=self.settings,
                         first_folder=resource("examples"))
        if path:
            self.open_spec(path)

    @Slot(str)
    def open_spec(self, path: str):
        try:
            spec = load_spec(path)
        except Exception as exc:  # noqa: BLE001 - a bad file is reported, never fatal
            self.reporter.report(f"Could not open {path}:\n{exc}")
            self.refresh_recent()
            return None
        self.spec, self.spec_path = spec, path
        self.settings.add_recent("specs", path)
        self.refresh_recent()
        return self.edit_pipeline(spec)

    @Slot()
    def save_spec(self) -> None:
        if self.spec_path and self.spec is not None:
            self.save_spec_to(self.spec_path)
        else:
            self.save_spec_as()

    @Slot()
    def save_spec_as(self) -> None:
        if self.spec is None:
            self.reporter.report("There is no pipeline to save yet; create one with File → New pipeline…")
            return
        path = save_file(self, "Save pipeline spec", "specs", self.spec_path or "pipeline.yaml",
                         "Pipeline spec (*.yaml *.yml)", settings=self.settings)
        if path:
            self.save_spec_to(path)

    def save_spec_to(self, path: str) -> None:
        try:
            save_spec(self.spec, path)
        except OSError as exc:
            self.reporter.report(f"Could not save {path}: {exc}")
            return
        self._spec_saved(path)

    def _spec_saved(self, path: str) -> None:
        self.spec_path = path
        self.settings.add_recent("specs", path)
        self.refresh_recent()
        self.statusBar().showMessage(f"Saved {path}", 5000)

    @Slot()
    def export_script(self) -> None:
        from app.backends import export_script

        if self.spec is None:
            return
        path = save_file(self, "Export Azure ML SDK v1 script", "exports", "pipeline.py", "Python (*.py)",
                         settings=self.settings)
        if path:
            spec = self.spec
            self.runner.start(lambda sink: export_script(spec),
                              on_result=lambda text: Path(path).write_text(text, encoding="utf-8"),
                              on_failed=self.reporter.report)

    @Slot()
    def refresh_recent(self) -> None:
        """The recent specs that are still there: one moved or deleted since is not offered (it
        stays remembered, in case its drive comes back)."""
        recent = [path for path in self.settings.recent("specs") if Path(path).is_file()]
        self.recent_menu.clear()
        for path in recent:
            self.recent_menu.addAction(path, lambda p=path: self.open_spec(p))
        self.recent_menu.setEnabled(bool(recent))
        self.start_page.set_recent(recent)

    def _update_actions(self) -> None:
        from app.backends import exporter_available

        has_spec, has_backend = self.spec is not None, self._backend is not None
        self.actions["save"].setEnabled(has_spec)
        self.actions["save_as"].setEnabled(has_spec)
        self.actions["export"].setEnabled(has_spec and exporter_available())
        self.actions["submit"].setEnabled(has_backend)
        self.actions["datasets"].setEnabled(has_backend)
        self.actions["computes"].setEnabled(has_backend)

    # runs --------------------------------------------------------------------------------------
    @Slot()
    def submit_current(self) -> None:
        if self.spec is None:
            self.new_pipeline()
        else:
            self.run_control.submit(self.spec, {})

    @Slot()
    def cancel_current(self) -> None:
        if self.run_control.is_submitting():
            self.run_control.cancel_submit()
            return
        active = self.run_control.active_runs()
        if active:
            self.run_control.cancel_run(active[-1])
            self.run_label.setText(f"Cancelling {active[-1]}…")

    def _submitting(self, message: str) -> None:
        self.busy.setVisible(True)
        self.run_label.setText(message)

    def _submitted(self, run_id: str) -> None:
        self.busy.setVisible(False)
        self._show_run(run_id, "submitted")
        self.run_submitted.emit(run_id)

    def _submit_failed(self, message: str, details: str) -> None:
        self.busy.setVisible(False)
        self.run_label.setText("Submission failed")
        self.reporter.report(f"The pipeline was not submitted.\n\n{message}", details)

    def _run_status(self, run_id: str, status: str) -> None:
        if self._viewed_run in (None, run_id):  # the run being looked at keeps the status bar
            self._show_run(run_id, status)

    def show_viewed_run(self, run_id: str | None, status: str = "") -> None:
        """The run whose tab is shown (None: no run tab is) names the status bar; the monitor calls this."""
        self._viewed_run = run_id
        if run_id is not None:
            self._show_run(run_id, status)

    def _show_run(self, run_id: str, status: str) -> None:
        self.run_label.setText(f"Run {run_id[:8]}: {status}")  # ids are UUIDs; the tooltip has it whole
        self.run_label.setToolTip(run_id)

    # help --------------------------------------------------------------------------------------
    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About AutoML Desk", diagnostics.about_html())

    @Slot()
    def open_log_folder(self) -> None:
        folder = logs.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def copy_diagnostics(self) -> str:
        text = diagnostics.diagnostics_text(self._backend)
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Diagnostics copied to the clipboard", 5000)
        return text

    # closing -----------------------------------------------------------------------------------
    def ask_about_active_runs(self, run_ids: list[str]) -> str:
        """Cancel the active runs, keep them running (the executor is its own process), or stay."""
        box = QMessageBox(QMessageBox.Icon.Question, "Runs still active",
                          f"{count(len(run_ids), 'run is', 'runs are')} still going: {', '.join(run_ids)}.", parent=self)
        box.setInformativeText("Keep them running in the background and see them again when you next open this "
                               "workspace, or cancel them now?")
        keep = box.addButton("Keep running", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("Cancel runs", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Don't close", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return CLOSE_KEEP if clicked is keep else CLOSE_CANCEL if clicked is cancel else CLOSE_STAY

    def closeEvent(self, event) -> None:
        active = self.run_control.active_runs()
        if active:
            decision = self.ask_about_active_runs(active)
            if decision == CLOSE_STAY:
                event.ignore()
                return
            if decision == CLOSE_CANCEL:
                for run_id in active:
                    self.run_control.cancel_run(run_id)
        self.settings.set_geometry("main", self.saveGeometry())
        if self.wizard is not None:
            self.wizard.reject()
        self.run_control.set_backend(None)
        self.runner.shutdown()
        super().closeEvent(event)
