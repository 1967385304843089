"""The forecasting algorithms, by Azure's names: fit on histories, forecast steps 1..h per series.

Statistical models (Naive … AutoArima, Arimax) fit each series on its own, with statsforecast
for the model-based ones; the regression learners fit one model across all series over the
features of `features`. Every forecaster has `fit(histories, deadline)` and
`forecast(key, steps, future_covariates)`, so the rolling-origin validation, the ensemble and
the registered model treat them alike.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.backends.local.automl.forecasting import features as feat

STATISTICAL = ("Naive", "SeasonalNaive", "Average", "SeasonalAverage", "ExponentialSmoothing",
               "AutoArima", "Arimax")
REGRESSION = ("LightGBM", "ElasticNet", "RandomForest", "ExtremeRandomTrees", "XGBoostRegressor")


# The model-based statistical forecasters fit on at most this many recent points of each series.
# Their forecasts follow the recent states, while the fit time grows with the length: on 8,700
# hourly points (sf-temps) AutoARIMA took 7-11 s a fit on all of them and 1.1 s on the last 2,000,
# with a lower MAE on each of the last three horizons; AutoETS took 5-6 s against 1.1 s, with
# about the same MAE (0.090 / 0.048 / 0.050 against 0.099 / 0.043 / 0.052). Shorter series are
# fitted whole.
MODEL_HISTORY = 2000


class IterationTimeout(Exception):
    """The iteration ran past its deadline (iteration or experiment timeout)."""


@dataclass
class History:
    y: np.ndarray
    times: pd.DatetimeIndex
    covariates: pd.DataFrame
    scale: float


def histories_upto(series, cutoffs: dict[tuple, int]) -> dict[tuple, History]:
    """Each series' history through position `cutoffs[key]` (inclusive) — nothing later is seen."""
    out = {}
    for key, end in cutoffs.items():
        y = series.y[key][:end + 1]
        out[key] = History(y=y, times=series.times[key][:end + 1], covariates=series.covariates[key].iloc[:end + 1],
                           scale=feat.scale_of(y))
    return out


def _check(deadline: float | None) -> None:
    if deadline is not None and time.time() > deadline:
        raise IterationTimeout()


class Forecaster:
    name = ""
    uses_covariates = False

    def fit(self, histories: dict[tuple, History], deadline: float | None = None) -> "Forecaster":
        raise NotImplementedError

    def forecast(self, key: tuple, steps: np.ndarray, future: pd.DataFrame | None) -> np.ndarray:
        """Forecasts for `steps` (1-based periods after the history's end); `future` holds the
        covariates at those steps, one row per step."""
        raise NotImplementedError

    def forecast_many(self, requests: list[tuple]) -> list[np.ndarray]:
        """`forecast(key, steps, future)` of each request, in order. One model across all series
        answers them in one call: a call per series costs its fixed overhead thousands of times."""
        return [np.asarray(self.forecast(key, steps, future), dtype=float) for key, steps, future in requests]

    def hyperparameters(self) -> dict:
        return {}


class _PathForecaster(Forecaster):
    """Models whose forecast path from the end of each history is fixed at fit time."""

    history: int | None = None      # points of history the model fits on; None: all

    def __init__(self, season: int = 1, horizon: int = 1):
        self.season, self.horizon = season, horizon
        self.paths: dict[tuple, np.ndarray] = {}

    def fit(self, histories, deadline=None):
        self.paths = {}
        for key, h in histories.items():
            _check(deadline)
            y = h.y[-self.history:] if self.history else h.y
            self.paths[key] = np.asarray(self.path(y, self.horizon), dtype=float)
        return self

    def path(self, y: np.ndarray, h: int) -> np.ndarray:
        raise NotImplementedError

    def forecast(self, key, steps, future):
        return self.paths[key][np.asarray(steps) - 1]

    def hyperparameters(self) -> dict:
        return {"season_length": self.season}


class Naive(_PathForecaster):
    name = "Naive"

    def path(self, y, h):
        return np.full(h, y[-1])


class SeasonalNaive(_PathForecaster):
    name = "SeasonalNaive"

    def path(self, y, h):
        m = self.season if len(y) >= self.season else 1
        return np.array([y[len(y) - m + (k % m)] for k in range(h)])


