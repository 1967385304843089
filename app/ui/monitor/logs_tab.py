"""Each step's log, tailing live: follows the end unless the user scrolled up."""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget


class LogsTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.steps = QTabWidget()
        self.steps.setDocumentMode(True)
        self.views: dict[str, QPlainTextEdit] = {}
        self._pending: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.steps)

    def set_logs(self, logs: dict[str, str]) -> None:
        """Hidden, only remember the texts: re-laying out a long log is the costly part."""
        self._pending = dict(logs)
        if self.isVisible():
            self._apply()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._apply()

    def _apply(self) -> None:
        logs, self._pending = self._pending, {}
        for step, text in logs.items():
            view = self.views.get(step) or self._add(step)
            if view.toPlainText() == text:
                continue
            bar = view.verticalScrollBar()
            following = bar.value() >= bar.maximum() - 2
            position = bar.value()
            view.setPlainText(text or f"(no output from {step} yet)")
            bar.setValue(bar.maximum() if following else position)

    def _add(self, step: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setMaximumBlockCount(20_000)
        self.views[step] = view
        self.steps.addTab(view, step)
        return view
