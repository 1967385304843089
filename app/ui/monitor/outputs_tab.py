"""The AutoML step's metrics and model files: paths, sizes, Open folder, Export metrics CSV."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.monitor.overview_tab import compact_table
from app.ui.file_dialogs import save_file
from app.ui.monitor.records_model import RecordsTableModel


def output_rows(outputs: dict) -> list[dict]:
    rows = []
    for name, path in sorted(outputs.items()):
        path = Path(path)
        size = path.stat().st_size if path.is_file() else None
        rows.append({"output": name, "path": str(path), "size": _size_text(size)})
    return rows


def _size_text(size: int | None) -> str:
    if size is None:
        return "missing"
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


class OutputsTab(QWidget):
    export_requested = Signal(str)
    """The user chose this CSV path for the per-iteration metrics."""
    fetch_requested = Signal()
    """The user asked to (re)fetch the output files."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = RecordsTableModel(["output", "path", "size"], self)
        self.view = compact_table(self.model)
        self.message = QLabel("Outputs are listed when the AutoML step has written them.")
        self.message.setWordWrap(True)
        self.fetch_button = QPushButton("Refresh")
        self.fetch_button.clicked.connect(self.fetch_requested)
        self.open_button = QPushButton("Open folder")
        self.open_button.clicked.connect(self.open_folder)
        self.export_button = QPushButton("Export metrics CSV…")
        self.export_button.clicked.connect(self._ask_export_path)
        buttons = QHBoxLayout()
        for button in (self.fetch_button, self.open_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.set_outputs({})

    def set_outputs(self, outputs: dict) -> None:
        self.outputs = dict(outputs)
        self.model.set_rows(output_rows(self.outputs))
        self.open_button.setEnabled(bool(self.outputs))
        if self.outputs:
            self.message.setText("Files written by the AutoML step (Azure's formats: JSON metrics, pickled model).")

    def folder(self) -> Path | None:
        return Path(next(iter(self.outputs.values()))).parent if self.outputs else None

    def open_folder(self) -> None:
        folder = self.folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _ask_export_path(self) -> None:
        path = save_file(self, "Export metrics CSV", "exports", "metrics.csv", "CSV files (*.csv)")
        if path:
            self.export_requested.emit(path)
