"""Page 5: every AutoML setting as a grouped form bound to `AutoMLSettings`.

Each edit writes the whole form back to the spec and asks the core validator; its messages
appear under the fields they name, and any error keeps Next disabled.
"""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QScrollArea, QVBoxLayout, QWidget)

from app.core import catalog
from app.core.label_profile import class_texts, is_class, looks_continuous
from app.core.spec import Problem
from app.ui.wheel_guard import guard_wheel
from app.ui.wizard.base import SpecPage, message_label
from app.ui.wizard.fields import NumberEdit
from app.ui.wizard.forecasting_group import ForecastingGroup
from app.ui.wizard.models_checklist import ModelsChecklist

A = "automl."
NUMBER_FIELDS = {  # name: (kind, placeholder)
    "iterations": (int, ""),
    "iteration_timeout_minutes": (float, "not set (no limit)"),
    "experiment_exit_score": (float, "not set"),
    "max_cores_per_iteration": (int, ""),
    "max_concurrent_iterations": (int, ""),
    "n_cross_validations": (int, "automatic"),
    "validation_size": (float, "automatic"),
    "test_size": (float, "none"),
    "mem_in_mb": (int, "not set"),
}
CHECK_FIELDS = {
    "enable_early_stopping": "Stop early when the score stops improving",
    "enable_voting_ensemble": "Voting ensemble (final iteration)",
    "enable_stack_ensemble": "Stack ensemble (final iteration)",
    "model_explainability": "Explain the best model (Azure)",
    "enable_onnx_compatible_models": "ONNX-compatible models only",
    "enable_dnn": "Deep-learning models (Azure only)",
}