class Average(_PathForecaster):
    name = "Average"

    def path(self, y, h):
        return np.full(h, float(np.mean(y)))


class SeasonalAverage(_PathForecaster):
    name = "SeasonalAverage"

    def path(self, y, h):
        m = self.season
        n = len(y)
        return np.array([np.mean(y[(n + k) % m::m]) for k in range(h)])


class ExponentialSmoothing(_PathForecaster):
    """statsforecast's AutoETS (error, trend and season forms chosen by AICc), or with
    method "theta" its AutoTheta: simple exponential smoothing with drift on the
    seasonally adjusted series (the Theta method)."""

    name = "ExponentialSmoothing"
    history = MODEL_HISTORY

    def __init__(self, season: int = 1, horizon: int = 1, method: str = "ets"):
        super().__init__(season, horizon)
        self.method = method

    def hyperparameters(self) -> dict:
        return {"season_length": self.season, "method": self.method}

    def path(self, y, h):
        from statsforecast.models import AutoETS, AutoTheta

        m = self.season if len(y) >= 2 * self.season else 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "theta":
                try:
                    return AutoTheta(season_length=m).forecast(y=y.astype(float), h=h)["mean"]
                except (NotImplementedError, ValueError, ZeroDivisionError):
                    return AutoTheta(season_length=1).forecast(y=y.astype(float), h=h)["mean"]
            for model in ("ZZZ", "ZZN", "ANN"):     # fewer components when the series is too short for more
                try:
                    return AutoETS(season_length=m, model=model).forecast(y=y.astype(float), h=h)["mean"]
                except (NotImplementedError, ValueError):
                    continue
            return np.full(h, y[-1])


def _arima(season: int, n: int):
    from statsforecast.models import AutoARIMA

    m = season if n >= 2 * season else 1
    # Small orders and the approximate likelihood keep a fit within seconds on long seasonal series.
    return AutoARIMA(season_length=m, max_p=3, max_q=3, max_P=1, max_Q=1, nmodels=30, approximation=n > 150)


class AutoArima(_PathForecaster):
    name = "AutoArima"
    history = MODEL_HISTORY

    def path(self, y, h):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _arima(self.season, len(y)).forecast(y=y.astype(float), h=h)["mean"]


class Arimax(Forecaster):
    """AutoArima with the numeric covariates as regressors; their future values must be given."""

    name = "Arimax"
    uses_covariates = True

    def __init__(self, season: int = 1, covariates: list[str] | None = None):
        self.season = season
        self.covariates = list(covariates or [])
        self.models: dict[tuple, object] = {}
        self.last_x: dict[tuple, np.ndarray] = {}

    def fit(self, histories, deadline=None):
        self.models = {}
        for key, h in histories.items():
            _check(deadline)
            X = h.covariates[self.covariates].to_numpy(dtype=float)[-MODEL_HISTORY:]
            y = h.y[-MODEL_HISTORY:].astype(float)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.models[key] = _arima(self.season, len(y)).fit(y, X)
            self.last_x[key] = X[-1]
        return self

    def forecast(self, key, steps, future):
        steps = np.asarray(steps)
        n = int(steps.max())
        X = np.tile(self.last_x[key], (n, 1))      # steps the future frame does not give repeat the last values
        if future is not None:
            given = future[self.covariates].to_numpy(dtype=float)
            X[steps - 1] = np.where(np.isnan(given), X[steps - 1], given)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            path = self.models[key].predict(h=n, X=X)["mean"]
        return np.asarray(path)[steps - 1]

    def hyperparameters(self) -> dict:
        return {"season_length": self.season, "covariates": self.covariates}


def regressor(name: str, params: dict, seed: int, n_jobs: int):
    """A fresh estimator for a regression learner with `params`."""
    if name == "LightGBM":
        from lightgbm import LGBMRegressor

        return LGBMRegressor(random_state=seed, n_jobs=n_jobs, verbose=-1, **params)
    if name == "XGBoostRegressor":
        from app.backends.local.automl.forecasting.plain_xgboost import PlainXGBRegressor

        return PlainXGBRegressor(random_state=seed, n_jobs=n_jobs, **params)
    if name == "RandomForest":
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(random_state=seed, n_jobs=n_jobs, **params)
    if name == "ExtremeRandomTrees":
        from sklearn.ensemble import ExtraTreesRegressor

        return ExtraTreesRegressor(random_state=seed, n_jobs=n_jobs, **params)
    if name == "ElasticNet":
        from sklearn.linear_model import ElasticNet
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), ElasticNet(random_state=seed, max_iter=5000, **params))
    raise ValueError(f"unknown regression learner {name}")


