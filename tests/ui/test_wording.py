"""Messages read as the forms speak: field labels, not spec keys; required fields not shown as mistakes."""
from __future__ import annotations

from PySide6.QtWidgets import QWizard

from app.ui.wizard import wizard as w
from app.ui.styles import ERROR_STYLE, TODO_STYLE
from app.ui.wording import count, readable

from .clicks import click, click_next, click_tree_row, pick_dataset_and_label, type_into


def test_counts_and_code_names():
    assert (count(1, "run"), count(2, "run"), count(0, "iteration")) == ("1 run", "2 runs", "0 iterations")
    assert readable("set either validation_size or n_cross_validations, not both") == \
        "set either validation size or cross-validation folds, not both"
    assert readable("register.model_name: bad") == "Model name: bad"
    assert readable("learners skipped: rf, extra_tree") == "learners skipped: RandomForest, ExtremeRandomTrees"


def test_fresh_dataset_page_names_the_missing_label_without_red(qtbot, fake_window, titanic_csv):
    window = fake_window(titanic_ds=titanic_csv, titanic_copy=titanic_csv)   # two: neither is chosen for the user
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    click_next(qtbot, wizard, w.PAGE_DATASET)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.datasets.topLevelItemCount() == 2, timeout=10_000)
    label = page.messages.label_for("dataset")
    assert label.text() == "Dataset is required; choose one from the list, or add a file with Register new…"
    assert page.register_button.text() == "Register new…"
    assert label.styleSheet() == TODO_STYLE and not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    click_tree_row(qtbot, page.datasets, "titanic_ds")
    missing = page.messages.label_for("automl.label_column_name")
    qtbot.waitUntil(lambda: missing.text() == "Label column is required; choose the column to predict", timeout=10_000)
    assert missing.styleSheet() == TODO_STYLE
    pick_dataset_and_label(qtbot, wizard, "titanic_ds", "Survived")
    for page_id in (w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML):
        click_next(qtbot, wizard, page_id)
    automl = wizard.currentPage()
    type_into(qtbot, automl.numbers["n_cross_validations"], "3")
    type_into(qtbot, automl.numbers["validation_size"], "0.2")
    message = automl.message_for("validation_size")
    assert "validation_size" not in message and "cross-validation folds" in message, message
    assert automl.messages.label_for("automl.validation_size").styleSheet() == ERROR_STYLE
