"""Which iterations a forecasting run tries, in order: baselines, fast statistical models, the
regression learners with tried defaults, then random variations of the learners."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.backends.local.automl.forecasting.forecasters import REGRESSION, STATISTICAL

FIRST_ORDER = ("Naive", "SeasonalNaive", "Average", "SeasonalAverage", "ExponentialSmoothing", "LightGBM",
               "ElasticNet", "AutoArima", "XGBoostRegressor", "ExtremeRandomTrees", "RandomForest", "Arimax")
DEFAULTS = {
    "LightGBM": {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 10,
                 "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.9},
    "XGBoostRegressor": {"n_estimators": 300, "learning_rate": 0.05, "max_depth": 4, "subsample": 0.8},
    "RandomForest": {"n_estimators": 100, "min_samples_leaf": 5, "max_features": 0.5, "max_depth": 14},
    "ExtremeRandomTrees": {"n_estimators": 100, "min_samples_leaf": 5, "max_features": 0.7, "max_depth": 14},
    "ElasticNet": {"alpha": 0.001, "l1_ratio": 0.5},
}
STATISTICAL_DEFAULTS = {"ExponentialSmoothing": {"method": "ets"}}
SEARCHED = ("LightGBM", "ElasticNet", "XGBoostRegressor", "ExtremeRandomTrees")
NEEDS_SEASON = ("SeasonalNaive", "SeasonalAverage")


@dataclass
class Candidate:
    algorithm: str
    params: dict


def first_candidates(allowed: set[str], season: int, has_covariates: bool) -> list[Candidate]:
    out = []
    for name in FIRST_ORDER:
        if name not in allowed or (name in NEEDS_SEASON and season <= 1) or (name == "Arimax" and not has_covariates):
            continue
        out.append(Candidate(name, dict(DEFAULTS.get(name, STATISTICAL_DEFAULTS.get(name, {})))))
        if name == "ExponentialSmoothing":
            out.append(Candidate(name, {"method": "theta"}))
    return out


PER_SERIES = ("ExponentialSmoothing", "AutoArima", "Arimax")     # fitted series by series
SLOW_SHARE = 0.25       # a per-series model expected to take more of the timeout than this goes later


def defer_slow_per_series(candidates: list[Candidate], seconds_per_fit: float, n_series: int, fits: int,
                          timeout: float | None) -> tuple[list[Candidate], float]:
    """The candidates with the per-series models after the regression learners when one iteration
    of them (`fits` fits of `n_series` series at `seconds_per_fit`) would take more than SLOW_SHARE
    of the timeout: their cost grows with the number of series, the regression learners' (one model
    over all series, on at most MAX_TRAIN_ROWS rows) does not. Also returns that expected cost."""
    cost = seconds_per_fit * n_series * fits
    if timeout is None or cost <= SLOW_SHARE * timeout:
        return candidates, cost
    slow = [c for c in candidates if c.algorithm in PER_SERIES]
    return [c for c in candidates if c.algorithm not in PER_SERIES] + slow, cost


def variation(rng: np.random.Generator, allowed: set[str]) -> Candidate | None:
    """A random configuration of one of the searched regression learners."""
    names = [n for n in SEARCHED if n in allowed]
    if not names:
        return None
    name = names[int(rng.integers(len(names)))]
    if name == "LightGBM":
        params = {"n_estimators": int(rng.choice([150, 300, 600])), "learning_rate": float(rng.choice([0.02, 0.05, 0.1])),
                  "num_leaves": int(rng.choice([7, 15, 31, 63])), "min_child_samples": int(rng.choice([5, 10, 20, 40])),
                  "subsample": float(rng.choice([0.7, 0.9, 1.0])), "subsample_freq": 1,
                  "colsample_bytree": float(rng.choice([0.6, 0.8, 1.0])), "reg_lambda": float(rng.choice([0, 1, 5]))}
    elif name == "XGBoostRegressor":
        params = {"n_estimators": int(rng.choice([150, 300, 600])), "learning_rate": float(rng.choice([0.02, 0.05, 0.1])),
                  "max_depth": int(rng.choice([3, 4, 6, 8])), "subsample": float(rng.choice([0.7, 0.9, 1.0])),
                  "min_child_weight": float(rng.choice([1, 5, 10]))}
    elif name == "ElasticNet":
        params = {"alpha": float(10 ** rng.uniform(-4, 0)), "l1_ratio": float(rng.choice([0.1, 0.5, 0.9, 1.0]))}
    else:
        params = {"n_estimators": 100, "min_samples_leaf": int(rng.choice([2, 5, 10, 20])),
                  "max_features": float(rng.choice([0.3, 0.5, 0.8, 1.0])), "max_depth": int(rng.choice([8, 14, 20]))}
    return Candidate(name, params)


def allowed_algorithms(allowed_models, blocked_models) -> set[str]:
    every = set(STATISTICAL) | set(REGRESSION)
    chosen = set(allowed_models) & every if allowed_models else every
    return chosen - set(blocked_models or [])
