"""Deleting runs, dataset versions and model versions from the GUI: plan, confirm, delete.

Planning and deleting run on the window's JobRunner; the confirmation names exactly what
goes (and offers to take along the runs that use a dataset version or reuse a run).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.backend import DATASET, MODEL, RUN
from app.core.errors import InUseError
from app.ui.registry.models_table import human_size


def _plan(backend, kind: str, ref, with_runs: bool, sink=None):
    """('plan', Deletion) or ('in_use', message, run ids) when runs would have to go too."""
    try:
        return "plan", backend.plan_delete(kind, ref, with_runs)
    except InUseError as exc:
        return "in_use", str(exc), exc.runs


def _execute(backend, plan, sink=None) -> dict:
    return backend.delete(plan)


def ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class DeletionFlow(QObject):
    deleted = Signal(dict)
    """What was deleted: runs, datasets, models, bytes_freed."""
    failed = Signal(str)
    """Why nothing was deleted."""

    def __init__(self, parent: QWidget, backend, runner):
        super().__init__(parent)
        self.parent_widget, self.backend, self.runner = parent, backend, runner
        self.confirm = lambda title, text: ask(self.parent_widget, title, text)
        """(title, text) -> bool; replaced in tests."""

    def delete_model(self, name: str, version: int) -> None:
        self._start(MODEL, (name, version))

    def delete_dataset(self, name: str, version: int) -> None:
        self._start(DATASET, (name, version))

    def delete_runs(self, run_ids: list[str]) -> None:
        self._start(RUN, tuple(run_ids))

    def _start(self, kind: str, ref, with_runs: bool = False) -> None:
        self.runner.start(_plan, self.backend, kind, ref, with_runs,
                          on_result=lambda result: self._planned(kind, ref, result),
                          on_failed=lambda message, _details: self.failed.emit(message))

    def _planned(self, kind: str, ref, result) -> None:
        if result[0] == "in_use":
            _, message, runs = result
            if self.confirm("Runs use this", f"{message}.\n\nDelete those {len(runs)} run(s) as well?"):
                self._start(kind, ref, with_runs=True)
            return
        plan = result[1]
        text = (f"Delete {plan.describe()}?\n\nThis frees {human_size(plan.size())} and cannot be undone."
                + ("\nRegistered models stay." if plan.runs and not plan.models else ""))
        if self.confirm("Delete", text):
            self.runner.start(_execute, self.backend, plan, on_result=self.deleted.emit,
                              on_failed=lambda message, _details: self.failed.emit(message))
