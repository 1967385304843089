""""Forecast the next N periods" starts at the model's whole horizon, here 14 (it started at 12
whatever the horizon), and a number the user typed before the horizon was known is kept."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from app.backends.local.workspace import LocalBackend
from app.ui.registry import predict_dialog
from app.ui.registry.predict_dialog import PredictDialog

from tests.backends.forecasting.series_data import shop_workspace

from .test_predict_dialog import click


@pytest.fixture(scope="module")
def shop14(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop14")
    shop_workspace(root, horizon=14)
    return root


def _dialog(qtbot, runner, root) -> PredictDialog:
    backend = LocalBackend(root / "ws")
    dialog = PredictDialog(backend, backend.get_model("ShopForecast", 1), runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_next_periods_forecasts_the_whole_horizon_unless_told_otherwise(qtbot, runner, shop14):
    dialog = _dialog(qtbot, runner, shop14)
    qtbot.waitUntil(lambda: dialog.periods.maximum() == 14, timeout=10_000)
    assert dialog.periods.value() == 14 and "at most 14" in dialog.horizon_note.text()
    click(qtbot, dialog.next_periods)
    out = shop14 / "next.csv"
    qtbot.keyClicks(dialog.output_edit, str(out))
    with qtbot.waitSignal(dialog.predicted, timeout=30_000):
        click(qtbot, dialog.predict_button)
    assert len(pd.read_csv(out)) == 14


def test_a_number_typed_before_the_horizon_is_known_is_kept(qtbot, runner, shop14, monkeypatch):
    release = threading.Event()
    real = predict_dialog.forecast_horizon_of

    def held(*args, **kwargs):  # the job's thread: the horizon arrives only after the user has typed
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(predict_dialog, "forecast_horizon_of", held)
    dialog = _dialog(qtbot, runner, shop14)
    click(qtbot, dialog.next_periods)
    dialog.periods.lineEdit().selectAll()
    qtbot.keyClicks(dialog.periods.lineEdit(), "5")
    release.set()
    qtbot.waitUntil(lambda: dialog.periods.maximum() == 14, timeout=10_000)
    assert dialog.periods.value() == 5
