"""A forecasting pipeline clicked through on a real local workspace: the wizard's forecasting group,
the run's forecast charts, and Predict's "next 12 periods" giving 12 rows per series."""
from __future__ import annotations

import os

import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea, QWizard

from app.core.runs import COMPLETED
from app.ui.monitor.run_view import RunViewWidget
from app.ui.wizard import wizard as w
from tests.backends.forecasting.series_data import sales_table

from .wizard_steps import go_next, register_and_pick, set_budget, window_on_new_workspace

pytestmark = pytest.mark.slow
STORES = ("A", "B", "C")
SHOTS = os.environ.get("AUTOML_DESK_SCREENSHOTS")       # a folder to save the screenshots in, when set


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, f"{name}.png"))


def _click_check(qtbot, listing, text: str) -> None:
    item = listing.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    rect = listing.visualItemRect(item)
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))


def _type(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_forecasting_run_from_the_wizard_then_predict_next_periods(qtbot, tmp_path, ui_settings):
    data = tmp_path / "sales.csv"
    sales_table(periods=72, stores=STORES).to_csv(data, index=False)
    window = window_on_new_workspace(qtbot, ui_settings, str(tmp_path / "workspace"))

    wizard = window.new_pipeline()
    go_next(qtbot, wizard, w.PAGE_DATASET, complete=False)
    register_and_pick(qtbot, wizard, str(data), "sales", name="sales_ds")
    go_next(qtbot, wizard, w.PAGE_COMPUTE)
    go_next(qtbot, wizard, w.PAGE_DATAPREP)
    go_next(qtbot, wizard, w.PAGE_AUTOML)
    page = wizard.currentPage()
    _shot(wizard, "wizard_automl_classification")
    page.task.setCurrentIndex(page.task.findText("forecasting"))
    group = page.forecasting
    assert not group.isHidden() and not group.advanced.isVisible()
    assert group.time_column.currentText() == "month"                 # picked: the column that reads as dates
    assert [page.metric.itemText(i) for i in range(page.metric.count())][0] == "normalized_root_mean_squared_error"
    # the preview's rows already repeat each month once per store: an error at the field, before any submit
    assert page.message_for("forecasting.time_column_name") == (
        "timestamps repeat within a series (e.g. 2015-01-01); each time may appear once per series: tick the "
        "columns that identify each series below")
    assert not page.isComplete() and group.inferred.isHidden()
    _click_check(qtbot, group.series_ids, "store")
    assert group.checked_series_ids() == ["store"]
    assert page.message_for("forecasting.time_column_name") == ""
    assert group.inferred.text() == "Inferred from the data: MS (monthly, month start)"
    _type(qtbot, group.horizon, "12")
    qtbot.mouseClick(group.advanced_toggle, Qt.MouseButton.LeftButton)
    assert group.advanced.isVisible()
    _type(qtbot, group.target_lags, "1, two")
    assert not page.isComplete() and "enter whole numbers" in page.message_for("forecasting.target_lags")
    _type(qtbot, group.target_lags, "")
    _type(qtbot, group.holidays, "ZZ")
    assert not page.isComplete()
    assert "no holiday calendar is known for 'ZZ'" in page.message_for("forecasting.country_or_region_for_holidays")
    qtbot.waitUntil(lambda: group.height() >= group.minimumSizeHint().height(), timeout=5000)   # laid out
    page.findChild(QScrollArea).ensureWidgetVisible(group.holidays)
    _shot(wizard, "wizard_forecasting_unknown_holidays")
    _type(qtbot, group.holidays, "")
    _type(qtbot, group.horizon, "0")
    assert "at least 1" in page.message_for("forecasting.forecast_horizon")
    _type(qtbot, group.horizon, "12")
    set_budget(wizard, iterations="8", timeout_minutes="3")
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    qtbot.waitUntil(lambda: group.height() >= group.minimumSizeHint().height(), timeout=5000)   # laid out
    scroll = page.findChild(QScrollArea)
    scroll.ensureWidgetVisible(group.holidays)
    _shot(wizard, "wizard_forecasting")
    assert wizard.spec.automl.forecasting == {"time_column_name": "month", "forecast_horizon": 12,
                                              "time_series_id_column_names": ["store"]}
    go_next(qtbot, wizard, w.PAGE_REGISTER)
    go_next(qtbot, wizard, w.PAGE_REVIEW)
    with qtbot.waitSignal(window.run_submitted, timeout=60_000) as submitted:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    run_id = submitted.args[0]
    qtbot.waitUntil(lambda: window.run_control.statuses.get(run_id) in ("Completed", "Failed", "Canceled"),
                    timeout=240_000)
    run = window.backend.get_run(run_id)
    assert run.status == COMPLETED, (run.error, window.backend.read_log(run_id, "automl", 3000))
    algorithms = [it.run_algorithm for it in run.iterations]
    assert algorithms[:2] == ["Naive", "SeasonalNaive"] and algorithms[-1] == "VotingEnsemble"

    view = window.central_tabs.currentWidget()
    assert isinstance(view, RunViewWidget)
    view.tabs.tabBar().setCurrentIndex(2)
    charts = view.artifact_charts
    qtbot.waitUntil(lambda: "Forecast — C" in charts.chart_names(), timeout=60_000)
    assert charts.chart_names()[:3] == ["Forecast — A", "Forecast — B", "Forecast — C"]
    assert {"Error by horizon step", "Leaderboard vs baselines"} <= set(charts.chart_names())
    qtbot.waitUntil(lambda: charts.drawn, timeout=10_000)
    _shot(view, "run_forecast_chart")
    charts.chart_combo.setCurrentText("Leaderboard vs baselines")
    assert charts.drawn
    _shot(view, "run_leaderboard_chart")
    view.tabs.tabBar().setCurrentIndex(0)
    rails = view.overview.guardrails
    names = [rails.index(r, 0).data() for r in range(rails.rowCount())]
    assert {"Missing timestamps imputation", "Frequency detection", "Baseline comparison"} <= set(names)
    warnings = view.overview.warnings
    qtbot.waitUntil(warnings.isVisible, timeout=10_000)
    assert "⚠ automl.forecasting.freq: not set; inferred 'MS' from the data" in warnings.text().splitlines()
    properties = view.overview.properties
    assert "warnings" not in {properties.index(r, 0).data() for r in range(properties.rowCount())}
    _shot(view, "run_overview")
    leaderboard = view.leaderboard.model
    assert {leaderboard.iteration_at(r).run_algorithm for r in range(leaderboard.rowCount())} >= {"Naive",
                                                                                                "SeasonalNaive"}
    shown = {leaderboard.index(r, 1).data() for r in range(leaderboard.rowCount())}
    assert {"ExponentialSmoothing (ets)", "ExponentialSmoothing (theta)"} <= shown     # told apart

    models = window.models.show_models()
    if models.model.rowCount() == 0:          # the run registered the model after the tab last loaded
        qtbot.mouseClick(models.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: models.model.rowCount() == 1, timeout=20_000)
    first = models.view.visualRect(models.view.model().index(0, 0))
    qtbot.mouseClick(models.view.viewport(), Qt.MouseButton.LeftButton, pos=first.center())
    qtbot.waitUntil(lambda: models.predict_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(models.predict_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _predict_dialog(models) is not None, timeout=5000)
    dialog = _predict_dialog(models)
    qtbot.waitUntil(lambda: dialog.periods.maximum() == 12, timeout=10_000)
    qtbot.mouseClick(dialog.next_periods, Qt.MouseButton.LeftButton)
    assert not dialog.inputs[0].isEnabled()
    out = tmp_path / "next12.csv"
    qtbot.keyClicks(dialog.output_edit, str(out))
    _type(qtbot, dialog.periods.lineEdit(), "12")
    with qtbot.waitSignal(dialog.predicted, timeout=60_000):
        qtbot.mouseClick(dialog.predict_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10_000)
    _shot(dialog, "predict_next_periods")
    result = pd.read_csv(out)
    assert result.groupby("store").size().to_dict() == {s: 12 for s in STORES}
    assert {"prediction", "prediction_lower", "prediction_upper"} <= set(result.columns)
    assert "Wrote 36 rows" in dialog.status.text()
    dialog.close()


def _predict_dialog(models):
    from app.ui.registry.predict_dialog import PredictDialog

    found = [d for d in models.findChildren(PredictDialog) if d.isVisible()]
    return found[0] if found else None
