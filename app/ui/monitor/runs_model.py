"""The runs browser's model: experiments, each with its runs as children; a proxy filters
by experiment and status. Sort keys are raw values (UserRole)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from app.core.runs import RunRecord
from app.ui.monitor.status import format_duration, format_metric, format_time, status_icon

COLUMNS = ("Run", "Status", "Best metric", "Started", "Duration")  # key columns first: the dock is narrow
SHORT_ID = 8
RUN_ID_ROLE = Qt.ItemDataRole.UserRole + 1
EXPERIMENT_ROLE = Qt.ItemDataRole.UserRole + 2
_TOP = 0            # internal id of experiment rows; a run row stores its experiment's row + 1
_Index = QModelIndex | QPersistentModelIndex


class RunsTreeModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._experiments: list[str] = []
        self._runs: dict[str, list[RunRecord]] = {}

    def set_runs(self, runs: list[RunRecord], experiments: list[str] = ()) -> None:
        """Experiments with no runs are listed too, so a new experiment is visible at once."""
        self.beginResetModel()
        self._runs = {name: [] for name in experiments}
        for run in runs:
            self._runs.setdefault(run.experiment, []).append(run)
        self._experiments = sorted(self._runs)
        self.endResetModel()

    def update_run(self, run: RunRecord) -> bool:
        """A fresher record of a listed run (from its open run view): the row changes at once, so the
        list never says Running while the run's tab says Completed. False when the run is not listed."""
        rows = self._runs.get(run.experiment, [])
        for row, old in enumerate(rows):
            if old.run_id == run.run_id:
                rows[row] = run
                parent = self.index(self._experiments.index(run.experiment), 0)
                self.dataChanged.emit(self.index(row, 0, parent), self.index(row, self.columnCount() - 1, parent))
                return True
        return False

    def runs(self) -> list[RunRecord]:
        return [run for name in self._experiments for run in self._runs[name]]

    def run_at(self, index: _Index) -> RunRecord | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self._runs[self._experiments[index.internalId() - 1]][index.row()]

    def experiment_at(self, index: _Index) -> str:
        row = index.row() if index.internalId() == _TOP else index.internalId() - 1
        return self._experiments[row]

    # -- tree structure ------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._experiments)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._runs[self._experiments[parent.row()]])
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    # -- cells ---------------------------------------------------------------------------------
    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        run = self.run_at(index)
        if role == EXPERIMENT_ROLE:
            return self.experiment_at(index)
        if run is None:
            return self._experiment_data(index, role)
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {"Run": run.run_id[:SHORT_ID], "Status": run.status,
                    "Started": format_time(run.started_at or run.created_at),
                    "Duration": format_duration(run.duration_s), "Best metric": _best_text(run)}[column]
        if role == Qt.ItemDataRole.UserRole:
            return {"Run": run.run_id, "Status": run.status, "Started": run.started_at or run.created_at or 0.0,
                    "Duration": run.duration_s or 0.0,
                    "Best metric": run.best_metric if run.best_metric is not None else float("-inf")}[column]
        if role == RUN_ID_ROLE:
            return run.run_id
        if role == Qt.ItemDataRole.DecorationRole and column == "Run":
            return status_icon(run.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(t for t in (run.run_id, run.phase, run.error) if t)
        return None

    def _experiment_data(self, index: _Index, role):
        name = self._experiments[index.row()]
        runs = self._runs[name]
        if index.column() != 0:
            return max((r.started_at or r.created_at or 0.0 for r in runs), default=0.0) \
                if role == Qt.ItemDataRole.UserRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{name}  ({len(runs)} run{'s' if len(runs) != 1 else ''})"
        if role == Qt.ItemDataRole.UserRole:
            return name.lower()
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None


def _best_text(run: RunRecord) -> str:
    if run.best_metric is None:
        return ""
    # the value first: the dock is narrow, and a long name (normalized_root_mean_squared_error) hid it
    name = f" {run.primary_metric}" if run.primary_metric else ""
    return f"{format_metric(run.best_metric)}{name}"


class RunsFilterProxy(QSortFilterProxyModel):
    """Keeps one experiment (or all) and, under it, the runs in a set of statuses (or all)."""

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
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._experiment and model.experiment_at(index) != self._experiment:
            return False
        run = model.run_at(index)
        if run is not None:
            return self._statuses is None or run.status in self._statuses
        if self._statuses is None:
            return True
        return any(self.filterAcceptsRow(r, index) for r in range(model.rowCount(index)))

    def run_ids(self) -> list[str]:
        """Every run id shown, in view order."""
        ids = []
        for row in range(self.rowCount()):
            parent = self.index(row, 0)
            ids += [self.index(r, 0, parent).data(RUN_ID_ROLE) for r in range(self.rowCount(parent))]
        return ids
