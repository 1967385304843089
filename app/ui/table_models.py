"""Read-only table models: rows arrive in chunks as the view scrolls (never a whole file)."""
from __future__ import annotations

import logging
from typing import Iterator

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

log = logging.getLogger(__name__)
MAX_ROWS = 100_000
BATCH_ROWS = 200


def frame_rows(frame) -> list[list[str]]:
    """A DataFrame as display strings; missing values show as empty cells."""
    return [["" if _missing(v) else str(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _missing(value) -> bool:
    try:
        return value != value or value is None  # NaN is the one value unequal to itself
    except (TypeError, ValueError):
        return False


class ChunkedTableModel(QAbstractTableModel):
    """Rows of strings shown a batch at a time as the view scrolls.

    Rows given up front are revealed in batches (so views never lay out thousands of rows at
    once); after them, more come from `more` (an iterator of DataFrames) on demand.
    """

    def __init__(self, columns=(), rows=(), more: Iterator | None = None, parent=None):
        super().__init__(parent)
        self._columns = [str(c) for c in columns]
        self._pending: list[list[str]] = [list(r) for r in rows]
        self._rows: list[list[str]] = self._pending[:BATCH_ROWS]
        del self._pending[:BATCH_ROWS]
        self._more = more
        self.fetch_error: str | None = None

    @classmethod
    def from_frame(cls, frame, more: Iterator | None = None, parent=None) -> "ChunkedTableModel":
        return cls(frame.columns, frame_rows(frame), more, parent)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        return row[index.column()] if index.column() < len(row) else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return (not parent.isValid() and (bool(self._pending) or self._more is not None)
                and len(self._rows) < MAX_ROWS)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        if not self._pending:
            self._pending = self._next_chunk()
        rows, self._pending = self._pending[:BATCH_ROWS], self._pending[BATCH_ROWS:]
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def _next_chunk(self) -> list[list[str]]:
        try:
            return frame_rows(next(self._more))
        except StopIteration:
            self._more = None
        except Exception as exc:  # noqa: BLE001 - a bad line deep in a file ends the preview, not the app
            log.warning("preview stopped: %s", exc)
            self.fetch_error = str(exc)
            self._more = None
        return []

    def column_names(self) -> list[str]:
        return list(self._columns)
