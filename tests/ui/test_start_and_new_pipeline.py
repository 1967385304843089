"""Start page buttons and New pipeline, clicked as a user does: every New starts fresh."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QWizard

from app.ui.wizard import wizard as w

from .clicks import choose, click, click_next, pick_dataset_and_label, type_into


def wine_csv(folder) -> str:
    path = folder / "wine.csv"
    rows = ["alcohol,acidity,colour,quality"]
    rows += [f"{11 + i % 7 * 0.3:.2f},{0.2 + i % 5 * 0.07:.3f},{'red' if i % 3 else 'white'},{5 + i % 4}"
             for i in range(60)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def window(fake_window, titanic_csv, tmp_path):
    win = fake_window(titanic_ds=titanic_csv, wine_ds=wine_csv(tmp_path))
    reports = []
    win.reporter.reported.connect(lambda message, details: reports.append(message))
    win.reports = reports
    return win


def open_wizard_from_start_page(qtbot, window):
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(), timeout=10_000)
    return window.wizard


def test_start_page_new_pipeline_button_opens_the_wizard(qtbot, window, monkeypatch):
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: hooked.append(exc))
    wizard = open_wizard_from_start_page(qtbot, window)
    assert wizard.windowTitle() == "New AutoML pipeline"
    assert wizard.currentId() == w.PAGE_WORKSPACE and wizard.currentPage().is_connected()
    assert window.reports == [] and hooked == []


def walk_to_review(qtbot, wizard, dataset: str, label: str):
    click_next(qtbot, wizard, w.PAGE_DATASET)
    pick_dataset_and_label(qtbot, wizard, dataset, label)
    for page_id in (w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML, w.PAGE_REGISTER, w.PAGE_REVIEW):
        click_next(qtbot, wizard, page_id)
    return wizard.page(w.PAGE_REVIEW)


def test_second_new_pipeline_starts_fresh_with_names_from_its_dataset(qtbot, window, fake_backend):
    first = open_wizard_from_start_page(qtbot, window)
    click_next(qtbot, first, w.PAGE_DATASET)
    pick_dataset_and_label(qtbot, first, "titanic_ds", "Survived")
    for page_id in (w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML):
        click_next(qtbot, first, page_id)
    automl = first.page(w.PAGE_AUTOML)
    type_into(qtbot, automl.numbers["n_cross_validations"], "3")
    type_into(qtbot, automl.numbers["iterations"], "6")
    click_next(qtbot, first, w.PAGE_REGISTER)
    click_next(qtbot, first, w.PAGE_REVIEW)
    assert first.page(w.PAGE_REVIEW).experiment.text() == "titanic_automl"
    assert first.page(w.PAGE_REVIEW).run_model_name.text() == "titanic_model"
    with qtbot.waitSignal(window.run_submitted, timeout=20_000):
        click(qtbot, first.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: window.wizard is None, timeout=10_000)

    second = open_wizard_from_start_page(qtbot, window)
    review = walk_to_review(qtbot, second, "wine_ds", "quality")
    assert review.experiment.text() == "wine_automl"
    assert review.run_model_name.text() == "wine_model"
    spec = second.spec
    assert spec.parameters["model_name"] == "wine_model"
    assert spec.automl.n_cross_validations is None and spec.automl.iterations == 20
    assert spec.automl.allowed_models is None and spec.automl.label_column_name == "quality"
    assert window.reports == []


def test_names_follow_a_changed_dataset_but_typed_names_stay(qtbot, window):
    wizard = open_wizard_from_start_page(qtbot, window)
    review = walk_to_review(qtbot, wizard, "titanic_ds", "Survived")
    assert review.experiment.text() == "titanic_automl"
    for page_id in (w.PAGE_REGISTER, w.PAGE_AUTOML, w.PAGE_DATAPREP, w.PAGE_COMPUTE, w.PAGE_DATASET):
        click(qtbot, wizard.button(QWizard.WizardButton.BackButton))
        qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=10_000)
    pick_dataset_and_label(qtbot, wizard, "wine_ds", "quality")
    for page_id in (w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML, w.PAGE_REGISTER):
        click_next(qtbot, wizard, page_id)
    register = wizard.page(w.PAGE_REGISTER)
    assert register.model_name.text() == "wine_model"
    type_into(qtbot, register.model_name, "CellarScore")
    click_next(qtbot, wizard, w.PAGE_REVIEW)
    assert review.experiment.text() == "wine_automl"
    assert review.run_model_name.text() == "CellarScore"


def test_open_spec_starts_from_the_spec(qtbot, window, tmp_path):
    from app.core.spec import save_spec

    from .wizard_steps import titanic_spec

    spec = titanic_spec(iterations=7)
    spec.experiment = "kept_experiment"
    path = tmp_path / "kept.yaml"
    save_spec(spec, path)
    window.settings.add_recent("specs", str(path))
    window.refresh_recent()
    recent = window.recent_menu.actions()[0]
    recent.trigger()
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    assert window.wizard.windowTitle() == "Edit AutoML pipeline"
    assert (window.wizard.spec.experiment, window.wizard.spec.automl.iterations) == ("kept_experiment", 7)
    assert window.reports == []


def test_the_only_dataset_of_a_workspace_is_chosen_already(qtbot, fake_window, titanic_csv):
    window = fake_window(titanic_ds=titanic_csv)
    wizard = open_wizard_from_start_page(qtbot, window)
    click_next(qtbot, wizard, w.PAGE_DATASET)
    page = wizard.page(w.PAGE_DATASET)
    qtbot.waitUntil(lambda: page.selected() is not None and page.label.findText("Survived") >= 0, timeout=20_000)
    assert page.selected() == ("titanic_ds", 1) and wizard.spec.dataset == "titanic_ds"
    choose(qtbot, page.label, "Survived")
    qtbot.waitUntil(page.isComplete, timeout=20_000)


def test_a_workspace_of_two_datasets_leaves_the_choice_to_the_user(qtbot, window):
    wizard = open_wizard_from_start_page(qtbot, window)
    click_next(qtbot, wizard, w.PAGE_DATASET)
    page = wizard.page(w.PAGE_DATASET)
    qtbot.waitUntil(lambda: page.datasets.topLevelItemCount() == 2, timeout=20_000)
    assert page.selected() is None and not page.isComplete()
