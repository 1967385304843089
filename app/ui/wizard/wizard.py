"""The setup wizard: from nothing (or an existing spec) to a pipeline ready to submit.

It holds the spec being edited, the connected backend and a JobRunner; pages edit the spec
and run their slow work through the runner. Accepting the wizard means "submit": the caller
reads `spec` and `submit_parameters()`.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWizard

from app.core.spec import PipelineSpec, RegisterSpec, copy_spec
from app.ui.settings import UiSettings
from app.ui.wizard.automl_page import AutoMLPage
from app.ui.wizard.connect import WorkspaceConnecting
from app.ui.wizard.compute_page import ComputePage
from app.ui.wizard.dataprep_page import DataPrepPage
from app.ui.wizard.dataset_page import DatasetPage
from app.ui.wizard.forecasting_group import time_like
from app.ui.wizard.register_page import RegistrationPage
from app.ui.wizard.review_page import ReviewPage
from app.ui.wizard.workspace_page import WorkspacePage
from app.ui.workers import JobRunner

PAGE_WORKSPACE, PAGE_DATASET, PAGE_COMPUTE, PAGE_DATAPREP, PAGE_AUTOML, PAGE_REGISTER, PAGE_REVIEW = range(7)


def starting_spec(spec: PipelineSpec | None) -> PipelineSpec:
    """The spec to edit: a copy of the one given (Open, Clone), else a fresh one.

    A new pipeline never starts from the previous one: its names, task and model choices
    belong to another dataset (a wine classifier must not become a diabetes model version).
    """
    if spec is not None:
        return copy_spec(spec)
    fresh = PipelineSpec(register=RegisterSpec(), parameters={"model_name": ""})
    fresh.automl.iterations = 20
    fresh.automl.experiment_timeout_minutes = 15
    return fresh


def workspace_problems(backend, spec, sink=None) -> list:
    """The errors the workspace finds in a spec and its data (worker side)."""
    from app.core.validation import errors_only

    return errors_only(backend.validate(spec))


def page_owning(pages: dict, path: str) -> int:
    """The first page (in wizard order) whose fields include `path`; the Review page owns the rest."""
    from app.ui.wizard.base import owns

    for page_id in sorted(pages):
        prefixes = getattr(pages[page_id], "prefixes", ())
        if page_id != PAGE_REVIEW and any(owns(p, path) for p in prefixes if p):
            return page_id
    return PAGE_REVIEW


class SetupWizard(WorkspaceConnecting, QWizard):
    workspace_connected = Signal(object)
    """A backend was opened on page 1 (the main window adopts it)."""
    spec_file_saved = Signal(str)
    """The spec was saved to this path from the Review page."""

    def __init__(self, open_backend, runner: JobRunner | None = None, backend=None, location: str | None = None,
                 spec: PipelineSpec | None = None, settings: UiSettings | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New AutoML pipeline" if spec is None else "Edit AutoML pipeline")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Submit")
        self.resize(980, 720)
        self._open_backend = open_backend
        self.runner = runner or JobRunner(self)
        self._owns_runner = runner is None
        self.settings = settings or UiSettings()
        self.backend, self.location = backend, location
        self.spec = starting_spec(spec)
        self.submit_problems: list = []     # what the workspace refused at the last Submit, for that spec text
        self._refused_yaml = ""
        self._cleared_for_submit = False
        self.task_from_user = spec is not None   # Open and Clone keep their task; New infers it from the label
        self.task_note = ""
        self.sample = None
        self.column_profile = []
        self.columns: list[str] = []
        self.pages = {}
        for page_id, page in ((PAGE_WORKSPACE, WorkspacePage()), (PAGE_DATASET, DatasetPage()),
                              (PAGE_COMPUTE, ComputePage()), (PAGE_DATAPREP, DataPrepPage()),
                              (PAGE_AUTOML, AutoMLPage()), (PAGE_REGISTER, RegistrationPage()),
                              (PAGE_REVIEW, ReviewPage())):
            self.setPage(page_id, page)
            self.pages[page_id] = page

    def set_sample(self, sample, column_profile) -> None:
        """The dataset page's sample, for later pages (columns, categories to encode)."""
        self.sample, self.column_profile = sample, list(column_profile)
        self.columns = [str(c) for c in sample.columns] if sample is not None else []

    def infer_task(self) -> None:
        """Set the task from the label column's values, unless the user (or the opened spec) chose it."""
        from app.core import catalog
        from app.core.label_profile import infer_task

        a, sample = self.spec.automl, self.sample
        self.task_note = ""
        if sample is None or a.label_column_name not in sample.columns or a.task == "forecasting":
            return
        task, why = infer_task(sample[a.label_column_name])
        if self.task_from_user:
            return
        a.task = task
        if a.primary_metric not in catalog.PRIMARY_METRICS[task]:
            a.primary_metric = None
        self.task_note = f"{task.capitalize()}, because {why}; choose another task if that is wrong."
        dates = time_like(sample, [c for c in sample.columns if c != a.label_column_name])
        if task == "regression" and dates:
            self.task_note = (f"Regression, because {why}. Column {dates} holds dates: choose forecasting to "
                              f"forecast {a.label_column_name} over time.")

    def label_series(self):
        """The previewed values of the label column, or None."""
        label = self.spec.automl.label_column_name
        return self.sample[label] if self.sample is not None and label in self.sample.columns else None

    def refused(self) -> list:
        """The workspace's refusals of the last Submit, while the spec is still the one refused."""
        return self.submit_problems if self.submit_problems and self.spec.to_yaml() == self._refused_yaml else []

    def accept(self) -> None:
        """Submit: the workspace checks the spec and its data first; a refusal keeps the wizard open on the
        page whose field must change, with the reason at that field."""
        if self._cleared_for_submit or self.backend is None:
            super().accept()
            return
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.runner.start(workspace_problems, self.backend, copy_spec(self.spec), on_result=self._checked,
                          on_failed=lambda m, d: self._submit_anyway())

    def _submit_anyway(self) -> None:
        """The check itself failed (e.g. the workspace went away): submitting reports the reason properly."""
        self._cleared_for_submit = True
        super().accept()

    def _checked(self, errors: list) -> None:
        if not errors:
            self._submit_anyway()
            return
        self.submit_problems, self._refused_yaml = errors, self.spec.to_yaml()
        target = page_owning(self.pages, errors[0].path)
        while self.currentId() > target and self.currentId() != PAGE_WORKSPACE:
            self.back()
        self.currentPage().revalidate()
        self.button(QWizard.WizardButton.FinishButton).setEnabled(self.currentPage().isComplete())

    def submit_parameters(self) -> dict:
        return self.pages[PAGE_REVIEW].parameters()

    def spec_saved(self, path: str) -> None:
        self.settings.add_recent("specs", path)
        self.spec_file_saved.emit(path)

    def done(self, result: int) -> None:
        if self._owns_runner:
            self.runner.shutdown()
        super().done(result)
