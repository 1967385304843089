"""A dialog that runs one background job at a time: action / Cancel / Close buttons, a progress bar
and a status line; closing it while the job runs cancels the job and waits for it."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QWidget

ERROR_STYLE = "color: #c62828;"


class JobDialog(QDialog):
    """Subclasses define `start()` (the action button calls it) and set `handle` to the running job."""

    def __init__(self, action: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.handle = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.action_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.action_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.action_button.setEnabled(False)
        self.cancel_button.hide()

    def is_running(self) -> bool:
        return self.handle is not None

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()

    def set_running(self, running: bool, inputs=()) -> None:
        """Swap Cancel for Close and lock `inputs` while the job runs."""
        for widget in inputs:
            widget.setEnabled(not running)
        self.action_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.close_button.setVisible(not running)
        if running:
            self.status.setStyleSheet("")
            self.progress.setValue(0)
            self.progress.show()

    def show_progress(self, fraction, message: str) -> None:
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        if message:
            self.status.setText(message[0].upper() + message[1:])

    def show_error(self, message: str) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(message)
        self.progress.hide()

    def reject(self) -> None:
        if self.handle is not None:
            handle = self.handle
            handle.cancel()
            handle.wait()
        super().reject()
