"""Scrolling a page with the mouse wheel scrolls it: a combo box or spin box that passes under
the pointer keeps its value unless the user clicked into it first."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QScrollArea

from app.ui.wizard import wizard as w
from app.ui.wizard.dataprep_page import COL_BINS, COL_FILL
from tests.backends.forecasting.series_data import sales_table

from .clicks import choose, click, click_next
from .wizard_steps import register_and_pick, window_on_new_workspace


def _wheel_down(widget, notches: int = 3) -> None:
    inside = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(inside, QPointF(widget.mapToGlobal(inside.toPoint())), QPoint(0, 0), QPoint(0, -120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _wizard_on_dataprep(qtbot, tmp_path, ui_settings):
    data = tmp_path / "sales.csv"
    sales_table(periods=40, stores=("A", "B")).to_csv(data, index=False)
    window = window_on_new_workspace(qtbot, ui_settings, str(tmp_path / "workspace"))
    wizard = window.new_pipeline()
    wizard.resize(900, 600)                      # the AutoML page's form is taller than this: it scrolls
    click_next(qtbot, wizard, w.PAGE_DATASET)
    register_and_pick(qtbot, wizard, str(data), "sales", name="sales_ds")
    click_next(qtbot, wizard, w.PAGE_COMPUTE)
    click_next(qtbot, wizard, w.PAGE_DATAPREP)
    return wizard


def test_the_wheel_over_the_automl_page_scrolls_it_and_changes_no_choice(qtbot, tmp_path, ui_settings):
    wizard = _wizard_on_dataprep(qtbot, tmp_path, ui_settings)
    click_next(qtbot, wizard, w.PAGE_AUTOML)
    page = wizard.currentPage()
    choose(qtbot, page.task, "forecasting")
    scroll = page.findChild(QScrollArea).verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=5000)
    wizard.setFocus()                            # focus elsewhere, as after a click on the page's background
    time_column = page.forecasting.time_column
    chosen = time_column.currentText()
    for combo in (page.task, page.metric, time_column):
        before = scroll.value()
        _wheel_down(combo)
        assert scroll.value() > before or scroll.value() == scroll.maximum()
        scroll.setValue(0)
    assert page.task.currentText() == "forecasting"
    assert time_column.currentText() == chosen
    assert page.metric.currentText() == "normalized_root_mean_squared_error"


def test_the_wheel_over_the_data_prep_table_leaves_its_choices_until_one_is_clicked(qtbot, tmp_path, ui_settings):
    wizard = _wizard_on_dataprep(qtbot, tmp_path, ui_settings)
    prep = wizard.currentPage()
    click(qtbot, prep.bundled)
    fill, bins = prep.table.cellWidget(0, COL_FILL), prep.table.cellWidget(0, COL_BINS)
    fill_before = fill.currentIndex()
    _wheel_down(fill)
    _wheel_down(bins)
    assert fill.currentIndex() == fill_before and bins.value() == 0
    wizard.activateWindow()                      # the window under the user's hand is the active one
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5000)
    qtbot.mouseClick(bins.lineEdit(), Qt.MouseButton.LeftButton)      # into the field: now the wheel is its
    qtbot.waitUntil(bins.hasFocus, timeout=5000)
    for _ in range(3):
        _wheel_down(bins, notches=-1)
    assert bins.value() == 3


def test_the_time_column_is_not_offered_as_a_series_id(qtbot, tmp_path, ui_settings):
    wizard = _wizard_on_dataprep(qtbot, tmp_path, ui_settings)
    click_next(qtbot, wizard, w.PAGE_AUTOML)
    page = wizard.currentPage()
    choose(qtbot, page.task, "forecasting")
    group = page.forecasting

    def offered() -> list[str]:
        return [group.series_ids.item(i).text() for i in range(group.series_ids.count())
                if not group.series_ids.item(i).isHidden()]

    assert group.time_column.currentText() == "month" and offered() == ["store", "promo"]
    choose(qtbot, group.time_column, "promo")
    assert offered() == ["month", "store"]
    choose(qtbot, group.time_column, "month")
    assert offered() == ["store", "promo"]
