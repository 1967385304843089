"""Page 7: the spec as YAML, save it, export the Azure script, set this run's parameters, submit."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout)

from app.backends import export_with_notes, exporter_available
from app.core.spec import copy_spec, save_spec
from app.ui.file_dialogs import open_file, save_file
from app.ui.jobs import call
from app.ui.wizard.base import SpecPage
from app.ui.wizard.dry_run_panel import DryRunPanel, local_copy
from app.ui.wizard.names import experiment_for
from app.ui.wizard.register_page import PARAMETER


class ReviewPage(SpecPage):
    prefixes = ("",)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Review and submit")
        self.setSubTitle("This is the pipeline spec the run will use. Save it to rerun it from the command line.")
        self.experiment = QLineEdit()
        self.experiment.setPlaceholderText("e.g. titanic_automl")
        self.run_model_name = QLineEdit()
        self.yaml = QPlainTextEdit()
        self.yaml.setReadOnly(True)
        self.yaml.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.save_button = QPushButton("Save spec…")
        self.save_button.clicked.connect(self.choose_save_path)
        self.export_button = QPushButton("Export Python script…")
        self.export_button.clicked.connect(self.choose_export_path)
        available = exporter_available()
        self.export_button.setEnabled(available)
        self.export_button.setToolTip("" if available else "The Azure script exporter is not part of this installation yet")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.dry_run = DryRunPanel()
        self.dry_run.test_button.clicked.connect(self.test_on_this_machine)
        form = QFormLayout()
        form.addRow("Experiment:", self.experiment)
        form.addRow("", self.messages.add("experiment"))
        form.addRow(f"Model name for this run ({PARAMETER}):", self.run_model_name)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.yaml, 1)
        layout.addWidget(self.messages.add(""))
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.dry_run)
        self.experiment.textChanged.connect(self._sync)

    def initializePage(self) -> None:
        spec = self.spec
        if not spec.experiment and spec.dataset_name:
            spec.experiment = experiment_for(spec.dataset_name)
        self.experiment.setText(spec.experiment)
        self.run_model_name.setText(str(spec.parameters.get(PARAMETER, "")))
        self.run_model_name.setEnabled(spec.register is not None)
        self.dry_run.setVisible(self.target == "azure")
        self._sync()

    @Slot()
    def _sync(self, *_) -> None:
        self.spec.experiment = self.experiment.text().strip()
        self.yaml.setPlainText(self.spec.to_yaml())
        self.revalidate()

    def parameters(self) -> dict:
        """Pipeline parameter values for this submission (only those that differ from the spec)."""
        value = self.run_model_name.text().strip()
        if self.spec.register is not None and value and value != self.spec.parameters.get(PARAMETER):
            return {PARAMETER: value}
        return {}

    def save_to(self, path: str | Path) -> None:
        save_spec(self.spec, path)
        self.wizard().spec_saved(str(path))
        self.status.setText(f"Saved to {path}")

    def choose_save_path(self) -> None:
        path = save_file(self, "Save pipeline spec", "specs", f"{self.spec.experiment or 'pipeline'}.yaml",
                         "Pipeline spec (*.yaml *.yml)", settings=self.wizard().settings)
        if path:
            self.save_to(path)

    def choose_export_path(self) -> None:
        path = save_file(self, "Export Azure ML SDK v1 script", "exports", "pipeline.py", "Python (*.py)",
                         settings=self.wizard().settings)
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> None:
        def done(result) -> None:
            text, notes = result
            Path(path).write_text(text, encoding="utf-8")
            self.status.setText(f"Exported to {path}" + "".join(f"\n{note}" for note in notes))

        spec = copy_spec(self.spec)
        self.wizard().runner.start(lambda sink: export_with_notes(spec), on_result=done,
                                   on_failed=lambda m, d: self.status.setText(f"✗ {m}"))

    @Slot()
    def test_on_this_machine(self) -> None:
        """The Azure pipeline's dry run with a local copy of the dataset (asked for when the
        dataset's recorded sources are not on this machine)."""
        spec = copy_spec(self.spec)
        spec.parameters.update(self.parameters())

        def found(dataset) -> None:
            path = local_copy(dataset)
            if path is None:
                path = open_file(self, f"A local copy of dataset {spec.dataset_name} for the test", "data",
                                 "Data files (*.csv *.tsv *.txt *.parquet)", settings=self.wizard().settings)
            if path:
                self.dry_run.start(spec, path)

        self.wizard().runner.start(call, self.backend.get_dataset, spec.dataset_name, spec.dataset_version,
                                   on_result=found, on_failed=lambda m, d: self.dry_run.show_problem(m))
