"""Allowed / blocked algorithms of a task, by their Azure names, as a two-column checklist."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.core import catalog

ALLOWED, BLOCKED, NOTE = 1, 2, 3


class ModelsChecklist(QTreeWidget):
    changed = Signal()
    """A box was ticked or cleared."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderLabels(["Algorithm", "Allowed", "Blocked", ""])
        self.setRootIsDecorated(False)
        self.setMinimumHeight(220)
        self._loading = False
        self.itemChanged.connect(self._item_changed)

    def load(self, task: str, allowed, blocked, target: str) -> None:
        self._loading = True
        self.clear()
        local = set(catalog.local_models(task))
        for name in catalog.MODELS.get(task, ()):
            item = QTreeWidgetItem([name, "", "", ""])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(ALLOWED, Qt.CheckState.Checked if name in (allowed or []) else Qt.CheckState.Unchecked)
            item.setCheckState(BLOCKED, Qt.CheckState.Checked if name in (blocked or []) else Qt.CheckState.Unchecked)
            if name in catalog.REFUSED_MODELS:
                item.setText(NOTE, "deprecated")
            elif target == "local" and name not in local:
                item.setText(NOTE, "Azure only")
            if item.text(NOTE):
                item.setForeground(0, self.palette().placeholderText())
            self.addTopLevelItem(item)
        for col in range(4):
            self.resizeColumnToContents(col)
        self._loading = False

    def checked(self, column: int) -> list[str]:
        return [self.topLevelItem(i).text(0) for i in range(self.topLevelItemCount())
                if self.topLevelItem(i).checkState(column) == Qt.CheckState.Checked]

    def allowed(self) -> list[str] | None:
        """None (every algorithm) when no box is ticked, as AutoMLConfig's default."""
        return self.checked(ALLOWED) or None

    def blocked(self) -> list[str] | None:
        return self.checked(BLOCKED) or None

    def set_checked(self, name: str, column: int, on: bool = True) -> None:
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item.text(0) == name:
                item.setCheckState(column, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _item_changed(self, item, column) -> None:
        if not self._loading and column in (ALLOWED, BLOCKED):
            self.changed.emit()
