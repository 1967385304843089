"""Clicking through the wizard on the fake backend produces the expected spec."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.wizard import wizard as w
from app.ui.wizard.dataprep_page import COL_NAME, COL_TYPE

from .clicks import add_file_by_clicks, choose, click, click_next
from .wizard_steps import connect_local, go_next, register_and_pick, set_budget


def test_click_through_builds_spec(qtbot, make_wizard, fake_backend, titanic_csv, tmp_path):
    wizard = make_wizard()
    connect_local(qtbot, wizard, str(tmp_path / "ws"))
    register_and_pick(qtbot, wizard, titanic_csv, "Survived")
    go_next(qtbot, wizard, w.PAGE_COMPUTE)
    assert wizard.spec.compute == "local"
    go_next(qtbot, wizard, w.PAGE_DATAPREP)
    prep = wizard.page(w.PAGE_DATAPREP)
    prep.bundled.setChecked(True)
    prep.apply_suggestions()
    assert "PassengerId" in wizard.spec.data_prep.options["drop"]
    assert "Age" in wizard.spec.data_prep.options["impute_random"]
    types = {prep.table.item(r, COL_NAME).data(Qt.ItemDataRole.UserRole): prep.table.item(r, COL_TYPE).text()
             for r in range(prep.table.rowCount())}
    assert types["Embarked"] == "text, 0.2% missing, 3 distinct"          # 2 of 891: not "0% missing"
    assert (types["Age"], types["Fare"]) == ("decimal, 20% missing, 88 distinct", "decimal, 0% missing, 248 distinct")
    go_next(qtbot, wizard, w.PAGE_AUTOML)
    set_budget(wizard)
    assert wizard.currentPage().isComplete()
    go_next(qtbot, wizard, w.PAGE_REGISTER)
    wizard.currentPage().model_name.setText("TitanicModel")
    go_next(qtbot, wizard, w.PAGE_REVIEW)
    review = wizard.currentPage()
    review.run_model_name.setText("TitanicOverride")
    assert "label_column_name: Survived" in review.yaml.toPlainText()
    assert wizard.submit_parameters() == {"model_name": "TitanicOverride"}
    spec = wizard.spec
    assert (spec.dataset, spec.automl.iterations, spec.automl.experiment_timeout_minutes) == ("titanic_ds", 4, 1.0)
    assert spec.parameters["model_name"] == "TitanicModel" and spec.register.model_name == "${model_name}"
    assert spec.experiment == "titanic_automl"


def test_wizard_does_not_carry_a_finished_spec_into_the_next(qtbot, make_wizard):
    from .wizard_steps import titanic_spec

    first = make_wizard(spec=titanic_spec(iterations=7))
    first.accept()
    second = make_wizard()
    assert (second.spec.dataset, second.spec.experiment, second.spec.automl.iterations) == ("", "", 20)


def test_a_column_distinct_in_every_profiled_row_reads_as_more(qtbot, fake_window, tmp_path):
    # The profile reads the first 5,000 rows: an id column of 6,000 rows read "5000 distinct".
    import pandas as pd

    path = tmp_path / "wide.csv"
    days = pd.Series(pd.date_range("2020-01-01", periods=6000, freq="D").strftime("%d.%m.%Y"))
    days[7] = None                                       # a gap a numeric fill would refuse
    pd.DataFrame({"id": range(6000), "shop": ["a", "b", "c"] * 2000, "day": days,
                  "y": [0, 1] * 3000}).to_csv(path, index=False)
    window = fake_window()
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    click_next(qtbot, wizard, w.PAGE_DATASET)
    dialog = add_file_by_clicks(qtbot, wizard, str(path))
    qtbot.waitUntil(dialog.register_button.isEnabled, timeout=20_000)
    click(qtbot, dialog.register_button)
    page = wizard.page(w.PAGE_DATASET)
    qtbot.waitUntil(lambda: page.label.findText("y") >= 0, timeout=20_000)
    choose(qtbot, page.label, "y")
    qtbot.waitUntil(page.isComplete, timeout=20_000)
    click_next(qtbot, wizard, w.PAGE_COMPUTE)
    click_next(qtbot, wizard, w.PAGE_DATAPREP)
    prep = wizard.page(w.PAGE_DATAPREP)
    click(qtbot, prep.bundled)
    types = {prep.table.item(r, COL_NAME).data(Qt.ItemDataRole.UserRole): prep.table.item(r, COL_TYPE).text()
             for r in range(prep.table.rowCount())}
    assert types["id"] == "integer, 0% missing, 5,000+ distinct"
    assert types["shop"] == "text, 0% missing, 3 distinct"
    # Dates in a CSV are text; AutoML featurizes them as dates, so they are no identifier to drop.
    assert types["day"] == "datetime, <0.1% missing, 4,999 distinct"   # 1 gap in 5,000
    click(qtbot, prep.suggest_button)
    assert wizard.spec.data_prep.options == {"drop": ["id"], "encode": {"shop": ["a", "b", "c"]}}
