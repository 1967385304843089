"""The workspace's disk usage: space per category and the largest runs, datasets and models."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QProgressBar, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.ui.registry.models_table import human_size

ROW_HEIGHT = 22


def _usage(backend, sink=None) -> dict:
    return backend.disk_usage(top=15)


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _size_item(n: int) -> QTableWidgetItem:
    item = QTableWidgetItem(human_size(n))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class DiskUsageDialog(QDialog):
    loaded = Signal(dict)
    """The usage figures, once measured."""

    def __init__(self, backend, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Workspace disk usage")
        self.resize(560, 520)
        self.total = QLabel("Measuring…")
        self.total.setWordWrap(True)
        self.categories = _table(["Category", "Size", "Share"], stretch=2)
        self.categories.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.largest = _table(["Kind", "Item", "Size"], stretch=1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.total)
        layout.addWidget(self.categories)
        layout.addWidget(QLabel("Largest items"))
        layout.addWidget(self.largest, 1)
        layout.addWidget(buttons)
        runner.start(_usage, backend, on_result=self.show_usage,
                     on_failed=lambda message, _details: self.total.setText(message))

    def show_usage(self, usage: dict) -> None:
        self.total.setText(f"<b>{human_size(usage['total'])}</b> in {usage['location']}")
        cats = sorted(usage["categories"].items(), key=lambda kv: kv[1], reverse=True)
        self.categories.setRowCount(len(cats))
        for row, (name, size) in enumerate(cats):
            self.categories.setItem(row, 0, QTableWidgetItem(name))
            self.categories.setItem(row, 1, _size_item(size))
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(int(1000 * size / usage["total"]) if usage["total"] else 0)
            bar.setFormat(f"{100 * size / usage['total']:.0f}%" if usage["total"] else "")
            self.categories.setCellWidget(row, 2, bar)
        frame = 2 * self.categories.frameWidth()
        self.categories.setFixedHeight(self.categories.horizontalHeader().height() + ROW_HEIGHT * len(cats) + frame)
        self.largest.setRowCount(len(usage["largest"]))
        for row, item in enumerate(usage["largest"]):
            self.largest.setItem(row, 0, QTableWidgetItem(item["kind"]))
            self.largest.setItem(row, 1, QTableWidgetItem(item["label"]))
            self.largest.setItem(row, 2, _size_item(item["bytes"]))
        self.loaded.emit(usage)
