"""The leaderboard: one row per iteration, appended as a live run reports them."""
from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.core import catalog
from app.core.runs import COMPLETED, IterationRecord
from app.ui.monitor.status import format_duration, format_metric

FIXED = ("Iteration", "Pipeline", "Duration")
BEST_SO_FAR = "Best so far"
ITERATION_ROLE = Qt.ItemDataRole.UserRole + 1
IS_BEST_ROLE = Qt.ItemDataRole.UserRole + 2
BEST_BRUSH = QBrush(QColor("#e8f5e9"))
FAILED_BRUSH = QBrush(QColor("#9e9e9e"))
_Index = QModelIndex | QPersistentModelIndex


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


class LeaderboardModel(QAbstractTableModel):
    """Columns: iteration, pipeline, duration, the primary metric, best so far, then every
    other metric (callers may hide those). New iterations are inserted, not reset, so the
    view keeps its selection, sort and scroll position while a run fills in."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._iterations: list[IterationRecord] = []
        self._metric = ""
        self._others: list[str] = []
        self._best_so_far: list[float | None] = []
        self._best_row: int | None = None

    # -- feeding -------------------------------------------------------------------------------
    def set_iterations(self, iterations: list[IterationRecord], metric: str) -> None:
        """Show `iterations` ranked by `metric`; appends when they extend what is shown."""
        others = sorted({n for it in iterations for n in it.metrics} - {metric})
        known = self._iterations
        extends = (metric == self._metric and len(iterations) >= len(known)
                   and set(others) <= set(self._others)
                   and all(a.run_id == b.run_id for a, b in zip(known, iterations)))
        if not extends:
            self.beginResetModel()
            self._iterations, self._metric = [], metric
            self._others = others
            self._best_so_far, self._best_row = [], None
            self._append(iterations)
            self.endResetModel()
            return
        new = iterations[len(known):]
        if not new:
            return
        old_best = self._best_row
        self.beginInsertRows(QModelIndex(), len(known), len(iterations) - 1)
        self._append(new)
        self.endInsertRows()
        if old_best is not None and old_best != self._best_row:
            self._row_changed(old_best)

    def _append(self, new: list[IterationRecord]) -> None:
        best = self._best_so_far[-1] if self._best_so_far else None
        for it in new:
            value = _number(it.metrics.get(self._metric))
            if value is not None and (best is None or catalog.better(self._metric, value, best)):
                best = value
                self._best_row = len(self._iterations)
            self._iterations.append(it)
            self._best_so_far.append(best)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- queries -------------------------------------------------------------------------------
    @property
    def metric(self) -> str:
        return self._metric

    def columns(self) -> list[str]:
        return [*FIXED, self._metric or "metric", BEST_SO_FAR, *self._others]

    def optional_columns(self) -> list[str]:
        return list(self._others)

    def iteration_at(self, row: int) -> IterationRecord:
        return self._iterations[row]

    def best_row(self) -> int | None:
        return self._best_row

    def best_so_far(self) -> list[float | None]:
        return list(self._best_so_far)

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._iterations)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + 2 + len(self._others)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns()[section]
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(FIXED):
            name = self.columns()[section]
            if name == BEST_SO_FAR:
                return f"best {self._metric} up to this iteration"
            return f"{name}: {'lower' if catalog.is_minimised(name) else 'higher'} is better"
        return None

    def _raw(self, row: int, column: int):
        it = self._iterations[row]
        if column == 0:
            return it.iteration
        if column == 1:
            return it.pipeline
        if column == 2:
            return it.duration_s
        if column == 3:
            return _number(it.metrics.get(self._metric))
        if column == 4:
            return self._best_so_far[row]
        return _number(it.metrics.get(self._others[column - 5]))

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._raw(row, column)
            if column == 0:
                return f"★ {value}" if row == self._best_row else str(value)
            if column == 1:
                return value
            if column == 2:
                return format_duration(value)
            if column == 3 and value is None and self._failed(row):
                return self._iterations[row].status
            return format_metric(value)
        if role == Qt.ItemDataRole.UserRole:
            value = self._raw(row, column)
            if value is None:
                return float("-inf") if column != 1 else ""
            return value
        if role == ITERATION_ROLE:
            return self._iterations[row].iteration
        if role == IS_BEST_ROLE:
            return row == self._best_row
        if row == self._best_row:
            if role == Qt.ItemDataRole.BackgroundRole:
                return BEST_BRUSH
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"best iteration by {self._metric}"
        if self._failed(row):
            if role == Qt.ItemDataRole.ForegroundRole:
                return FAILED_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole:
                it = self._iterations[row]
                return f"iteration {it.iteration} {it.status.lower()}: the Logs tab says why"
        if role == Qt.ItemDataRole.TextAlignmentRole and column != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _failed(self, row: int) -> bool:
        return self._iterations[row].status != COMPLETED


class LeaderboardProxy(QSortFilterProxyModel):
    """Sorts on raw values (numbers as numbers) and filters on the pipeline text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.setFilterKeyColumn(1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
