"""A single-series forecasting model in the Models tab: its details say what it forecasts, and in
the Predict dialog, where its future rows are its time column alone, "next N periods" and a
one-column file of future times both forecast."""
from __future__ import annotations

import os

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.backends.local.workspace import LocalBackend
from app.ui.registry.predict_dialog import PredictDialog

from tests.backends.forecasting.series_data import shop_workspace

from .test_predict_dialog import choose_data, click

SHOTS = os.environ.get("AUTOML_DESK_SCREENSHOTS")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop")
    shop_workspace(root)
    return root


@pytest.fixture
def dialog(qtbot, runner, shop):
    backend = LocalBackend(shop / "ws")
    dialog = PredictDialog(backend, backend.get_model("ShopForecast", 1), runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.periods.maximum() == 6, timeout=10_000)
    return dialog


def _predict(qtbot, dialog) -> dict:
    with qtbot.waitSignal(dialog.predicted, timeout=30_000) as done:
        click(qtbot, dialog.predict_button)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    return done.args[0]


def test_next_periods_of_one_series(qtbot, dialog, shop):
    click(qtbot, dialog.next_periods)
    dialog.periods.lineEdit().selectAll()
    qtbot.keyClicks(dialog.periods.lineEdit(), "4")
    out = shop / "next4.csv"
    qtbot.keyClicks(dialog.output_edit, str(out))
    assert _predict(qtbot, dialog)["rows"] == 4
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "predict_single_series.png"))
    result = pd.read_csv(out)
    assert list(result.month) == ["2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01"]
    assert "Wrote 4 rows" in dialog.status.text() and dialog.warnings.isHidden()


def test_a_file_of_future_times_alone(qtbot, dialog, shop, monkeypatch):
    future = shop / "future_times.csv"
    future.write_text("month\n2021-05-01\n2021-06-01\n", encoding="utf-8")
    choose_data(qtbot, dialog, future, monkeypatch)
    assert _predict(qtbot, dialog)["rows"] == 2
    assert list(pd.read_csv(dialog.output_edit.text()).columns) == ["month", "prediction", "prediction_lower",
                                                                    "prediction_upper"]


def test_the_details_say_what_the_model_forecasts(qtbot, open_models_view, shop):
    view = open_models_view(LocalBackend(shop / "ws"))
    qtbot.mouseClick(view.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.view.visualRect(view.proxy.index(0, 0)).center())
    qtbot.waitUntil(lambda: "Forecasts" in view.details.toPlainText(), timeout=10_000)
    assert "6 periods of MS (inferred) · 1 series · time column month" in view.details.toPlainText()
    if SHOTS:
        view.grab().save(os.path.join(SHOTS, "models_forecasting_details.png"))
