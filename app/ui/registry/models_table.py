"""The registered models as a sortable table: one row per model version."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.core.runs import ModelVersion

MODEL_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Model", "Version", "Source run", "Dataset", "Metric", "Value", "Size", "Created")
_Index = QModelIndex | QPersistentModelIndex


def human_size(n: int | float | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def source_text(m: ModelVersion) -> str:
    if not m.run_id:
        return ""
    iteration = "" if m.iteration is None else f" #{m.iteration}"
    return f"{m.run_id[:8]}{iteration}"


def _created(epoch: float | None) -> str:
    return dt.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M") if epoch else ""


def _cells(m: ModelVersion) -> tuple[tuple[str, object], ...]:
    """(display text, sort key) per column."""
    value = "" if m.metric_value is None else f"{m.metric_value:.4f}"
    return ((m.name, m.name.lower()), (str(m.version), m.version), (source_text(m), source_text(m)),
            (m.dataset, m.dataset), (m.primary_metric, m.primary_metric), (value, m.metric_value or 0.0),
            (human_size(m.size_bytes), m.size_bytes), (_created(m.created_at), m.created_at or 0.0))


class ModelsTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._models: list[ModelVersion] = []

    def set_models(self, models: list[ModelVersion]) -> None:
        self.beginResetModel()
        self._models = list(models)
        self.endResetModel()

    def models(self) -> list[ModelVersion]:
        return list(self._models)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._models)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self._models[index.row()]
        if role == MODEL_ROLE:
            return m
        text, key = _cells(m)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == SORT_ROLE:
            return key
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.run_id if index.column() == 2 else text
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()] in ("Version", "Value", "Size"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ModelsProxy(QSortFilterProxyModel):
    """Sorts by the raw values and filters on the model name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
