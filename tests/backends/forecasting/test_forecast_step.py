"""The forecasting AutoML step as its own process: its outputs, and its time limits."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[3]


def _run(tmp_path, frame: pd.DataFrame, **settings):
    data, spec, out, events = (tmp_path / n for n in ("data.csv", "settings.json", "out", "events.jsonl"))
    frame.to_csv(data, index=False)
    spec.write_text(json.dumps({"task": "forecasting", "label_column_name": "y", "seed": 0, **settings}))
    started = time.time()
    result = subprocess.run([sys.executable, "-m", "app.backends.local.automl_step", "--data", str(data),
                             "--settings", str(spec), "--output-dir", str(out), "--step-run-id", "S",
                             "--events", str(events)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    lines = [json.loads(line) for line in events.read_text().splitlines()] if events.exists() else []
    return result, time.time() - started, out, lines


def _hourly(n: int = 3000) -> pd.DataFrame:
    i = np.arange(n)
    y = 10 + 3 * np.sin(2 * np.pi * i / 24) + np.random.default_rng(0).normal(0, 0.3, n)
    return pd.DataFrame({"t": pd.date_range("2024-01-01", periods=n, freq="h").astype(str), "y": y})


def test_an_iteration_past_its_timeout_is_stopped_and_the_search_goes_on(tmp_path):
    result, _, out, events = _run(tmp_path, _hourly(), iterations=3, iteration_timeout_minutes=0.01,
                                  allowed_models=["Naive", "AutoArima", "SeasonalNaive"],
                                  enable_voting_ensemble=False,
                                  forecasting={"time_column_name": "t", "forecast_horizon": 24})
    assert result.returncode == 0, result.stderr
    iterations = {e["run_algorithm"]: e for e in events if e["event"] == "iteration"}
    arima = iterations["AutoArima"]     # seasonal ARIMA on 3,000 hourly points takes far longer than 0.6 s
    assert arima["status"] == "Failed" and "at the iteration timeout" in arima["error"]
    assert arima["duration_s"] < 5
    assert iterations["Naive"]["status"] == iterations["SeasonalNaive"]["status"] == "Completed"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["best_algorithm"] == "SeasonalNaive" and summary["forecasting"]["freq"] == "h"
    assert summary["forecasting"]["seasonality"] == 24


def test_bad_series_data_exits_2_with_the_field(tmp_path):
    frame = _hourly(200)
    frame.loc[5, "t"] = frame.loc[4, "t"]
    result, _, _, _ = _run(tmp_path, frame, iterations=3, forecasting={"time_column_name": "t", "forecast_horizon": 5})
    assert result.returncode == 2
    assert "automl.forecasting.time_column_name: 1 duplicate timestamps" in result.stderr


def test_a_run_that_ends_without_a_model_exits_2_and_says_what_to_raise(tmp_path):
    # A timeout shorter than the process's own start: no iteration can finish, so the register
    # step would have nothing to register. The tabular step ends the same way.
    result, _, out, events = _run(tmp_path, _hourly(200), iterations=3, experiment_timeout_minutes=0.001,
                                  forecasting={"time_column_name": "t", "forecast_horizon": 5})
    assert result.returncode == 2
    assert "no model: no iteration finished" in result.stderr and "experiment_timeout_minutes" in result.stderr
    assert not (out / "model_data").exists()
    assert json.loads((out / "summary.json").read_text())["best_iteration"] is None
    assert events[-1]["event"] == "finished"


def test_a_feature_unknown_at_forecast_time_is_lagged_and_not_asked_for_in_the_future_rows(tmp_path):
    import pickle

    n = 120
    i = np.arange(n)
    y = 50 + 0.5 * i + 5 * np.sin(2 * np.pi * i / 12) + np.random.default_rng(0).normal(0, 1, n)
    frame = pd.DataFrame({"t": pd.date_range("2010-01-01", periods=n, freq="MS").astype(str), "y": y,
                          "promo": (i % 3 == 0).astype(float), "footfall": np.roll(y, -1)})
    result, _, out, _ = _run(tmp_path, frame, iterations=2, allowed_models=["ElasticNet"],
                             enable_voting_ensemble=False,
                             forecasting={"time_column_name": "t", "forecast_horizon": 6,
                                          "features_unknown_at_forecast_time": ["footfall"]})
    assert result.returncode == 0, result.stderr
    with open(out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    assert model.required_columns == ["t", "promo"]
    assert "x_footfall_at_origin" in model.forecaster.hyperparameters()["features"]
    future = pd.DataFrame({"t": pd.date_range("2020-01-01", periods=6, freq="MS"), "promo": 0.0})
    assert np.isfinite(model.predict(future)).all()


def test_the_voting_ensemble_is_never_worse_on_the_rolling_origins_than_its_best_member(tmp_path):
    n = 96
    i = np.arange(n)
    y = 100 + 10 * np.sin(2 * np.pi * i / 12) + 0.3 * i + np.random.default_rng(1).normal(0, 3, n)
    frame = pd.DataFrame({"t": pd.date_range("2012-01-01", periods=n, freq="MS").astype(str), "y": y})
    result, _, _, events = _run(tmp_path, frame, iterations=5,
                                allowed_models=["Naive", "SeasonalNaive", "Average", "SeasonalAverage"],
                                forecasting={"time_column_name": "t", "forecast_horizon": 6})
    assert result.returncode == 0, result.stderr
    done = [e for e in events if e["event"] == "iteration" and e["status"] == "Completed"]
    ensemble = next(e for e in done if e["run_algorithm"] == "VotingEnsemble")
    members = {e["iteration"]: e for e in done if e["run_algorithm"] != "VotingEnsemble"}
    chosen = [members[int(k)] for k in ensemble["hyperparameters"]["ensembled_iterations"]]
    assert all(w >= 1 and float(w).is_integer() for w in ensemble["hyperparameters"]["ensemble_weights"])
    mae = "normalized_mean_absolute_error"
    assert ensemble["metrics"][mae] <= min(e["metrics"][mae] for e in members.values()) + 1e-12
    assert {e["run_algorithm"] for e in chosen} <= {"Naive", "SeasonalNaive", "Average", "SeasonalAverage"}


def _daily_sales_with_holiday_peaks(last: str) -> pd.DataFrame:
    """Daily sales with a weekly pattern up to `last`; US federal holidays sell three times as much."""
    import holidays

    times = pd.date_range("2021-01-01", last, freq="D")
    days = holidays.country_holidays("US", years=[2021, 2022, 2023])
    peak = times.normalize().isin(pd.DatetimeIndex(list(days.keys())))
    rng = np.random.default_rng(4)
    y = 100 + 10 * (times.dayofweek >= 5) + 200 * peak + rng.normal(0, 3, len(times))
    return pd.DataFrame({"t": times.astype(str), "y": y})


def test_holidays_of_the_given_country_are_features_and_the_forecast_peaks_on_them(tmp_path):
    """Thanksgiving moves (Nov 25, 24 and 23 in 2021-2023), so only the holiday feature, not the
    day of the year, tells the model that Nov 23, 2023 sells like a holiday."""
    import pickle

    result, _, out, events = _run(tmp_path, _daily_sales_with_holiday_peaks("2023-11-16"), iterations=2,
                                  allowed_models=["LightGBM"], enable_voting_ensemble=False,
                                  forecasting={"time_column_name": "t", "forecast_horizon": 14,
                                               "country_or_region_for_holidays": "us"})
    assert result.returncode == 0, result.stderr
    assert not [e for e in events if e["event"] == "warning" and "holiday" in e["message"]]
    with open(out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    assert "holiday" in model.forecaster.hyperparameters()["features"]
    future = pd.DataFrame({"t": pd.date_range("2023-11-17", periods=14, freq="D")})
    forecast = np.asarray(model.predict(future))
    thanksgiving = 23 - 17
    assert forecast[thanksgiving] > np.max(np.delete(forecast, thanksgiving)) + 50, forecast


def test_holidays_on_monthly_data_are_left_out_and_said_so(tmp_path):
    n = 60
    frame = pd.DataFrame({"t": pd.date_range("2015-01-01", periods=n, freq="MS").astype(str),
                          "y": 10 + np.arange(n) % 12})
    result, _, _, events = _run(tmp_path, frame, iterations=2, allowed_models=["Naive", "SeasonalNaive"],
                                enable_voting_ensemble=False,
                                forecasting={"time_column_name": "t", "forecast_horizon": 6,
                                             "country_or_region_for_holidays": "DE"})
    assert result.returncode == 0, result.stderr
    said = [e["message"] for e in events if e["event"] == "warning" and "holiday" in e["message"]]
    assert len(said) == 1 and "daily and hourly data only" in said[0], said


def test_next_periods_of_a_yearly_series_keep_its_years_as_numbers(tmp_path):
    import pickle

    years = np.arange(1950, 2000)
    frame = pd.DataFrame({"year": years, "y": 100 + 2.0 * (years - 1950) + np.random.default_rng(2).normal(0, 1, 50)})
    result, _, out, _ = _run(tmp_path, frame, iterations=2, allowed_models=["Naive", "ExponentialSmoothing"],
                             forecasting={"time_column_name": "year", "forecast_horizon": 5})
    assert result.returncode == 0, result.stderr
    with open(out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    future = model.future_frame(3)
    assert future["year"].tolist() == [2000, 2001, 2002]
    assert np.isfinite(model.predict(future)).all()


def test_settings_the_data_leaves_without_effect_are_said_as_warnings(tmp_path):
    n = 40
    frame = pd.DataFrame({"t": pd.date_range("2015-01-01", periods=n, freq="MS").astype(str),
                          "y": 10 + np.arange(n) + np.random.default_rng(4).normal(0, 1, n)})
    result, _, _, events = _run(tmp_path, frame, iterations=2, allowed_models=["Naive", "ElasticNet"],
                                enable_voting_ensemble=False,
                                forecasting={"time_column_name": "t", "forecast_horizon": 4, "seasonality": 30,
                                             "target_rolling_window_size": 60})
    assert result.returncode == 0, result.stderr
    warned = " | ".join(e["message"] for e in events if e["event"] == "warning")
    assert "seasonality (30 periods) has no effect: it needs series of at least 60 points and the shortest has 40" \
        in warned
    assert "target_rolling_window_size 60 is longer than the shortest series (40 points)" in warned


def test_a_weight_column_is_not_a_feature_and_the_future_rows_need_not_carry_it(tmp_path):
    import pickle

    n = 120
    i = np.arange(n)
    y = 50 + 0.5 * i + 5 * np.sin(2 * np.pi * i / 12) + np.random.default_rng(0).normal(0, 1, n)
    frame = pd.DataFrame({"t": pd.date_range("2010-01-01", periods=n, freq="MS").astype(str), "y": y,
                          "promo": (i % 3 == 0).astype(float), "w": np.linspace(0.5, 2, n)})
    result, _, out, events = _run(tmp_path, frame, iterations=2, allowed_models=["ElasticNet"],
                                  enable_voting_ensemble=False, weight_column_name="w",
                                  forecasting={"time_column_name": "t", "forecast_horizon": 6})
    assert result.returncode == 0, result.stderr
    with open(out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    assert model.required_columns == ["t", "promo"]
    warnings = [e["message"] for e in events if e["event"] == "warning"]
    assert any("does not weight rows; column 'w' was left out of the features" in m for m in warnings)


def test_future_covariate_values_unseen_in_training_or_missing_are_said_and_read_as_the_last_known(tmp_path):
    import pickle

    n = 96
    i = np.arange(n)
    weather = np.array(["sunny", "rainy", "cloudy"])[i % 3]
    y = 80 + 0.4 * i + 6 * (weather == "sunny") + np.random.default_rng(2).normal(0, 1, n)
    frame = pd.DataFrame({"t": pd.date_range("2015-01-01", periods=n, freq="MS").astype(str), "y": y,
                          "promo": (i % 4 == 0).astype(float), "weather": weather})
    result, _, out, _ = _run(tmp_path, frame, iterations=2, allowed_models=["ElasticNet"],
                             enable_voting_ensemble=False,
                             forecasting={"time_column_name": "t", "forecast_horizon": 4})
    assert result.returncode == 0, result.stderr
    with open(out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    future = pd.DataFrame({"t": pd.date_range("2023-01-01", periods=3, freq="MS"), "promo": [0.0, None, 1.0],
                           "weather": ["snowy", "sunny", None]})
    assert model.future_warnings(future) == [
        "promo: 1 row has no value; each series' last known value was used",
        "weather: 'snowy' not in the training data (it had cloudy, rainy, sunny); read as each series' last known value",
        "weather: 1 row has no value; each series' last known value was used"]
    known = future.assign(promo=[0.0, 0.0, 1.0], weather=["cloudy", "sunny", "cloudy"])   # 2022-12 was cloudy
    assert np.allclose(model.predict(future), model.predict(known))
    assert model.future_warnings(known) == []
