"""Register iteration… on a forecasting run, by clicks: an iteration other than the saved best is
rebuilt and registered, and the new version forecasts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.backends.local.workspace import LocalBackend
from app.ui.registry.register_iteration_dialog import RegisterIterationDialog

from tests.backends.forecasting.series_data import shop_table, shop_workspace
from tests.ui.clicks import choose

from .test_predict_dialog import click


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop_register")
    shop_workspace(root)
    return root


def test_a_forecasting_iteration_that_is_not_the_best_registers_by_clicks(qtbot, runner, shop):
    backend = LocalBackend(shop / "ws")
    run = backend.get_run(backend.list_runs(None)[0].run_id)
    naive = next(i for i in run.iterations if i.run_algorithm == "Naive")
    assert naive.iteration != run.best_iteration
    dialog = RegisterIterationDialog(backend, runner, run.run_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.iteration_combo.count() == len(run.iterations), timeout=10_000)
    choose(qtbot, dialog.iteration_combo, dialog.iteration_combo.itemText(
        dialog.iteration_combo.findData(naive.iteration)))
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "ShopNaive")
    with qtbot.waitSignal(dialog.registered, timeout=30_000) as done:
        click(qtbot, dialog.register_button)
    model = done.args[0]
    assert (model.name, model.iteration, model.properties["refitted"]) == ("ShopNaive", naive.iteration, True)
    assert backend.predict_next_periods("ShopNaive", None, 3, shop / "naive.csv")["rows"] == 3
    assert np.allclose(pd.read_csv(shop / "naive.csv").prediction, shop_table().sales.iloc[-1])   # Naive: the last value
