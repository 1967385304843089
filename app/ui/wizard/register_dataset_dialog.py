""""Register new dataset…": pick CSV/Parquet files or URLs, preview them, register on a worker."""
from __future__ import annotations

import re

import shiboken6
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QInputDialog,
                               QLabel, QLineEdit, QListWidget, QProgressBar, QPushButton, QVBoxLayout)

from app.ui.file_dialogs import open_files
from app.ui.data_preview import is_url
from app.ui.styles import ERROR_STYLE
from app.ui.wizard.preview_widget import PreviewWidget

FILE_FILTER = "Tables (*.csv *.tsv *.txt *.parquet *.pq);;All files (*)"


def suggest_name(source: str) -> str:
    stem = Path(source.split("?", 1)[0].rstrip("/")).stem
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_.-") or "dataset"
    return f"{name}_ds"


class RegisterDatasetDialog(QDialog):
    registered = Signal(object)
    """The new DatasetVersion, once the backend registered it."""

    def __init__(self, backend, runner, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Register a dataset")
        self.resize(760, 560)
        self._backend, self._runner = backend, runner
        self._job = None
        self.dataset = None

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. titanic_ds")
        self.description = QLineEdit()
        self.sources = QListWidget()
        self.sources.setMaximumHeight(90)
        add_files = QPushButton("Add files…")
        add_files.clicked.connect(self._choose_files)
        add_url = QPushButton("Add URL…")
        add_url.clicked.connect(self._ask_url)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_selected)
        buttons_row = QHBoxLayout()
        for b in (add_files, add_url, remove):
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)

        self.preview = PreviewWidget(runner, self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.register_button = self.buttons.addButton("Register", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_register)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Description:", self.description)
        form.addRow("Files or URLs:", self.sources)
        form.addRow("", _wrap(buttons_row))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Preview of the first file (first rows only; the file is not read whole):"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self.name.textChanged.connect(self._update_state)
        self.preview.loaded.connect(self._update_state)
        self.preview.failed.connect(self._update_state)
        self._update_state()

    def add_sources(self, sources: list[str]) -> None:
        for source in sources:
            self.sources.addItem(source)
        if not self.name.text() and sources:
            self.name.setText(suggest_name(sources[0]))
        self._preview_first()

    def source_list(self) -> list[str]:
        return [self.sources.item(i).text() for i in range(self.sources.count())]

    def _preview_first(self) -> None:
        files = [s for s in self.source_list() if not is_url(s)]
        if files:
            self.preview.load_file(files[0])
        else:
            self.preview.clear("URLs are previewed after they are registered." if self.source_list() else "")
        self._update_state()

    def problem(self) -> str | None:
        if not self.source_list():
            return "Add at least one CSV or Parquet file, or a URL."
        if self.preview.error:
            return self.preview.error
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$", self.name.text().strip()):
            return "Name the dataset: letters, digits, '_', '-' or '.', starting with a letter or digit."
        return None

    @Slot()
    def _update_state(self, *_) -> None:
        problem = self.problem()
        busy = self._job is not None or self.preview.loading
        self.register_button.setEnabled(problem is None and not busy)
        self.message.setStyleSheet(ERROR_STYLE if problem and self.source_list() else "")
        self.message.setText(problem or "")

    @Slot()
    def start_register(self) -> None:
        if self.problem() is not None or self._job is not None:
            return
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setStyleSheet("")
        self.message.setText("Registering (copying and hashing the data)…")
        self._job = self._runner.start(self._backend.register_dataset, self.name.text().strip(),
                                       self.source_list(), self.description.text().strip(),
                                       on_result=self._registered, on_failed=self._failed,
                                       on_progress=self._progress, on_finished=self._finished)
        self._update_state()

    @Slot(object, str)
    def _progress(self, fraction, message: str) -> None:
        if fraction is not None:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(fraction * 100))
        if message:
            self.message.setText(message)

    @Slot(object)
    def _registered(self, dataset) -> None:
        self.dataset = dataset

    @Slot(str, str)
    def _failed(self, message: str, details: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(message)

    @Slot()
    def _finished(self) -> None:
        if not shiboken6.isValid(self.progress):  # the dialog was closed while the job ran
            return
        self._job = None
        if self.dataset is not None:
            self.registered.emit(self.dataset)
            self.accept()
            return
        self.progress.setVisible(False)
        self.register_button.setEnabled(self.problem() is None)

    def reject(self) -> None:
        if self._job is not None:
            self._job.cancel()
        super().reject()

    def _choose_files(self) -> None:
        paths = open_files(self, "Choose CSV or Parquet files", "data", FILE_FILTER)
        if paths:
            self.add_sources(paths)

    def _ask_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Add URL", "http(s) URL of a CSV or Parquet file:")
        if ok and url.strip():
            if not is_url(url.strip()):
                self.message.setStyleSheet(ERROR_STYLE)
                self.message.setText("A URL starts with http:// or https://")
                return
            self.add_sources([url.strip()])

    def _remove_selected(self) -> None:
        for item in self.sources.selectedItems():
            self.sources.takeItem(self.sources.row(item))
        self._preview_first()


def _wrap(layout):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
