"""Table model of runs for the runs browser, with a proxy filtering by experiment and status."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.core.runs import RunRecord
from app.ui.monitor.status import format_duration, format_metric, format_time, status_icon

COLUMNS = ("Status", "Run", "Started", "Duration", "Best metric", "Experiment")
SHORT_ID = 8
RUN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class RunsTableModel(QAbstractTableModel):
    """Rows = runs (newest first as the backend lists them); sort keys are raw values."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._runs: list[RunRecord] = []

    def set_runs(self, runs: list[RunRecord]) -> None:
        self.beginResetModel()
        self._runs = list(runs)
        self.endResetModel()

    def run_at(self, row: int) -> RunRecord:
        return self._runs[row]

    def runs(self) -> list[RunRecord]:
        return list(self._runs)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        run, column = self._runs[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "Run": run.run_id[:SHORT_ID], "Experiment": run.experiment, "Status": run.status,
                "Started": format_time(run.started_at or run.created_at),
                "Duration": format_duration(run.duration_s),
                "Best metric": _best_text(run),
            }[column]
        if role == Qt.ItemDataRole.UserRole:
            return {
                "Run": run.run_id, "Experiment": run.experiment, "Status": run.status,
                "Started": run.started_at or run.created_at or 0.0, "Duration": run.duration_s or 0.0,
                "Best metric": run.best_metric if run.best_metric is not None else float("-inf"),
            }[column]
        if role == RUN_ID_ROLE:
            return run.run_id
        if role == Qt.ItemDataRole.DecorationRole and column == "Status":
            return status_icon(run.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(t for t in (run.run_id, run.phase, run.error) if t)
        return None


def _best_text(run: RunRecord) -> str:
    if run.best_metric is None:
        return ""
    name = f"{run.primary_metric} " if run.primary_metric else ""
    return f"{name}{format_metric(run.best_metric)}"


class RunsFilterProxy(QSortFilterProxyModel):
    """Keeps the runs of one experiment (or all) in a set of statuses (or all)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._experiment: str | None = None
        self._statuses: frozenset[str] | None = None
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_experiment(self, experiment: str | None) -> None:
        self._refilter(lambda: setattr(self, "_experiment", experiment or None))

    def set_statuses(self, statuses) -> None:
        self._refilter(lambda: setattr(self, "_statuses", frozenset(statuses) if statuses else None))

    def _refilter(self, change) -> None:
        """Qt 6.9+ wants begin/endFilterChange around the change; older Qt only has invalidateFilter."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        run = self.sourceModel().run_at(source_row)
        if self._experiment and run.experiment != self._experiment:
            return False
        return self._statuses is None or run.status in self._statuses
