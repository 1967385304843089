"""Read-only table models: rows arrive in chunks as the view scrolls (never a whole file)."""
from __future__ import annotations

import logging
import math
from typing import Iterator

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

log = logging.getLogger(__name__)
MAX_ROWS = 100_000
BATCH_ROWS = 200
SIGNIFICANT = 6             # digits of a decimal a preview shows, as pandas prints them; the tooltip has all
PLAIN_RANGE = (1e-4, 1e12)  # decimals outside it are shown with an exponent


def frame_rows(frame) -> list[list[str]]:
    """A DataFrame as display strings: missing values as empty cells, decimals to SIGNIFICANT
    digits (a random float's 17 digits made every numeric column three times as wide)."""
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


class Rounded(str):
    """A decimal shown rounded; `full` is the value as read."""

    full: str


def _cell(value) -> str:
    if _missing(value):
        return ""
    if not isinstance(value, float) or value.is_integer() or not math.isfinite(value):
        return str(value)
    full = str(value)
    size = abs(value)
    if PLAIN_RANGE[0] <= size < PLAIN_RANGE[1]:
        decimals = max(0, SIGNIFICANT - 1 - math.floor(math.log10(size)))
        text = f"{value:.{decimals}f}"
        if decimals:
            text = text.rstrip("0")
            text = text + "0" if text.endswith(".") else text
    else:
        text = f"{value:.{SIGNIFICANT}g}"
    if text == full:
        return full
    cell = Rounded(text)
    cell.full = full
    return cell


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
        if index.column() >= len(row):
            return None
        cell = row[index.column()]
        return cell.full if isinstance(cell, Rounded) and role == Qt.ItemDataRole.ToolTipRole else cell

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
