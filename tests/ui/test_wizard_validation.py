"""Each invalid input is blocked on its page, with the validator's message next to the field."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from app.ui.wizard import wizard as w

from .wizard_steps import connect_local, register_dataset, titanic_spec, walk_to


@pytest.fixture
def on_page(qtbot, make_wizard, fake_backend, titanic_csv, tmp_path):
    """A wizard on `spec`, walked to `page_id` on a fake workspace that holds the Titanic data."""
    fake_backend.register_dataset("titanic_ds", [titanic_csv])

    def go(page_id, spec=None):
        wizard = make_wizard(spec=spec or titanic_spec())
        walk_to(qtbot, wizard, str(tmp_path / "ws"), page_id)
        return wizard, wizard.currentPage()

    return go


def assert_blocked(wizard, page, message_part: str, field: str) -> None:
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert message_part in page.message_for(field), page.message_for(field)


def test_valid_settings_allow_next(on_page):
    wizard, page = on_page(w.PAGE_AUTOML)
    assert page.isComplete()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_wrong_metric_for_task_is_blocked(on_page):
    wizard, page = on_page(w.PAGE_AUTOML, titanic_spec(primary_metric="r2_score"))
    assert_blocked(wizard, page, "'r2_score' is not valid for classification", "primary_metric")
    page.metric.setCurrentIndex(page.metric.findData("AUC_weighted"))
    assert page.isComplete() and page.message_for("primary_metric") == ""


def test_metric_list_offers_only_the_tasks_metrics(on_page):
    wizard, page = on_page(w.PAGE_AUTOML)
    page.task.setCurrentText("regression")
    offered = [page.metric.itemData(i) for i in range(page.metric.count())]
    assert "r2_score" in offered and "AUC_weighted" not in offered
    assert wizard.spec.automl.primary_metric == "normalized_root_mean_squared_error"


def test_negative_iterations_are_blocked(on_page):
    wizard, page = on_page(w.PAGE_AUTOML)
    page.numbers["iterations"].setText("-3")
    assert_blocked(wizard, page, "must be at least 1, got -3", "iterations")
    page.numbers["iterations"].setText("4")
    assert page.isComplete()


def test_timeout_below_iteration_timeout_is_blocked(on_page):
    wizard, page = on_page(w.PAGE_AUTOML)
    page.numbers["iteration_timeout_minutes"].setText("10")
    page.timeout_unit.setCurrentText("minutes")
    page.timeout.setText("5")
    assert_blocked(wizard, page, "shorter than iteration timeout", "experiment_timeout_minutes")


def test_unparseable_number_is_explained(on_page):
    wizard, page = on_page(w.PAGE_AUTOML)
    page.numbers["validation_size"].setText("a fifth")
    assert_blocked(wizard, page, "enter a number", "validation_size")


def test_forecasting_block_only_for_forecasting(on_page):
    wizard, page = on_page(w.PAGE_AUTOML)
    assert page.forecasting.isHidden()
    page.task.setCurrentText("forecasting")
    assert not page.forecasting.isHidden()
    assert_blocked(wizard, page, "is required for forecasting", "forecasting.time_column_name")


def test_no_label_column_is_blocked(qtbot, on_page):
    wizard, page = on_page(w.PAGE_DATASET)
    page.choose_label("")
    assert not page.isComplete()
    assert "is required" in page.messages.text("automl.label_column_name")


@pytest.mark.parametrize("values, expected", [(["yes"] * 6, "single value"), ([""] * 6, "no values")])
def test_one_class_or_empty_label_is_refused(qtbot, make_wizard, fake_backend, tmp_path, values, expected):
    data = tmp_path / "one_class.csv"
    data.write_text("x,label\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    fake_backend.register_dataset("one_class", [str(data)])
    spec = titanic_spec(label_column_name="")
    spec.dataset = "one_class"
    wizard = make_wizard(spec=spec)
    connect_local(qtbot, wizard, str(tmp_path / "ws"))
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.label.count() > 1, timeout=10_000)
    page.choose_label("label")
    qtbot.waitUntil(lambda: expected in page.messages.text("automl.label_column_name"), timeout=10_000)
    assert not page.isComplete()
    page.choose_label("x")
    qtbot.waitUntil(page.isComplete, timeout=10_000)


def test_unreadable_file_cannot_be_registered(qtbot, make_wizard, fake_backend, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81garbage\x00\x9c" * 50)
    wizard = make_wizard()
    connect_local(qtbot, wizard, str(tmp_path / "ws"))
    dialog = register_dataset(qtbot, wizard, str(bad), "broken")
    qtbot.waitUntil(lambda: "broken.csv: is not a text file" in dialog.message.text(), timeout=10_000)
    assert not dialog.register_button.isEnabled()
    assert fake_backend.datasets == []


def test_bad_model_name_is_blocked(on_page):
    wizard, page = on_page(w.PAGE_REGISTER)
    page.model_name.setText("not a name!")
    assert not page.isComplete()
    assert "is not a model name" in page.messages.text("register")
    page.enabled.setChecked(False)
    assert page.isComplete() and wizard.spec.register is None


def test_review_requires_an_experiment_name(on_page):
    wizard, page = on_page(w.PAGE_REVIEW)
    assert page.isComplete()
    page.experiment.setText("")
    assert not page.isComplete()
    assert "is required" in page.messages.text("experiment")
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
