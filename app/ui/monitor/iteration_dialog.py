"""An iteration's details: pipeline, duration, hyperparameters and every metric."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSplitter, QVBoxLayout
from PySide6.QtCore import Qt

from app.core import catalog
from app.core.runs import IterationRecord
from app.ui.monitor.overview_tab import _boxed, compact_table
from app.ui.monitor.records_model import RecordsTableModel, key_value_rows
from app.ui.monitor.status import format_duration


class IterationDetailsDialog(QDialog):
    def __init__(self, iteration: IterationRecord, primary_metric: str = "", is_best: bool = False, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Iteration {iteration.iteration}: {iteration.pipeline or iteration.run_id}")
        self.resize(560, 520)
        form = QFormLayout()
        form.addRow("Child run", QLabel(iteration.run_id))
        form.addRow("Algorithm", QLabel(iteration.run_algorithm or "—"))
        form.addRow("Preprocessor", QLabel(iteration.run_preprocessor or "—"))
        form.addRow("Duration", QLabel(format_duration(iteration.duration_s) or "—"))
        if primary_metric:
            value = iteration.metrics.get(primary_metric)
            text = "—" if value is None else f"{value:.4f}" + ("  ★ best of the run" if is_best else "")
            form.addRow(primary_metric, QLabel(text))
        if iteration.seeded:
            form.addRow("", QLabel("seeded from a previous run"))

        self.hyperparameters = RecordsTableModel(["name", "value"], self, metric_floats=False)
        self.hyperparameters.set_rows(key_value_rows(dict(sorted(iteration.hyperparameters.items()))))
        self.metrics = RecordsTableModel(["metric", "value", "better"], self)
        self.metrics.set_rows([{"metric": name, "value": value,
                                "better": "lower" if catalog.is_minimised(name) else "higher"}
                               for name, value in sorted(iteration.metrics.items())])
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(_boxed("Hyperparameters", compact_table(self.hyperparameters)))
        tables.addWidget(_boxed("Metrics", compact_table(self.metrics)))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(tables, 1)
        layout.addWidget(buttons)
