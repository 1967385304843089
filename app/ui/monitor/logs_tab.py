"""Each step's log, tailing live: follows the end unless the user scrolled up."""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget

from app.core import runs as rs
from app.core.runs import StepRunRecord


def placeholder(step: StepRunRecord | None) -> str:
    """What an empty log means, so a blank pane is never a puzzle."""
    if step is None:
        return "(no output yet)"
    if step.reused:
        source = f" of step run {step.reused_from}" if step.reused_from else ""
        return f"(reused the outputs{source}: this step did not run again, so it has no log here)"
    if step.status in (rs.NOT_STARTED, rs.QUEUED):
        return f"({step.name} has not started yet)"
    return f"(no output from {step.name} yet)"


class LogsTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.steps = QTabWidget()
        self.steps.setDocumentMode(True)
        self.views: dict[str, QPlainTextEdit] = {}
        self._shown: dict[str, str] = {}
        self._pending: tuple[dict, list] = ({}, [])
        self._chose_tab = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.steps)

    def set_logs(self, logs: dict[str, str], steps: list[StepRunRecord] = ()) -> None:
        """Hidden, only remember the texts: re-laying out a long log is the costly part."""
        self._pending = (dict(logs), list(steps))
        if self.isVisible():
            self._apply()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._apply()

    def _apply(self) -> None:
        (logs, steps), self._pending = self._pending, ({}, [])
        by_name = {s.name: s for s in steps}
        for step, text in logs.items():
            view = self.views.get(step) or self._add(step)
            text = text or placeholder(by_name.get(step))
            if self._shown.get(step) == text:
                continue
            self._shown[step] = text
            bar = view.verticalScrollBar()
            following = bar.value() >= bar.maximum() - 2
            position = bar.value()
            view.setPlainText(text)
            bar.setValue(bar.maximum() if following else position)
        if not self._chose_tab and steps:
            self._chose_tab = True
            current = next((s.name for s in steps if s.status in rs.ACTIVE and s.status != rs.NOT_STARTED),
                           steps[-1].name if all(s.status in rs.TERMINAL for s in steps) else None)
            if current in self.views:
                self.steps.setCurrentWidget(self.views[current])

    def _add(self, step: str) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setMaximumBlockCount(20_000)
        self.views[step] = view
        self.steps.addTab(view, step)
        return view
