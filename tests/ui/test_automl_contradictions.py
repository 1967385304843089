"""Contradictions caught at the field on the AutoML page, clicked as a user does; the task follows the label."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard

from app.ui.wizard import wizard as w
from app.ui.wizard.models_checklist import ALLOWED, BLOCKED

from .clicks import choose, click, click_next, pick_dataset_and_label, type_into


def prices_csv(folder) -> str:
    path = folder / "houses.csv"
    rows = ["rooms,area,price"] + [f"{2 + i % 5},{40 + i * 1.7:.1f},{100 + i * 3.37:.2f}" for i in range(214)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def window(fake_window, titanic_csv, tmp_path):
    return fake_window(titanic_ds=titanic_csv, houses_ds=prices_csv(tmp_path))


def automl_page_for(qtbot, window, dataset, label):
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    click_next(qtbot, wizard, w.PAGE_DATASET)
    pick_dataset_and_label(qtbot, wizard, dataset, label)
    for page_id in (w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML):
        click_next(qtbot, wizard, page_id)
    return wizard, wizard.currentPage()


def next_enabled(wizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_task_is_inferred_from_a_continuous_label_and_classification_is_refused_at_the_field(qtbot, window):
    wizard, page = automl_page_for(qtbot, window, "houses_ds", "price")
    assert page.task.currentText() == "regression"
    assert page.task_note.isVisible() and "214 distinct decimal values" in page.task_note.text()
    choose(qtbot, page.task, "classification")
    message = page.message_for("task")
    assert "price looks continuous (214 distinct decimal values)" in message and "regression" in message
    assert message.count("\n") == 0 and not next_enabled(wizard)
    choose(qtbot, page.task, "regression")
    assert page.message_for("task") == "" and next_enabled(wizard)


def test_positive_label_must_be_a_class(qtbot, window):
    wizard, page = automl_page_for(qtbot, window, "titanic_ds", "Survived")
    assert page.task.currentText() == "classification" and "2 distinct values" in page.task_note.text()
    type_into(qtbot, page.positive_label, "yes")
    assert page.message_for("positive_label") == "'yes' is not a value of Survived; its values are 0, 1"
    assert not next_enabled(wizard)
    type_into(qtbot, page.positive_label, "1")
    assert page.message_for("positive_label") == "" and next_enabled(wizard)


def tick(qtbot, tree, name: str, column: int) -> None:
    item = tree.findItems(name, Qt.MatchFlag.MatchExactly)[0]
    tree.scrollToItem(item)
    rect = tree.visualRect(tree.indexFromItem(item, column))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))


def test_a_model_both_allowed_and_blocked_is_refused_at_the_field(qtbot, window):
    wizard, page = automl_page_for(qtbot, window, "titanic_ds", "Survived")
    tick(qtbot, page.models, "LightGBM", ALLOWED)
    tick(qtbot, page.models, "LightGBM", BLOCKED)
    assert page.models.allowed() == ["LightGBM"] and page.models.blocked() == ["LightGBM"]
    assert "LightGBM ticked both Allowed and Blocked" in page.message_for("allowed_models")
    assert not next_enabled(wizard)
    tick(qtbot, page.models, "LightGBM", BLOCKED)
    assert page.message_for("allowed_models") == "" and next_enabled(wizard)


def test_positive_label_is_offered_for_classification_only_and_kept_for_a_switch_back(qtbot, window):
    wizard, page = automl_page_for(qtbot, window, "titanic_ds", "Survived")
    type_into(qtbot, page.positive_label, "1")
    choose(qtbot, page.task, "regression")
    assert not page.positive_label.isVisible() and wizard.spec.automl.positive_label is None
    assert page.message_for("positive_label") == "" and next_enabled(wizard)
    choose(qtbot, page.task, "classification")
    assert page.positive_label.isVisible() and wizard.spec.automl.positive_label == 1


def test_a_weight_column_for_local_forecasting_is_said_to_be_left_out_and_accepted(qtbot, fake_window, tmp_path):
    from tests.backends.forecasting.series_data import sales_table

    path = tmp_path / "sales.csv"
    sales_table(periods=48, stores=("A",)).drop(columns=["store"]).to_csv(path, index=False)
    wizard, page = automl_page_for(qtbot, fake_window(sales_ds=str(path)), "sales_ds", "sales")
    choose(qtbot, page.task, "forecasting")
    qtbot.waitUntil(lambda: page.forecasting.time_column.currentText() == "month", timeout=5000)
    choose(qtbot, page.weight_column, "promo")
    assert "does not weight rows; this column is left out of the features" in page.message_for("weight_column_name")
    assert next_enabled(wizard)
    choose(qtbot, page.task, "regression")
    assert page.message_for("weight_column_name") == ""


def test_a_continuous_label_beside_a_date_column_points_to_forecasting(qtbot, fake_window, tmp_path):
    from tests.backends.forecasting.series_data import sales_table

    path = tmp_path / "sales.csv"
    sales_table(periods=48, stores=("A",)).drop(columns=["store"]).to_csv(path, index=False)
    wizard, page = automl_page_for(qtbot, fake_window(sales_ds=str(path)), "sales_ds", "sales")
    assert page.task.currentText() == "regression"
    assert page.task_note.text().endswith("Column month holds dates: choose forecasting to forecast sales over time.")
    choose(qtbot, page.task, "forecasting")
    assert page.forecasting.time_column.currentText() == "month" and not page.task_note.isVisible()


def test_series_ids_are_offered_from_identifying_columns_not_measurements(qtbot, fake_window, tmp_path):
    from tests.backends.forecasting.series_data import sales_table

    path = tmp_path / "sales.csv"
    frame = sales_table(periods=48, stores=("A", "B"))
    frame.assign(price=(9.5 + frame.index % 7 * 0.13).round(2)).to_csv(path, index=False)
    wizard, page = automl_page_for(qtbot, fake_window(sales_ds=str(path)), "sales_ds", "sales")
    choose(qtbot, page.task, "forecasting")
    ids = page.forecasting.series_ids
    offered = [ids.item(i).text() for i in range(ids.count()) if not ids.item(i).isHidden()]
    assert offered == ["store", "promo"]          # not month (the time column), not price (decimals)
