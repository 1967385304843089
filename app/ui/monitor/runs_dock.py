"""The runs browser dock: experiments → runs, filtered by experiment and status, polled live."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QTreeView, QVBoxLayout, QWidget)

from app.core import runs as run_states
from app.ui.monitor.column_widths import RememberedWidths
from app.ui.monitor.poller import PollWorker
from app.ui.monitor.runs_model import COLUMNS, EXPERIMENT_ROLE, RUN_ID_ROLE, RunsFilterProxy, RunsTreeModel
from app.ui.wording import count

ALL_EXPERIMENTS = "All experiments"
STATUS_FILTERS = {
    "All statuses": None,
    "Active": run_states.ACTIVE,
    "Completed": {run_states.COMPLETED},
    "Failed": {run_states.FAILED},
    "Canceled": {run_states.CANCELED},
}


def fetch_runs(backend) -> tuple[object, list[str], list]:
    """Worker side of a runs-browser poll; the backend comes back so a late answer from a
    workspace that was since closed can be recognised."""
    return backend, list(backend.list_experiments()), list(backend.list_runs(None))


class RunsBrowserDock(QDockWidget):
    """Lists the workspace's runs; double-click (or Enter) opens one."""

    run_activated = Signal(str)
    """The user asked to open this run id."""
    selection_changed = Signal(list)
    """The run ids now selected (for Compare)."""
    compare_requested = Signal(list)
    """The user asked to compare these run ids (context menu)."""

    def __init__(self, runner, parent=None, interval_ms: int = 3000, widths: dict[str, int] | None = None):
        super().__init__("Runs", parent)
        self.setObjectName("RunsBrowserDock")
        self._backend = None
        self.model = RunsTreeModel(self)
        self._collapsed: set[str] = set()
        self.proxy = RunsFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.experiment_combo = QComboBox()
        self.experiment_combo.addItem(ALL_EXPERIMENTS)
        self.experiment_combo.currentTextChanged.connect(self._on_experiment_changed)
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(STATUS_FILTERS))
        self.status_combo.currentTextChanged.connect(self._on_status_changed)

        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.collapsed.connect(lambda index: self._collapsed.add(index.data(EXPERIMENT_ROLE)))
        self.view.expanded.connect(lambda index: self._collapsed.discard(index.data(EXPERIMENT_ROLE)))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COLUMNS.index("Started"), Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.header().setStretchLastSection(True)
        self.widths = RememberedWidths(self.view, widths if widths is not None else {}, self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.activated.connect(self._on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.selection_changed.emit(self.selected_run_ids()))
        self.message = QLabel("No workspace open.")
        self.message.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.experiment_combo, 1)
        filters.addWidget(self.status_combo)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.setWidget(body)

        self.poller = PollWorker(runner, fetch_runs, interval_ms, self, args_for=lambda: (self._backend,))
        self.poller.polled.connect(self._on_polled)
        self.poller.poll_failed.connect(self._on_poll_failed)

    def set_backend(self, backend) -> None:
        """Show the runs of `backend` (None clears the list and stops polling)."""
        self._backend = backend
        if backend is None:
            self.poller.stop()
            self.model.set_runs([])
            self.message.setText("No workspace open.")
            return
        self.message.setText("Loading runs…")
        self.poller.start()

    def resume(self) -> None:
        if self._backend is not None:
            self.poller.start()

    def refresh(self) -> None:
        if self._backend is not None:
            self.poller.poll_now()

    def selected_run_ids(self) -> list[str]:
        chosen = {index.data(RUN_ID_ROLE) for index in self.view.selectionModel().selectedRows()}
        return [run_id for run_id in self.proxy.run_ids() if run_id in chosen]

    @Slot(object)
    def _on_polled(self, value) -> None:
        backend, experiments, listed = value
        if backend is not self._backend:
            return
        selected = set(self.selected_run_ids())
        self.model.set_runs(listed, experiments)
        self._set_experiments(experiments)
        self._restore_expansion()
        self._reselect(selected)
        self.widths.fit()
        active = sum(1 for r in listed if r.status in run_states.ACTIVE)
        self.message.setText(f"{count(len(listed), 'run')}, {active} active" if listed else
                             "No runs yet: submit a pipeline to see it here.")

    def _restore_expansion(self) -> None:
        """A refresh resets the model; experiments stay as the user left them (expanded by default)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            self.view.setFirstColumnSpanned(row, QModelIndex(), True)
            self.view.setExpanded(index, index.data(EXPERIMENT_ROLE) not in self._collapsed)

    def _reselect(self, run_ids: set[str]) -> None:
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(self.proxy.rowCount()):
            parent = self.proxy.index(row, 0)
            for child in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(child, 0, parent)
                if index.data(RUN_ID_ROLE) in run_ids:
                    self.view.selectionModel().select(index, flags)

    def _set_experiments(self, experiments: list[str]) -> None:
        current = self.experiment_combo.currentText()
        wanted = [ALL_EXPERIMENTS, *sorted(experiments)]
        if [self.experiment_combo.itemText(i) for i in range(self.experiment_combo.count())] == wanted:
            return
        self.experiment_combo.blockSignals(True)
        self.experiment_combo.clear()
        self.experiment_combo.addItems(wanted)
        self.experiment_combo.setCurrentText(current if current in wanted else ALL_EXPERIMENTS)
        self.experiment_combo.blockSignals(False)

    @Slot(str)
    def _on_poll_failed(self, message: str) -> None:
        self.message.setText(f"Could not list runs: {message}")

    @Slot(str)
    def _on_status_changed(self, text: str) -> None:
        self.proxy.set_statuses(STATUS_FILTERS.get(text))
        self._restore_expansion()

    @Slot(str)
    def _on_experiment_changed(self, text: str) -> None:
        self.proxy.set_experiment(None if text == ALL_EXPERIMENTS else text)
        self._restore_expansion()

    def _show_menu(self, position) -> None:
        chosen = self.selected_run_ids()
        if not chosen:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: [self.run_activated.emit(r) for r in chosen])
        compare = menu.addAction(f"Compare {count(len(chosen), 'run')}", lambda: self.compare_requested.emit(chosen))
        compare.setEnabled(len(chosen) >= 2)
        menu.exec(self.view.viewport().mapToGlobal(position))

    def _on_double_clicked(self, index) -> None:
        run_id = index.data(RUN_ID_ROLE)
        if run_id:
            self.run_activated.emit(run_id)
