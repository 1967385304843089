"""Forecasting settings and data: one message at the field for each problem."""
from __future__ import annotations

import pandas as pd
import pytest

from app.backends.local.automl.forecasting.series import build_series, check_table
from app.core.forecasting import ForecastSettings
from app.core.spec import spec_from_dict
from app.core.validation import validate_spec

from tests.backends.forecasting.series_data import sales_table


def _problems(block: dict, **automl) -> dict[str, str]:
    spec = spec_from_dict({"experiment": "e", "dataset": "d", "automl": {
        "task": "forecasting", "label_column_name": "sales", "forecasting": block, **automl}})
    return {p.path: p.message for p in validate_spec(spec) if p.level == "error"}


@pytest.mark.parametrize("block, path, words", [
    ({}, "automl.forecasting.time_column_name", "is required"),
    ({"time_column_name": ["month"]}, "automl.forecasting.time_column_name", "one column name (a string), not a list"),
    ({"time_column_name": "sales"}, "automl.forecasting.time_column_name", "cannot be the label"),
    ({"time_column_name": "month", "forecast_horizon": 0}, "automl.forecasting.forecast_horizon", "at least 1"),
    ({"time_column_name": "month", "freq": "fortnightly"}, "automl.forecasting.freq", "not a frequency"),
    ({"time_column_name": "month", "seasonality": "yearly"}, "automl.forecasting.seasonality", "'auto'"),
    ({"time_column_name": "month", "short_series_handling_configuration": "stretch"},
     "automl.forecasting.short_series_handling_configuration", "'pad', 'drop'"),
    ({"time_column_name": "month", "target_lags": [0, 1]}, "automl.forecasting.target_lags", "list of them"),
    ({"time_column_name": "month", "time_series_id_column_names": ["month"]},
     "automl.forecasting.time_series_id_column_names", "cannot include"),
    ({"time_column_name": "month", "grain": "store"}, "automl.forecasting.grain", "unknown ForecastingParameters"),
    ({"time_column_name": "month", "country_or_region_for_holidays": "ZZ"},
     "automl.forecasting.country_or_region_for_holidays", "no holiday calendar is known for 'ZZ'"),
])
def test_block_problems_are_reported_at_their_field(block, path, words):
    problems = _problems(block)
    assert path in problems and words in problems[path]


def test_forecasting_metrics_and_the_default():
    spec = spec_from_dict({"experiment": "e", "dataset": "d", "automl": {
        "task": "forecasting", "label_column_name": "sales", "forecasting": {"time_column_name": "month"}}})
    assert spec.automl.metric == "normalized_root_mean_squared_error"
    assert "accuracy" in _problems({"time_column_name": "month"}, primary_metric="accuracy")[
        "automl.primary_metric"]
    assert _problems({"time_column_name": "month"}, primary_metric="normalized_mean_absolute_error") == {}


def test_statistical_models_may_be_allowed_locally():
    assert _problems({"time_column_name": "month"}, allowed_models=["SeasonalNaive", "AutoArima", "LightGBM"]) == {}
    assert "automl.allowed_models" in _problems({"time_column_name": "month"}, allowed_models=["Prophet"])


def _check(frame, **block) -> dict[str, str]:
    fs = ForecastSettings.from_block({"time_column_name": "month", "time_series_id_column_names": ["store"],
                                      "forecast_horizon": 6, **block})
    return {p.path: p.message for p in check_table(frame, fs, "sales", 3)}


def test_a_time_column_that_does_not_parse():
    frame = sales_table()
    frame.loc[5, "month"] = "sometime in May"
    assert "like 'sometime in May'" in _check(frame)["automl.forecasting.time_column_name"]


def test_duplicate_timestamps_within_a_series():
    frame = sales_table()
    frame.loc[3, "month"] = frame.loc[2, "month"]
    message = _check(frame)["automl.forecasting.time_column_name"]
    assert "1 duplicate timestamps of series A" in message and "2015-03-01" in message
    # The same table read as a single series has duplicates everywhere: the message says why.
    fs = ForecastSettings.from_block({"time_column_name": "month", "forecast_horizon": 6})
    single = {p.path: p.message for p in check_table(sales_table(), fs, "sales", 3)}
    assert "set time_series_id_column_names" in single["automl.forecasting.time_column_name"]


def test_a_horizon_longer_than_the_series_allow():
    message = _check(sales_table(periods=20), forecast_horizon=18)["automl.forecasting.forecast_horizon"]
    assert "at least 24 points" in message and "longest has 20" in message


def test_gaps_that_no_frequency_explains():
    frame = sales_table()
    frame.loc[frame.index[10], "month"] = "2015-11-17"
    assert "follow no regular frequency" in _check(frame)["automl.forecasting.time_column_name"]
    assert "not on the 'W' grid" in _check(sales_table(), freq="W")["automl.forecasting.freq"]


