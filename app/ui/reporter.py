"""The one path for errors: log them, then show a dialog with the message and Details.

`ErrorReporter.report` is called by every failure handler; `install_excepthook` routes
uncaught exceptions (including those raised in Qt slots) to the same reporter.
"""
from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui import logs

log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    """Logs an error and shows it in a non-blocking message box."""

    reported = Signal(str, str)
    """The message and details of an error just shown."""

    def __init__(self, parent_widget: QWidget | None = None):
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.last_dialog: QMessageBox | None = None

    def report(self, message: str, details: str = "", title: str = "AutoML Desk",
               parent: QWidget | None = None) -> QMessageBox:
        log.error("%s\n%s", message, details)
        if not details:
            details = "Recent log lines:\n" + logs.tail(logs.log_file(), 4000)
        box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok,
                          parent or self._parent_widget)
        box.setDetailedText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.show()
        self.last_dialog = box
        box.destroyed.connect(self._forget)
        self.reported.emit(message, details)
        return box

    def _forget(self, *_):
        self.last_dialog = None

    def report_exception(self, exc_type, exc, tb) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        self.report(f"Unexpected error: {exc_type.__name__}: {exc}", details)


def install_excepthook(reporter: ErrorReporter) -> None:
    """Send uncaught exceptions to `reporter`; Ctrl-C still stops the app."""
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            reporter.report_exception(exc_type, exc, tb)
        except Exception:  # noqa: BLE001 - the hook itself must never raise
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
