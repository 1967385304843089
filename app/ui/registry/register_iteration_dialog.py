"""Register any iteration's model as a new model version (refitted on demand, in the background)."""
from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core import runs as rs
from app.core.runs import RunRecord, default_model_name
from app.ui.registry.job_dialog import JobDialog


def _runs_with_iterations(backend, sink=None) -> list[RunRecord]:
    return [r for r in backend.list_runs() if r.step("automl") is not None and rs.is_terminal(r.status)]


def _get_run(backend, run_id: str, sink=None) -> RunRecord:
    return backend.get_run(run_id)


def iteration_label(run: RunRecord, iteration) -> str:
    value = iteration.metrics.get(run.primary_metric)
    metric = f" · {run.primary_metric} {value:.4f}" if isinstance(value, (int, float)) else ""
    best = " (best)" if iteration.iteration == run.best_iteration else ""
    return f"{iteration.iteration} · {iteration.pipeline or iteration.run_algorithm}{metric}{best}"


class RegisterIterationDialog(JobDialog):
    """Pick a run and one of its iterations, name the model, Register; Cancel stops a refit."""

    registered = Signal(object)
    """The ModelVersion just registered."""

    def __init__(self, backend, runner, run_id: str | None = None, iteration: int | None = None,
                 parent: QWidget | None = None):
        super().__init__("Register", parent)
        self.backend, self.runner = backend, runner
        self.register_button = self.action_button
        self.run: RunRecord | None = None
        self._wanted = (run_id, iteration)
        self.setWindowTitle("Register an iteration's model")
        self.setMinimumWidth(520)
        self.run_combo = QComboBox()
        self.run_combo.currentIndexChanged.connect(self._run_chosen)
        self.iteration_combo = QComboBox()
        self.name_edit = QLineEdit()
        self.inputs = (self.run_combo, self.iteration_combo, self.name_edit)
        form = QFormLayout()
        form.addRow("Run:", self.run_combo)
        form.addRow("Iteration:", self.iteration_combo)
        form.addRow("Model name:", self.name_edit)
        about = QLabel("The run keeps only its best model; any other iteration is refitted on the run's "
                       "training data from its recorded algorithm and hyperparameters.")
        about.setWordWrap(True)
        self.status.setText("Loading runs…")
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.runner.start(_runs_with_iterations, backend, on_result=self._runs_loaded, on_failed=self._failed)

    def _runs_loaded(self, listed: list[RunRecord]) -> None:
        self.run_combo.blockSignals(True)
        for run in listed:
            self.run_combo.addItem(f"{run.experiment} · {run.run_id[:8]} · {run.status}", run.run_id)
        self.run_combo.blockSignals(False)
        if not listed:
            self.status.setText("No finished run with AutoML iterations in this workspace.")
            return
        wanted = self.run_combo.findData(self._wanted[0]) if self._wanted[0] else 0
        self.run_combo.setCurrentIndex(max(wanted, 0))
        self._run_chosen()

    @Slot()
    def _run_chosen(self) -> None:
        run_id = self.run_combo.currentData()
        if run_id:
            self.status.setText("Loading iterations…")
            self.register_button.setEnabled(False)
            self.runner.start(_get_run, self.backend, run_id, on_result=self._run_loaded, on_failed=self._failed)

    def _run_loaded(self, run: RunRecord) -> None:
        if run.run_id != self.run_combo.currentData():
            return
        self.run = run
        self.iteration_combo.clear()
        for it in run.iterations:
            if it.status == rs.COMPLETED:
                self.iteration_combo.addItem(iteration_label(run, it), it.iteration)
        want = self._wanted[1] if self._wanted[0] == run.run_id and self._wanted[1] is not None else run.best_iteration
        self.iteration_combo.setCurrentIndex(max(self.iteration_combo.findData(want), 0))
        if not self.name_edit.isModified():
            self.name_edit.setText(default_model_name(run))
        self.status.setText("" if self.iteration_combo.count() else "This run has no completed iteration.")
        self.register_button.setEnabled(self.iteration_combo.count() > 0)

    @Slot()
    def start(self) -> None:
        if self.run is None or self.handle is not None:
            return
        self.set_running(True, self.inputs)
        self.handle = self.runner.start(
            self.backend.register_iteration, self.run.run_id, self.iteration_combo.currentData(),
            self.name_edit.text().strip(), on_result=self._registered, on_failed=self._failed,
            on_progress=self.show_progress, on_cancelled=lambda: self.status.setText("Canceled; nothing registered."),
            on_finished=self._finished)

    def _registered(self, model) -> None:
        self.status.setText(f"Registered {model.name}:{model.version}.")
        self.registered.emit(model)

    def _failed(self, message: str, _details: str) -> None:
        self.show_error(message)

    def _finished(self) -> None:
        self.handle = None
        self.set_running(False, self.inputs)
        self.progress.hide()
