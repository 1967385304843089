"""A data prep that drops the time column, then forecasting on it: the clash is said at the time
column with Next greyed out, and unticking Drop on the data-prep page mends it — all by clicks."""
from __future__ import annotations

import os

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea, QWizard

from app.ui.wizard import wizard as w
from app.ui.wizard.base import FieldMessages
from app.ui.wizard.dataprep_page import COL_DROP, COL_NAME
from app.core.spec import Problem
from tests.backends.forecasting.series_data import sales_table

from .clicks import choose, click, click_back, click_next
from .wizard_steps import register_and_pick, window_on_new_workspace

SHOTS = os.environ.get("AUTOML_DESK_SCREENSHOTS")


def _row_of(table, name: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, COL_NAME).data(Qt.ItemDataRole.UserRole) == name)


def test_a_dropped_time_column_is_said_at_the_time_column_and_mended_on_the_data_prep_page(qtbot, tmp_path,
                                                                                          ui_settings):
    data = tmp_path / "sales.csv"
    sales_table(periods=40, stores=("A", "B")).to_csv(data, index=False)
    window = window_on_new_workspace(qtbot, ui_settings, str(tmp_path / "workspace"))
    wizard = window.new_pipeline()
    click_next(qtbot, wizard, w.PAGE_DATASET)
    register_and_pick(qtbot, wizard, str(data), "sales", name="sales_ds")
    click_next(qtbot, wizard, w.PAGE_COMPUTE)
    click_next(qtbot, wizard, w.PAGE_DATAPREP)
    prep = wizard.currentPage()
    click(qtbot, prep.bundled)
    click(qtbot, prep.suggest_button)
    month_drop = prep.table.cellWidget(_row_of(prep.table, "month"), COL_DROP)
    assert not month_drop.isChecked()             # dates: never suggested as an identifier to drop
    click(qtbot, month_drop)                      # but a user may drop them
    assert month_drop.isChecked()
    click_next(qtbot, wizard, w.PAGE_AUTOML)
    page = wizard.currentPage()
    choose(qtbot, page.task, "forecasting")
    group = page.forecasting
    item = group.series_ids.findItems("store", Qt.MatchFlag.MatchExactly)[0]
    rect = group.series_ids.visualItemRect(item)
    qtbot.mouseClick(group.series_ids.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10,
                                                                                       rect.center().y()))
    qtbot.waitUntil(lambda: "dropped by the data prep" in page.message_for("forecasting.time_column_name"),
                    timeout=10_000)
    assert group.time_column.currentText() == "month"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    if SHOTS:
        qtbot.waitUntil(lambda: group.height() >= group.minimumSizeHint().height(), timeout=5000)   # laid out
        page.findChild(QScrollArea).ensureWidgetVisible(group.time_column)
        wizard.grab().save(os.path.join(SHOTS, "wizard_time_column_dropped.png"))

    click_back(qtbot, wizard, w.PAGE_DATAPREP)
    click(qtbot, prep.table.cellWidget(_row_of(prep.table, "month"), COL_DROP))
    click_next(qtbot, wizard, w.PAGE_AUTOML)
    qtbot.waitUntil(lambda: page.message_for("forecasting.time_column_name") == "", timeout=10_000)
    assert wizard.spec.data_prep.options.get("drop", []) == []
    qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.NextButton).isEnabled(), timeout=10_000)


def test_a_page_that_owns_every_path_shows_problems_no_field_names(qtbot):
    messages = FieldMessages()
    field, general = messages.add("experiment"), messages.add("")
    messages.show([Problem("data_prep.options.drop", "drops the label column 'y'; remove it from the list")])
    assert not general.isHidden() and "drops the label column 'y'" in general.text()
    assert field.isHidden()