def test_frequency_inferred_and_shown_and_missing_timestamps_filled():
    frame = sales_table().drop(index=[7, 8])
    fs = ForecastSettings.from_block({"time_column_name": "month", "time_series_id_column_names": ["store"],
                                      "forecast_horizon": 6})
    series, problems = build_series(frame, fs, "sales", 3)
    assert series.freq == "MS" and series.freq_inferred
    assert any(p.path == "automl.forecasting.freq" and "inferred 'MS'" in p.message for p in problems)
    assert series.filled == {("A",): 2} and len(series.y[("A",)]) == 60
    assert series.y[("A",)][7] == pytest.approx((frame.loc[6, "sales"] * 2 + frame.loc[9, "sales"]) / 3)


def test_short_series_are_dropped_padded_or_refused():
    frame = pd.concat([sales_table(), sales_table(periods=12, stores=("C",))])
    dropped = _check(frame)["automl.forecasting.short_series_handling_configuration"]
    assert "1 short series were left out" in dropped and "series C (12)" in dropped
    refused = _check(frame, short_series_handling_configuration=None)
    assert "shorter than the" in refused["automl.forecasting.short_series_handling_configuration"]
    padded = _check(frame, short_series_handling_configuration="pad")
    assert "padded at the start" in padded["automl.forecasting.short_series_handling_configuration"]


def test_whole_years_read_as_years():
    frame = pd.DataFrame({"year": range(1900, 1960), "flow": [float(i % 7) for i in range(60)]})
    fs = ForecastSettings.from_block({"time_column_name": "year", "forecast_horizon": 5})
    series, problems = build_series(frame, fs, "flow", 3)
    assert series.freq.startswith("YS") and not [p for p in problems if p.level == "error"]


def test_the_bundled_forecasting_example_is_valid_for_its_bundled_data():
    from app import locator
    from app.core.spec import load_spec

    spec = load_spec(locator.resource("examples/us_macro_forecast.yaml"))
    assert [p for p in validate_spec(spec) if p.level == "error"] == []
    frame = pd.read_csv(locator.resource("us_macro_quarterly.csv"))
    fs = ForecastSettings.from_block(spec.automl.forecasting)
    problems = check_table(frame, fs, spec.automl.label_column_name, spec.automl.n_cross_validations)
    assert [str(p) for p in problems] == ["warning: automl.forecasting.freq: not set; inferred 'QS-OCT' from the data"]


def test_settings_kept_for_azure_are_accepted_with_a_warning_locally():
    spec = spec_from_dict({"experiment": "e", "dataset": "d", "automl": {
        "task": "forecasting", "label_column_name": "sales",
        "forecasting": {"time_column_name": "month", "feature_lags": "auto", "use_stl": "season"}}})
    warnings = {p.path for p in validate_spec(spec) if p.level == "warning"}
    assert {"automl.forecasting.feature_lags", "automl.forecasting.use_stl"} <= warnings
    assert not [p for p in validate_spec(spec, target="azure") if p.path.startswith("automl.forecasting")]


def test_a_feature_unknown_at_forecast_time_that_is_not_in_the_data():
    message = _check(sales_table(), features_unknown_at_forecast_time=["footfall"])
    assert message["automl.forecasting.features_unknown_at_forecast_time"] == "column 'footfall' is not in the data"


@pytest.mark.parametrize("options, path, words", [
    ({"drop": ["month"]}, "automl.forecasting.time_column_name",
     "column 'month' is dropped by the data prep (data_prep.options.drop); stop dropping it there"),
    ({"drop": ["store"]}, "automl.forecasting.time_series_id_column_names", "column 'store' is dropped"),
    ({"encode": {"month": []}}, "automl.forecasting.time_column_name", "is encoded by the data prep"),
    ({"quantile_bins": {"month": 4}}, "automl.forecasting.time_column_name", "so it no longer holds dates"),
])
def test_a_data_prep_that_takes_the_time_column_or_an_id_away_is_refused_at_the_forecasting_field(options, path,
                                                                                                 words):
    spec = spec_from_dict({"experiment": "e", "dataset": "d",
                           "data_prep": {"script": "bundled:dataprep", "options": options},
                           "automl": {"task": "forecasting", "label_column_name": "sales", "forecasting": {
                               "time_column_name": "month", "time_series_id_column_names": ["store"]}}})
    problems = {p.path: p.message for p in validate_spec(spec) if p.level == "error"}
    assert words in problems[path]
    spec.data_prep.options = {"drop": ["promo"], "encode": {"store": []}}
    assert not [p for p in validate_spec(spec) if p.level == "error"]


def test_older_frequency_names_read_as_pandas_current_ones_without_warnings():
    import warnings

    from app.core.forecasting import canonical_freq

    assert [canonical_freq(f) for f in ("M", "H", "T", "A", "MS", "monthly")] == ["ME", "h", "min", "YE-DEC", "MS",
                                                                               "monthly"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ForecastSettings.from_block({"time_column_name": "t", "freq": "H"}).freq == "h"
        assert "automl.forecasting.freq" not in _problems({"time_column_name": "month", "freq": "M"})
