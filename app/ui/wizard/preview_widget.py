"""First rows and column profile of a file or a registered dataset, loaded on a worker."""
from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QTabWidget, QVBoxLayout, QWidget

from app.ui.data_preview import PROFILE_ROWS, form_note, iter_file_chunks, profile
from app.ui.table_models import ChunkedTableModel, frame_rows


def load_file_preview(path: str, rows: int = PROFILE_ROWS, sink=None) -> dict:
    """Read chunks until `rows` rows are in hand; the rest stays unread behind an iterator."""
    import pandas as pd

    chunks = iter_file_chunks(path)
    frames, have = [], 0
    for chunk in chunks:
        sink.check() if sink is not None else None
        frames.append(chunk)
        have += len(chunk)
        if have >= rows:
            break
    sample = pd.concat(frames, ignore_index=True)
    return {"sample": sample, "rows": frame_rows(sample), "profile": profile(sample),
            "more": chunks if have >= rows else None, "form": form_note(path)}


def load_dataset_preview(backend, name: str, version, rows: int = PROFILE_ROWS, sink=None) -> dict:
    sample = backend.preview_dataset(name, version, rows=rows)
    return {"sample": sample, "rows": frame_rows(sample), "profile": profile(sample), "more": None}


class PreviewWidget(QTabWidget):
    loaded = Signal()
    """A preview finished loading; `sample` and `column_profile` are set."""
    failed = Signal(str)
    """A preview could not be loaded; the message says why."""

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self._runner = runner
        self._token = 0
        self.loading = False
        self.error: str | None = None
        self.sample = None
        self.column_profile = []
        self.rows_view = QTableView()
        self.rows_view.setAlternatingRowColors(True)
        self.rows_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.rows_view.horizontalHeader().setResizeContentsPrecision(50)  # size columns from the top rows only
        self.rows_view.verticalHeader().setDefaultSectionSize(22)
        self.profile_view = QTableView()
        self.profile_view.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        rows_page = QWidget()
        rows_layout = QVBoxLayout(rows_page)
        rows_layout.setContentsMargins(0, 0, 0, 0)
        rows_layout.addWidget(self.rows_view, 1)
        rows_layout.addWidget(self.note)
        self.addTab(rows_page, "First rows")
        self.addTab(self.profile_view, "Column profile")

    def clear(self, note: str = "") -> None:
        self._token += 1
        self.loading, self.error, self.sample, self.column_profile = False, None, None, []
        self.rows_view.setModel(None)
        self.profile_view.setModel(None)
        self.note.setStyleSheet("")
        self.note.setText(note)

    def load_file(self, path: str) -> None:
        self._start(load_file_preview, path)

    def load_dataset(self, backend, name: str, version) -> None:
        self._start(load_dataset_preview, backend, name, version)

    def _start(self, job, *args) -> None:
        self.clear("Loading preview…")
        self.loading = True
        token = self._token
        self._runner.start(job, *args,
                           on_result=lambda result: self._loaded(token, result),
                           on_failed=lambda message, details: self._failed(token, message))

    def _loaded(self, token: int, result: dict) -> None:
        if token != self._token:
            return
        self.loading = False
        sample = result["sample"]
        self.sample, self.column_profile = sample, result["profile"]
        self.rows_view.setModel(ChunkedTableModel(sample.columns, result["rows"], result["more"], self))
        self.rows_view.resizeColumnsToContents()
        self.profile_view.setModel(ChunkedTableModel(
            ("column", "type", "missing", "distinct values"),
            [(p.name, p.dtype, f"{p.missing_pct:.1f} %", str(p.distinct)) for p in result["profile"]], parent=self))
        self.profile_view.resizeColumnsToContents()
        more = "; more rows load as you scroll" if result["more"] is not None else ""
        form = f" {result['form']}" if result.get("form") else ""
        self.note.setText(f"{len(sample.columns)} columns; profile from the first {len(sample):,} rows{more}.{form}")
        self.loaded.emit()

    @Slot()
    def _failed(self, token: int, message: str) -> None:
        if token != self._token:
            return
        self.loading = False
        self.error = message
        self.note.setStyleSheet("color: #b3261e;")
        self.note.setText(message)
        self.failed.emit(message)
