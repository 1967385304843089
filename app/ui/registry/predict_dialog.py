"""Predict on a file with one model version, in the background with progress and Cancel."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.core.runs import ModelVersion
from app.ui.registry.job_dialog import JobDialog
from app.ui.registry.model_details import forecasting_of
from app.ui.styles import WARNING_STYLE

DATA_FILTER = "Data files (*.csv *.tsv *.txt *.parquet *.pq);;All files (*)"
OUTPUT_FILTER = "CSV files (*.csv);;All files (*)"


def default_output(data: str) -> str:
    path = Path(data)
    return str(path.with_name(f"{path.stem}_predictions.csv"))


def _with_browse(edit: QLineEdit, slot) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    button = QPushButton("Browse…")
    button.clicked.connect(slot)
    row.addWidget(button)
    return box


def forecast_horizon_of(backend, run_id: str, sink=None) -> int | None:
    """The forecast horizon the run's AutoML step trained for (from its summary), or None."""
    return forecasting_of(backend, run_id).get("forecast_horizon")


class PredictDialog(JobDialog):
    """Choose the input and output files, then Predict; Cancel stops between chunks."""

    predicted = Signal(dict)
    """The summary of a finished prediction (rows, output, columns, warnings…)."""
    ended = Signal(str)
    """'done', 'failed' or 'canceled' when a prediction job has ended."""

    def __init__(self, backend, model: ModelVersion, runner, parent: QWidget | None = None):
        super().__init__("Predict", parent)
        self.backend, self.model, self.runner = backend, model, runner
        self._outcome = "done"
        self.predict_button = self.action_button
        self.setWindowTitle(f"Predict with {model.name}:{model.version}")
        self.setMinimumWidth(560)

        self.data_edit = QLineEdit()
        self.data_edit.setPlaceholderText("CSV or Parquet file with the same columns as the training data")
        self.data_edit.textChanged.connect(self._inputs_changed)
        self.output_edit = QLineEdit()
        self.output_edit.setPlaceholderText("CSV file to write")
        self.output_edit.textChanged.connect(self._inputs_changed)
        self.inputs = (_with_browse(self.data_edit, self._browse_data),
                       _with_browse(self.output_edit, self._browse_output))
        form = QFormLayout()
        self.forecasting = model.task == "forecasting"
        if self.forecasting:
            self.next_periods = QCheckBox("Forecast the next")
            self.periods = QSpinBox()
            self.periods.setRange(1, 10_000)
            self.periods.setValue(12)
            self._periods_chosen = False
            self.periods.valueChanged.connect(self._periods_changed)
            self.periods.setEnabled(False)
            self.periods.setMinimumWidth(70)
            self.horizon_note = QLabel("periods of every series")
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            for widget in (self.next_periods, self.periods, self.horizon_note):
                line.addWidget(widget)
            line.addStretch(1)
            form.addRow("", row)
            self.next_periods.toggled.connect(self._next_periods_toggled)
            self.inputs += (row,)
            if model.run_id:
                runner.start(forecast_horizon_of, backend, model.run_id, on_result=self._horizon_known)
        form.addRow("Data:", self.inputs[0])
        form.addRow("Output:", self.inputs[1])

        if self.forecasting:
            about = "Give a file of future rows or forecast the next periods."
        elif model.properties.get("has_dataprep"):
            about = ("The data-prep parameters saved with this model are applied to the file first, so give raw "
                     "data like the training data; the label column may be left out.")
        else:
            about = "Give data with the columns the model was trained on; the label column may be left out."
        classes = model.properties.get("class_labels")
        columns = "prediction" + (", " + ", ".join(f"probability_{c}" for c in classes) if classes else "")
        if self.forecasting:
            columns += ", prediction_lower, prediction_upper"
        value = "" if model.metric_value is None else f", {model.primary_metric} {model.metric_value:.4f}"
        self.about = QLabel(f"<b>{model.name}:{model.version}</b> — {model.task}{value}<br>{about}<br>"
                            f"The output holds the input rows plus <i>{columns}</i>.")
        self.about.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.warnings)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @Slot()
    def _browse_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Data to predict on", self.data_edit.text(), DATA_FILTER)
        if path:
            self.set_data(path)

    @Slot()
    def _browse_output(self) -> None:
        start = self.output_edit.text() or (default_output(self.data_edit.text()) if self.data_edit.text() else "")
        path, _ = QFileDialog.getSaveFileName(self, "Write predictions to", start, OUTPUT_FILTER)
        if path:
            self.output_edit.setText(path)

    def set_data(self, path: str) -> None:
        """Choose the input file; the output defaults to <name>_predictions.csv beside it."""
        self.data_edit.setText(path)
        if not self.output_edit.text():
            self.output_edit.setText(default_output(path))

    def _horizon_known(self, horizon) -> None:
        if horizon:
            self.periods.blockSignals(True)
            self.periods.setMaximum(int(horizon))
            if not self._periods_chosen:
                self.periods.setValue(int(horizon))  # the whole horizon the model was trained for
            self.periods.blockSignals(False)
            self.horizon_note.setText(f"periods of every series (at most {horizon})")

    @Slot(int)
    def _periods_changed(self, _value: int) -> None:
        self._periods_chosen = True

    @Slot(bool)
    def _next_periods_toggled(self, on: bool) -> None:
        self.periods.setEnabled(on)
        self.inputs[0].setEnabled(not on)
        self._inputs_changed()

    def _by_periods(self) -> bool:
        return self.forecasting and self.next_periods.isChecked()

    @Slot()
    def _inputs_changed(self) -> None:
        has_data = self._by_periods() or bool(self.data_edit.text().strip())
        self.predict_button.setEnabled(self.handle is None and has_data and bool(self.output_edit.text().strip()))

    @Slot()
    def start(self) -> None:
        if self.handle is not None or not self.predict_button.isEnabled():
            return
        self.set_running(True, self.inputs)
        self.status.setText("Checking the model…")
        self.warnings.hide()
        if self._by_periods():
            job, source = self.backend.predict_next_periods, self.periods.value()
        else:
            job, source = self.backend.predict, self.data_edit.text().strip()
        self.handle = self.runner.start(
            job, self.model.name, self.model.version, source,
            self.output_edit.text().strip(), on_result=self._done, on_failed=self._failed,
            on_progress=self.show_progress, on_cancelled=self._cancelled, on_finished=self._finished)

    @Slot()
    def cancel(self) -> None:
        if self.handle is not None:
            self.status.setText("Canceling after the current chunk…")
        super().cancel()

    def _done(self, summary: dict) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        prep = " (saved data prep applied)" if summary.get("dataprep") else ""
        self.status.setText(f"Wrote {summary['rows']:,} rows to {summary['output']}{prep}.")
        if summary.get("warnings"):
            self.warnings.setText("Warning: " + "\nWarning: ".join(summary["warnings"]))
            self.warnings.show()
        self._outcome = "done"
        self.adjustSize()        # room for the status and warning lines that just appeared
        self.predicted.emit(summary)

    def _failed(self, message: str, _details: str) -> None:
        self.show_error(message)
        self._outcome = "failed"

    def _cancelled(self) -> None:
        self.status.setText("Canceled; no output file was written.")
        self.progress.hide()
        self._outcome = "canceled"

    def _finished(self) -> None:
        self.handle = None
        self.set_running(False, self.inputs)
        if self.forecasting:
            self._next_periods_toggled(self.next_periods.isChecked())
        self._inputs_changed()
        self.ended.emit(self._outcome)
