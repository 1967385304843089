"""Rolling-origin validation: full horizons after each origin, origins a step apart, no future seen."""
from __future__ import annotations

import numpy as np

from app.backends.local.automl.forecasting import features as feat
from app.backends.local.automl.forecasting.forecasters import Forecaster, RegressionForecaster
from app.backends.local.automl.forecasting.rolling import fold_cutoffs, rolling_forecasts
from app.backends.local.automl.forecasting.series import build_series
from app.core.forecasting import ForecastSettings

from tests.backends.forecasting.series_data import sales_table

H = 6


def _series(periods=60):
    fs = ForecastSettings.from_block({"time_column_name": "month", "time_series_id_column_names": ["store"],
                                      "forecast_horizon": H})
    series, _ = build_series(sales_table(periods=periods), fs, "sales", 3)
    return series


class Spy(Forecaster):
    """Remembers the last time of every history it was fitted on; forecasts the last value."""

    seen: list = []

    def fit(self, histories, deadline=None):
        self.last = {k: h.y[-1] for k, h in histories.items()}
        Spy.seen.append({k: (h.times[-1], len(h.y)) for k, h in histories.items()})
        return self

    def forecast(self, key, steps, future):
        return np.full(len(steps), self.last[key])


def test_origins_are_a_step_apart_and_the_last_leaves_one_horizon():
    cutoffs = fold_cutoffs({("A",): 60, ("B",): 50}, horizon=H, n_folds=3, step=4)
    assert [c[("A",)] for c in cutoffs] == [45, 49, 53]
    assert [c[("B",)] for c in cutoffs] == [35, 39, 43]


def test_each_origin_trains_on_the_past_only_and_scores_a_full_horizon():
    series = _series()
    rolling = rolling_forecasts(Spy, series, H, n_folds=3, step=4)
    assert len(Spy.seen) == 3
    for fold, seen in enumerate(Spy.seen):
        for j, key in enumerate(rolling.keys):
            last_train, n_train = seen[key]
            rows = (rolling.fold == fold) & (rolling.key_index == j)
            forecast_times = series.times[key][rolling.position[rows]]
            assert (forecast_times > last_train).all()          # no future leaks into training
            assert list(rolling.step[rows]) == list(range(1, H + 1))
            assert rolling.position[rows][0] == n_train        # the horizon starts right after the origin
    assert [s[("A",)][1] for s in Spy.seen] == [46, 50, 54]    # oldest origin first, never shuffled


def test_regression_features_read_nothing_after_the_origin():
    series = _series()
    key = ("A",)
    y = series.y[key]
    plan = feat.plan_features(12, H, None, "auto", "MS", ["promo"], series.keys, None, 60)
    t, k = np.array([40, 40]), np.array([1, 6])
    before = feat.rows(plan, key, y, 1.0, t, k, series.times[key][t + k], series.covariates[key].iloc[t + k])
    changed = y.copy()
    changed[41:] += 1000.0                      # the future changes; the features at origin 40 must not
    after = feat.rows(plan, key, changed, 1.0, t, k, series.times[key][t + k], series.covariates[key].iloc[t + k])
    assert np.array_equal(before, after)


def test_regression_learner_trains_only_on_targets_inside_the_history():
    series = _series()
    plan = feat.plan_features(12, H, None, "auto", "MS", [], series.keys, None, 60)
    model = RegressionForecaster("ElasticNet", {"alpha": 0.01}, plan)
    X, target = feat.training_rows(plan, ("A",), series.y[("A",)][:30], series.times[("A",)][:30],
                                   series.covariates[("A",)].iloc[:30], 1.0)
    # every (origin, step) row has its target within the 30 points given: sum over k of (30 - k)
    assert len(target) == sum(30 - k for k in range(1, H + 1))
    rolling = rolling_forecasts(lambda: model, series, H, n_folds=2, step=H)
    assert np.isfinite(rolling.pred).all() and len(rolling.pred) == 2 * 2 * H


def test_a_feature_unknown_at_forecast_time_is_read_at_the_origin_only():
    series = _series()
    key = ("A",)
    y, cov = series.y[key], series.covariates[key].copy()
    cov["footfall"] = np.arange(len(y), dtype=float)
    plan = feat.plan_features(12, H, None, "auto", "MS", ["promo"], series.keys, None, 60, at_origin=["footfall"])
    t, k = np.array([40, 40]), np.array([1, 6])

    def features(c):
        return feat.rows(plan, key, y, 1.0, t, k, series.times[key][t + k], c.iloc[t + k], c.iloc[t])

    before = features(cov)
    later = cov.copy()
    later.iloc[41:, later.columns.get_loc("footfall")] += 1000.0
    assert np.array_equal(before, features(later))            # its values after the origin are never read
    at = cov.copy()
    at.iloc[40, at.columns.get_loc("footfall")] += 1000.0
    assert not np.array_equal(before, features(at))           # its value at the origin is


def test_xgboost_trains_from_a_matrix_built_without_python_callbacks():
    # A QuantileDMatrix reads the array through a Python callback, where the iteration alarm's
    # timeout is swallowed by ctypes; the plain DMatrix has none.
    from xgboost import QuantileDMatrix

    from app.backends.local.automl.forecasting.forecasters import regressor

    model = regressor("XGBoostRegressor", {"n_estimators": 5, "max_depth": 2}, seed=0, n_jobs=1)
    X, y = np.random.default_rng(0).normal(size=(50, 3)), np.arange(50.0)
    assert not isinstance(model._create_dmatrix(None, data=X, label=y), QuantileDMatrix)
    assert np.isfinite(model.fit(X, y).predict(X)).all()


def test_statistical_models_fit_on_the_recent_history_and_the_baselines_on_all_of_it(monkeypatch):
    from app.backends.local.automl.forecasting import forecasters as fc

    lengths = {}

    def recording(cls):
        original = cls.path

        def path(self, y, h):
            lengths[cls.name] = len(y)
            return original(self, y, h)
        monkeypatch.setattr(cls, "path", path)

    for cls in (fc.ExponentialSmoothing, fc.AutoArima, fc.Average, fc.SeasonalNaive):
        recording(cls)
    n = fc.MODEL_HISTORY + 1500
    y = 20 + np.sin(2 * np.pi * np.arange(n) / 24) + np.random.default_rng(0).normal(0, 0.1, n)
    histories = {(): fc.History(y=y, times=None, covariates=None, scale=1.0)}
    for name in ("ExponentialSmoothing", "AutoArima", "Average", "SeasonalNaive"):
        fc.make_statistical(name, 24, 12, []).fit(histories)
    assert lengths == {"ExponentialSmoothing": fc.MODEL_HISTORY, "AutoArima": fc.MODEL_HISTORY,
                       "Average": n, "SeasonalNaive": n}
    # Azure's Average is the mean of the whole history
    assert fc.make_statistical("Average", 24, 3, []).fit(histories).paths[()][0] == np.mean(y)
