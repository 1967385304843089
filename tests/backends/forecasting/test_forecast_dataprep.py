"""A forecasting pipeline with the bundled data-prep step: 'next N periods' forecasts from the
covariates as the model saw them (already prepared), and a file of raw future rows is prepared first."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.cli import main

SPEC = """
experiment: promo_forecast
dataset: promo_ds
data_prep:
  script: bundled:dataprep
  options:
    encode: {campaign: [none, tv, radio]}
automl:
  task: forecasting
  label_column_name: sales
  iterations: 3
  experiment_timeout_minutes: 5
  allowed_models: [ElasticNet]
  enable_voting_ensemble: false
  n_cross_validations: 2
  forecasting:
    time_column_name: week
    forecast_horizon: 4
register:
  model_name: PromoForecast
"""


def _promo(weeks: int = 80) -> pd.DataFrame:
    i = np.arange(weeks)
    campaign = np.where(i % 5 == 4, "tv", np.where(i % 7 == 3, "radio", "none"))
    campaign[-1] = "tv"                      # the last known value, held for the next periods
    lift = np.select([campaign == "tv", campaign == "radio"], [40.0, 15.0], 0.0)
    sales = 100 + 0.2 * i + lift + np.random.default_rng(5).normal(0, 1, weeks)
    return pd.DataFrame({"week": pd.date_range("2020-01-06", periods=weeks, freq="W-MON").strftime("%Y-%m-%d"),
                         "campaign": campaign, "sales": sales.round(2)})


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("promo_ws")
    _promo().to_csv(root / "promo.csv", index=False)
    ws = str(root / "ws")
    assert main(["--workspace", ws, "datasets", "register", "promo_ds", str(root / "promo.csv")]) == 0
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    assert main(["--workspace", ws, "run", str(root / "spec.yaml")]) == 0
    return root


def _model(workspace: Path):
    from app.backends.local.workspace import LocalBackend

    record = LocalBackend(workspace / "ws").get_model("PromoForecast", 1)
    with open(record.path, "rb") as fh:
        return pickle.load(fh)


def test_next_periods_forecast_from_the_prepared_covariates(workspace, capsys):
    out = workspace / "next.csv"
    code = main(["--workspace", str(workspace / "ws"), "predict", "PromoForecast", "--periods", "4", "-o", str(out)])
    assert code == 0
    written = pd.read_csv(out)
    model = _model(workspace)
    expected = model.predict(model.future_frame(4))
    assert np.allclose(written.prediction, expected)
    assert "held at its last known value (as the data prep left it)" in capsys.readouterr().err


def test_raw_future_rows_are_prepared_first(workspace, capsys):
    future, out = workspace / "future.csv", workspace / "out.csv"
    weeks = pd.date_range("2021-07-19", periods=2, freq="W-MON").strftime("%Y-%m-%d")
    pd.DataFrame({"week": weeks, "campaign": ["tv", "none"]}).to_csv(future, index=False)
    assert main(["--workspace", str(workspace / "ws"), "predict", "PromoForecast", str(future),
                 "-o", str(out)]) == 0, capsys.readouterr().err
    written = pd.read_csv(out)
    assert written.campaign.tolist() == ["tv", "none"]
    tv, none = written.prediction
    assert tv > none + 5           # "tv" was read as its code, not as an unknown category
