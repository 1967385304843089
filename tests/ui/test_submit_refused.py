"""A Submit the workspace refuses keeps the wizard open on the page that must change, the reason at its field."""
from __future__ import annotations

from PySide6.QtWidgets import QWizard

from app.core.spec import Problem
from app.ui.wizard import wizard as w

from .clicks import click, click_next, pick_dataset_and_label, type_into


def test_refused_submit_returns_to_the_field(qtbot, fake_window, fake_backend, titanic_csv):
    window = fake_window(titanic_ds=titanic_csv)
    plain_validate = fake_backend.validate

    def validate(spec):
        found = plain_validate(spec)
        if spec.automl.iterations > 10:
            found.append(Problem("automl.iterations", "is more than this workspace allows (10)"))
        return found

    fake_backend.validate = validate
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    click_next(qtbot, wizard, w.PAGE_DATASET)
    pick_dataset_and_label(qtbot, wizard, "titanic_ds", "Survived")
    for page_id in (w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML, w.PAGE_REGISTER, w.PAGE_REVIEW):
        click_next(qtbot, wizard, page_id)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: wizard.currentId() == w.PAGE_AUTOML, timeout=10_000)
    page = wizard.currentPage()
    assert wizard.isVisible() and fake_backend.submitted == []
    assert page.message_for("iterations") == "is more than this workspace allows (10)"
    type_into(qtbot, page.numbers["iterations"], "8")
    assert page.message_for("iterations") == ""
    click_next(qtbot, wizard, w.PAGE_REGISTER)
    click_next(qtbot, wizard, w.PAGE_REVIEW)
    with qtbot.waitSignal(window.run_submitted, timeout=10_000):
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    assert fake_backend.submitted[0][0].automl.iterations == 8
