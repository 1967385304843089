"""The leaderboard table with a pipeline filter, optional metric columns and a details dialog."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QTableView,
                               QToolButton, QVBoxLayout, QWidget)

from app.core.runs import IterationRecord
from app.ui.monitor.column_widths import RememberedWidths
from app.ui.monitor.leaderboard_model import FIXED, LeaderboardModel, LeaderboardProxy
from app.ui.wording import count

FIRST_OPTIONAL = len(FIXED) + 2
SHOWN_FIRST = 3
# Metrics worth a column before the user picks any: the ones Azure's studio shows first.
PREFERRED = ("accuracy", "log_loss", "f1_score_weighted", "AUC_weighted", "precision_score_weighted",
             "r2_score", "normalized_root_mean_squared_error", "spearman_correlation",
             "normalized_mean_absolute_error")


class LeaderboardPanel(QWidget):
    """One row per iteration, sortable, the best row marked; activating a row opens its details."""

    iteration_opened = Signal(object)
    """The IterationRecord the user opened (double-click or Enter)."""
    iteration_menu_requested = Signal(object, QPoint)
    """(IterationRecord, global position): the user asked for a row's context menu."""

    def __init__(self, parent=None, widths: dict[str, int] | None = None):
        super().__init__(parent)
        self.model = LeaderboardModel(self)
        self.proxy = LeaderboardProxy(self)
        self.proxy.setSourceModel(self.model)
        self._hidden_optional: set[str] = set()
        self._shown_optional: set[str] = set()
        self._details: dict[str, QWidget] = {}

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by pipeline, e.g. LightGBM")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.columns_button = QToolButton()
        self.columns_button.setText("Metric columns")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_button.setMenu(QMenu(self.columns_button))
        self.columns_button.menu().aboutToShow.connect(self._fill_columns_menu)
        self.summary = QLabel()

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # the last column stretching took the width the pipeline names need
        self.view.horizontalHeader().setStretchLastSection(False)
        self.widths = RememberedWidths(self.view, widths if widths is not None else {}, self)
        self.proxy.rowsInserted.connect(self.widths.widen_for_rows)
        # activated is the platform's "open" gesture (double-click or Enter): doubleClicked as well opened two
        self.view.activated.connect(self._open)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu_requested)
        self.model.modelReset.connect(self._after_reset)
        self.iteration_opened.connect(self.open_details)

        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)

    def set_iterations(self, iterations: list[IterationRecord], metric: str, held_out: str = "") -> None:
        """Show `iterations`; `held_out` words the best model's test-split score ('' when none was kept)."""
        self.model.set_iterations(iterations, metric)
        best = self.model.best_row()
        if best is None:
            self.summary.setText(count(len(iterations), "iteration") if iterations else "No iterations yet.")
        else:
            it = self.model.iteration_at(best)
            pipeline = f"{it.pipeline}, " if it.pipeline else ""
            tail = f" · best model on the {held_out}" if held_out else ""
            self.summary.setText(f"{count(len(iterations), 'iteration')} · best: iteration {it.iteration}, "
                                 f"{pipeline}validation {metric} {self.model.best_so_far()[-1]:.4f}{tail}")

    def best_proxy_row(self) -> int | None:
        best = self.model.best_row()
        return None if best is None else self.proxy.mapFromSource(self.model.index(best, 0)).row()

    @Slot()
    def _after_reset(self) -> None:
        """Show at most a few optional metric columns at first; the user picks more. Pipeline and
        duration are hidden when nothing fills them (a bare metrics file)."""
        rows = range(self.model.rowCount())
        for column in (1, 2):
            empty = self.model.rowCount() > 0 and all(
                self.model.index(r, column).data() in ("", None) for r in rows)
            self.view.setColumnHidden(column, empty)
        names = self.model.optional_columns()
        for name in sorted(names, key=lambda n: PREFERRED.index(n) if n in PREFERRED else len(PREFERRED)):
            if name not in self._shown_optional and name not in self._hidden_optional:
                (self._shown_optional if len(self._shown_optional) < SHOWN_FIRST else self._hidden_optional).add(name)
        for i, name in enumerate(names):
            self.view.setColumnHidden(FIRST_OPTIONAL + i, name in self._hidden_optional)
        self.widths.fit()

    def set_column_visible(self, name: str, visible: bool) -> None:
        names = self.model.optional_columns()
        if name not in names:
            return
        (self._hidden_optional.discard if visible else self._hidden_optional.add)(name)
        (self._shown_optional.add if visible else self._shown_optional.discard)(name)
        self.view.setColumnHidden(FIRST_OPTIONAL + names.index(name), not visible)

    def _fill_columns_menu(self) -> None:
        menu = self.columns_button.menu()
        menu.clear()
        for name in self.model.optional_columns():
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name not in self._hidden_optional)
            action.toggled.connect(lambda on, n=name: self.set_column_visible(n, on))

    def selected_iteration(self) -> IterationRecord | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.iteration_at(self.proxy.mapToSource(rows[0]).row()) if rows else None

    @Slot(QPoint)
    def _menu_requested(self, pos: QPoint) -> None:
        source = self.proxy.mapToSource(self.view.indexAt(pos))
        if source.isValid():
            self.iteration_menu_requested.emit(self.model.iteration_at(source.row()),
                                               self.view.viewport().mapToGlobal(pos))

    @Slot(object)
    def _open(self, index) -> None:
        source = self.proxy.mapToSource(index)
        if source.isValid():
            self.iteration_opened.emit(self.model.iteration_at(source.row()))

    def open_details(self, iteration: IterationRecord):
        """Show the iteration's details; an iteration already open is brought to the front, not opened twice."""
        from app.ui.monitor.iteration_dialog import IterationDetailsDialog

        open_dialog = self._details.get(iteration.run_id)
        if open_dialog is not None:
            open_dialog.raise_()
            open_dialog.activateWindow()
            return open_dialog
        best = self.model.best_row()
        is_best = best is not None and self.model.iteration_at(best).run_id == iteration.run_id
        dialog = IterationDetailsDialog(iteration, self.model.metric, is_best, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._details[iteration.run_id] = dialog
        dialog.destroyed.connect(lambda _obj=None, key=iteration.run_id: self._details.pop(key, None))
        dialog.show()
        return dialog
