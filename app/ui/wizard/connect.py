"""Connecting a workspace from a wizard: the job, and the methods the workspace page calls."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWizard

from app.backends import AZURE_PREFIX
from app.ui.settings import UiSettings
from app.ui.wizard.workspace_page import WorkspacePage
from app.ui.workers import JobRunner


def connect_job(open_backend, location: str, options: dict, sink=None):
    """Open a workspace and ask it to describe itself, which forces the connection."""
    if sink is not None:
        sink.progress(None, f"Opening {location}…")
        if location.startswith(AZURE_PREFIX):
            # Azure's device-code sign-in prints instructions the user must see: show them as progress.
            options = {"device_code_callback": lambda message: sink.progress(None, message), **options}
    backend = open_backend(location, **options)
    backend.describe()
    return backend


class WorkspaceConnecting:
    """Mixed into a QWizard that hosts a WorkspacePage; the host sets the attributes in __init__."""

    backend = None
    location: str | None = None
    runner: JobRunner
    settings: UiSettings
    _open_backend = None

    def recent_workspaces(self) -> list[str]:
        return self.settings.recent("workspaces")

    def connect_workspace(self, location: str, options: dict, on_connected, on_failed, on_progress=None):
        def connected(backend):
            self.backend, self.location = backend, location
            self.settings.add_recent("workspaces", location)
            self.workspace_connected.emit(backend)
            on_connected(backend)

        return self.runner.start(connect_job, self._open_backend, location, options,
                                 on_result=connected, on_failed=on_failed, on_progress=on_progress)


class SwitchWorkspaceWizard(WorkspaceConnecting, QWizard):
    """Workspace → Switch…: the wizard's first page on its own."""

    workspace_connected = Signal(object)
    """A backend was opened."""

    def __init__(self, open_backend, runner: JobRunner, settings: UiSettings, backend=None, location=None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle("Switch workspace")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Open")
        self._open_backend, self.runner, self.settings = open_backend, runner, settings
        self.backend, self.location = backend, location
        self.page_workspace = WorkspacePage()
        self.addPage(self.page_workspace)
        self.resize(720, 520)