class AutoMLPage(SpecPage):
    prefixes = ("automl",)
    excluded = (A + "label_column_name",)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("AutoML settings")
        self.setSubTitle("What to optimise, how long to search, how to validate, and which algorithms to try.")
        self._loading = False
        self.numbers = {name: NumberEdit(kind, optional=name not in ("iterations", "max_cores_per_iteration",
                                                                     "max_concurrent_iterations"), placeholder=ph)
                        for name, (kind, ph) in NUMBER_FIELDS.items()}
        self.checks = {name: QCheckBox(text) for name, text in CHECK_FIELDS.items()}
        self.task = QComboBox()
        self.task.addItems(catalog.TASKS)
        self.metric = QComboBox()
        self.timeout = NumberEdit(float, placeholder="not set (no limit)")
        self.timeout_unit = QComboBox()
        self.timeout_unit.addItems(["minutes", "hours"])
        self.featurization = QComboBox()
        self.featurization.addItems(["auto", "off"])
        self.positive_label = QLineEdit()
        self.positive_label.setPlaceholderText("not set")
        self.weight_column = QComboBox()
        self.models = ModelsChecklist()
        self.forecasting = ForecastingGroup(self.messages)
        self.task_note = QLabel()
        self.task_note.setWordWrap(True)
        self.task_note.setStyleSheet("color: palette(placeholder-text);")

        grid = QGridLayout()
        grid.addWidget(self._group("Task", [("Task:", self.task, "task"), ("", self.task_note, None),
                                            ("Primary metric:", self.metric, "primary_metric")]), 0, 0)
        timeout_row = QWidget()
        tl = QHBoxLayout(timeout_row)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.timeout)
        tl.addWidget(self.timeout_unit)
        tl.addStretch(1)
        timeout_message = message_label()
        self.messages.add(A + "experiment_timeout_hours", timeout_message)
        self.messages.add(A + "experiment_timeout_minutes", timeout_message)
        limits = self._group("Limits", [("Iterations:", self.numbers["iterations"], "iterations"),
                                        ("Experiment timeout:", timeout_row, None),
                                        ("", timeout_message, None),
                                        ("Iteration timeout (minutes):", self.numbers["iteration_timeout_minutes"],
                                         "iteration_timeout_minutes"),
                                        ("Exit score:", self.numbers["experiment_exit_score"], "experiment_exit_score"),
                                        ("", self.checks["enable_early_stopping"], "enable_early_stopping"),
                                        ("Cores per iteration:", self.numbers["max_cores_per_iteration"],
                                         "max_cores_per_iteration"),
                                        ("Concurrent iterations:", self.numbers["max_concurrent_iterations"],
                                         "max_concurrent_iterations")])
        grid.addWidget(limits, 1, 0)
        grid.addWidget(self._group("Validation", [
            ("Cross-validation folds:", self.numbers["n_cross_validations"], "n_cross_validations"),
            ("Validation size:", self.numbers["validation_size"], "validation_size"),
            ("Test size:", self.numbers["test_size"], "test_size"),
            ("", QLabel("Leave folds and size empty for Azure's automatic rule."), None)]), 2, 0)
        self._data_group = self._group("Featurization and data", [
            ("Featurization:", self.featurization, "featurization"),
            ("Positive label:", self.positive_label, "positive_label"),
            ("Weight column:", self.weight_column, "weight_column_name")])
        grid.addWidget(self._data_group, 3, 0)
        models_box = QGroupBox("Models")
        ml = QVBoxLayout(models_box)
        ml.addWidget(QLabel("Tick nothing under Allowed to let AutoML try every algorithm."))
        ml.addWidget(self.models, 1)
        ml.addWidget(self.messages.add(A + "allowed_models"))
        ml.addWidget(self.messages.add(A + "blocked_models"))
        grid.addWidget(models_box, 0, 1, 2, 1)
        grid.addWidget(self._group("Ensembles", [("", self.checks["enable_voting_ensemble"], "enable_voting_ensemble"),
                                                 ("", self.checks["enable_stack_ensemble"], "enable_stack_ensemble")]),
                       2, 1)
        grid.addWidget(self._group("Advanced", [
            ("", self.checks["model_explainability"], "model_explainability"),
            ("", self.checks["enable_onnx_compatible_models"], "enable_onnx_compatible_models"),
            ("", self.checks["enable_dnn"], "enable_dnn"),
            ("Memory (MB):", self.numbers["mem_in_mb"], "mem_in_mb")]), 3, 1)
        grid.addWidget(self.forecasting, 4, 0, 1, 2)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(grid)
        body_layout.addWidget(self.messages.add("automl"))
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        guard_wheel(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.task.currentTextChanged.connect(self._task_changed)
        for widget in (self.metric, self.timeout_unit, self.featurization, self.weight_column):
            widget.currentIndexChanged.connect(self._sync)
        for edit in (*self.numbers.values(), self.timeout, self.positive_label):
            edit.textChanged.connect(self._sync)
        for check in self.checks.values():
            check.toggled.connect(self._sync)
        self.models.changed.connect(self._sync)
        self.forecasting.changed.connect(self._sync)

    def _group(self, title: str, rows) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for label, widget, name in rows:
            form.addRow(label, widget)
            if name is not None:
                form.addRow("", self.messages.add(A + name))
        return box

    def initializePage(self) -> None:
        self.wizard().infer_task()
        a = self.spec.automl
        self.task_note.setText(self.wizard().task_note)
        self.task_note.setVisible(bool(self.wizard().task_note))
        self._loading = True
        self.task.setCurrentText(a.task)
        self._fill_metrics(a.task, a.metric)
        for name, edit in self.numbers.items():
            edit.set_value(getattr(a, name))
        hours = a.experiment_timeout_minutes is None and a.experiment_timeout_hours is not None
        self.timeout_unit.setCurrentText("hours" if hours else "minutes")
        self.timeout.set_value(a.experiment_timeout_hours if hours else a.experiment_timeout_minutes)
        for name, check in self.checks.items():
            check.setChecked(bool(getattr(a, name)))
        self.featurization.setCurrentText(a.featurization)
        self.positive_label.setText("" if a.positive_label is None else str(a.positive_label))
        columns = [c for c in (self.wizard().columns or []) if c != a.label_column_name]
        self.weight_column.clear()
        self.weight_column.addItem("none", None)
        for c in columns:
            self.weight_column.addItem(c, c)
        self.weight_column.setCurrentIndex(max(0, self.weight_column.findData(a.weight_column_name)))
        self.models.load(a.task, a.allowed_models, a.blocked_models, self.target)
        self.forecasting.load(a.forecasting, columns, self.wizard().sample)
        self._show_task_fields(a.task)
        self._loading = False
        self._sync()

    def _fill_metrics(self, task: str, current: str) -> None:
        self.metric.blockSignals(True)
        self.metric.clear()
        for m in catalog.PRIMARY_METRICS[task]:
            self.metric.addItem(m, m)
        if current not in catalog.PRIMARY_METRICS[task]:
            self.metric.addItem(f"{current} (not for {task})", current)
        self.metric.setCurrentIndex(self.metric.findData(current))
        self.metric.blockSignals(False)

    @Slot(str)
    def _task_changed(self, task: str) -> None:
        if self._loading:
            return
        self.wizard().task_from_user = True
        self.task_note.setVisible(False)
        current = self.metric.currentData()
        keep = current if current in catalog.PRIMARY_METRICS[task] else catalog.DEFAULT_PRIMARY_METRIC[task]
        self._fill_metrics(task, keep)
        known = set(catalog.MODELS[task])
        self.models.load(task, [m for m in self.models.allowed() or [] if m in known],
                         [m for m in self.models.blocked() or [] if m in known], self.target)
        self._show_task_fields(task)
        self._sync()

    def _show_task_fields(self, task: str) -> None:
        """Only the task's own fields: a positive label means nothing outside classification."""
        self.forecasting.setVisible(task == "forecasting")
        form = self._data_group.layout()
        for widget in (self.positive_label, self.messages.label_for(A + "positive_label")):
            form.setRowVisible(widget, task == "classification")

    def _read(self) -> list[Problem]:
        """Write the form into the spec; return problems of fields that do not parse."""
        a = self.spec.automl
        unreadable = []
        a.task = self.task.currentText()
        a.primary_metric = self.metric.currentData()
        for name, edit in self.numbers.items():
            value, problem = edit.parse()
            if problem:
                unreadable.append(Problem(A + name, problem))
                continue
            if value is None and not edit.optional:
                continue
            setattr(a, name, value)
        timeout, problem = self.timeout.parse()
        unit = self.timeout_unit.currentText()
        if problem:
            unreadable.append(Problem(A + f"experiment_timeout_{unit}", problem))
        else:
            a.experiment_timeout_minutes = timeout if unit == "minutes" else None
            a.experiment_timeout_hours = timeout if unit == "hours" else None
        for name, check in self.checks.items():
            setattr(a, name, check.isChecked())
        a.featurization = self.featurization.currentText()
        # the field keeps its text for a switch back to classification, but no other task reads it
        a.positive_label = _label_value(self.positive_label.text().strip()) if a.task == "classification" else None
        a.weight_column_name = self.weight_column.currentData()
        a.allowed_models, a.blocked_models = self.models.allowed(), self.models.blocked()
        if a.task == "forecasting":
            a.forecasting, bad = self.forecasting.value()
            unreadable.extend(Problem(path, message) for path, message in bad)
        else:
            a.forecasting = None
        return unreadable

    @Slot()
    def _sync(self, *_) -> None:
        if self._loading or self.wizard() is None:
            return
        self._unreadable = self._read()
        self.revalidate()

    def extra_problems(self) -> list[Problem]:
        return list(getattr(self, "_unreadable", [])) + self._contradictions()

    def _contradictions(self) -> list[Problem]:
        """Choices that contradict each other or the label's values, said at the field before submit."""
        a, found = self.spec.automl, []
        both = sorted(set(a.allowed_models or []) & set(a.blocked_models or []))
        if both:
            found.append(Problem(A + "allowed_models", f"{', '.join(both)} ticked both Allowed and Blocked; "
                                                       "clear one of the two"))
        if a.task == "forecasting" and a.weight_column_name and self.target != "azure":
            found.append(Problem(A + "weight_column_name", "the local forecasting engine does not weight rows; "
                                                           "this column is left out of the features", "warning"))
        values = self.wizard().label_series() if self.wizard() is not None else None
        if values is None or a.task != "classification":
            return found
        label = a.label_column_name
        if looks_continuous(values):
            found.append(Problem(A + "task", f"{label} looks continuous ({values.nunique()} distinct decimal "
                                             "values): choose regression, or a label with classes"))
        elif a.positive_label is not None and not is_class(values, a.positive_label):
            shown, total = class_texts(values)
            more = f" … ({total} in all)" if total > len(shown) else ""
            found.append(Problem(A + "positive_label", f"'{a.positive_label}' is not a value of {label}; "
                                                       f"its values are {', '.join(shown)}{more}"))
        return found

    def revalidate(self) -> None:
        super().revalidate()
        self.problems = [p for p in self.problems if p.path not in self.excluded]
        self.messages.show(self.problems)
        self.completeChanged.emit()

    def message_for(self, name: str) -> str:
        """The message shown under a field (`name` without the `automl.` prefix), or ''."""
        label = self.messages.label_for(A + name)
        return label.text() if label is not None and label.isVisible() else ""


def _label_value(text: str):
    if not text:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return int(text) if text.lstrip("-").isdigit() else text
