"""A read-only table model over a list of rows (dicts), for the small tables of the monitor:
parameters, guardrails, outputs, hyperparameters, the compare table."""
from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.ui.monitor.status import format_metric

_Index = QModelIndex | QPersistentModelIndex
GOOD, BAD = QBrush(QColor("#2e7d32")), QBrush(QColor("#c62828"))


class RecordsTableModel(QAbstractTableModel):
    """Rows are dicts keyed by column name. Floats show with 4 decimals (signed in columns
    listed in `signed_columns`); `colour_of(row, column)` may return a QBrush for the text."""

    def __init__(self, columns: list[str], parent=None, signed_columns=(), colour_of=None, metric_floats=True):
        """`metric_floats`: floats are metric values (4 decimals, right-aligned); otherwise they
        are settings such as a learning rate, shown with up to 6 significant digits."""
        super().__init__(parent)
        self._metric_floats = metric_floats
        self._columns = list(columns)
        self._rows: list[dict] = []
        self._signed = set(signed_columns)
        self._colour_of = colour_of

    def set_rows(self, rows: list[dict], columns: list[str] | None = None, signed_columns=None) -> None:
        self.beginResetModel()
        if columns is not None:
            self._columns = list(columns)
        if signed_columns is not None:
            self._signed = set(signed_columns)
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[dict]:
        return list(self._rows)

    def columns(self) -> list[str]:
        return list(self._columns)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section]
        return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        value = row.get(column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(value, column)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.ForegroundRole and self._colour_of is not None:
            return self._colour_of(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and self._metric_floats and isinstance(value, float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, value, column: str) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float):
            if column in self._signed:
                return f"{value:+.4f}"
            return format_metric(value) if self._metric_floats else f"{value:.6g}"
        if isinstance(value, (dict, list)):
            import json
            return json.dumps(value, default=str)
        return str(value)


def key_value_rows(mapping: dict, key: str = "name", value: str = "value") -> list[dict]:
    return [{key: k, value: v} for k, v in mapping.items()]