class RegressionForecaster(Forecaster):
    """One regression model across all series over lag, window and calendar features."""

    uses_covariates = True

    def __init__(self, name: str, params: dict, plan: feat.FeaturePlan, seed: int = 0, n_jobs: int = 1):
        self.name, self.params, self.plan, self.seed, self.n_jobs = name, dict(params), plan, seed, n_jobs
        self.model = None
        self.histories: dict[tuple, History] = {}

    def fit(self, histories, deadline=None):
        _check(deadline)
        X, target = feat.stack_training(self.plan, histories, self.seed)
        self.model = regressor(self.name, self.params, self.seed, self.n_jobs).fit(X, target)
        _check(deadline)
        self.histories = {k: History(h.y[-self._memory():], h.times[-self._memory():],
                                     h.covariates.iloc[-1:], h.scale) for k, h in histories.items()}
        return self

    def _memory(self) -> int:
        """Points of history the features read back from the origin."""
        return max([*self.plan.lags, self.plan.window, 2 * self.plan.season, 4]) + 1

    def forecast(self, key, steps, future):
        return self.forecast_many([(key, steps, future)])[0]

    def forecast_many(self, requests):
        """All requests' feature rows in one matrix, one predict call, then split back."""
        blocks, histories = [], []
        for key, steps, future in requests:
            h = self.histories[key]
            steps = np.asarray(steps)
            t = np.full(len(steps), len(h.y) - 1)
            target_times = pd.date_range(h.times[-1], periods=int(steps.max()) + 1, freq=self.plan.freq)[steps]
            origin = h.covariates.iloc[np.zeros(len(steps), dtype=int)] if self.plan.at_origin else None
            blocks.append(feat.rows(self.plan, key, h.y, h.scale, t, steps, target_times, future, origin))
            histories.append(h)
        if not blocks:
            return []
        scaled = np.split(self.model.predict(np.vstack(blocks)), np.cumsum([len(b) for b in blocks])[:-1])
        return [h.y[-1] + h.scale * part for h, part in zip(histories, scaled)]

    def hyperparameters(self) -> dict:
        return {**self.params, "features": self.plan.columns()}


class VotingEnsemble(Forecaster):
    """Weighted average of fitted members (weights from greedy selection on rolling origins)."""

    name = "VotingEnsemble"

    def __init__(self, members: list[tuple[str, Forecaster]], weights: list[float], fitted: set[str] = frozenset()):
        """`fitted`: the names of members already fitted on the histories the ensemble's first
        fit is given; that fit leaves them as they are."""
        self.members, self.weights = members, weights
        self.uses_covariates = any(m.uses_covariates for _, m in members)
        self._fitted = set(fitted)

    def fit(self, histories, deadline=None):
        for name, member in self.members:
            if name not in self._fitted:
                member.fit(histories, deadline)
        self._fitted = set()            # a later fit, on other histories, fits every member
        return self

    def forecast(self, key, steps, future):
        return self.forecast_many([(key, steps, future)])[0]

    def forecast_many(self, requests):
        total = [np.zeros(len(steps)) for _, steps, _ in requests]
        for (_, member), w in zip(self.members, self.weights):
            total = [t + w * part for t, part in zip(total, member.forecast_many(requests))]
        return [t / float(sum(self.weights)) for t in total]

    def hyperparameters(self) -> dict:
        return {"ensembled_iterations": [name for name, _ in self.members], "ensemble_weights": self.weights}


def make_statistical(name: str, season: int, horizon: int, covariates: list[str],
                     params: dict | None = None) -> Forecaster:
    if name == "Arimax":
        return Arimax(season, covariates)
    if name == "ExponentialSmoothing":
        return ExponentialSmoothing(season, horizon, **(params or {}))
    cls = {"Naive": Naive, "SeasonalNaive": SeasonalNaive, "Average": Average, "SeasonalAverage": SeasonalAverage,
           "ExponentialSmoothing": ExponentialSmoothing, "AutoArima": AutoArima}[name]
    return cls(season, horizon)
