"""Rolling-origin validation: each origin trains on the past only and forecasts a full horizon.

Origins are counted back from each series' end: the last one leaves exactly one horizon after
it, the ones before are `step` periods earlier each. Never shuffled.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.backends.local.automl.forecasting.forecasters import Forecaster, histories_upto


def fold_cutoffs(lengths: dict[tuple, int], horizon: int, n_folds: int, step: int) -> list[dict[tuple, int]]:
    """Per fold (oldest first), each series' last training position."""
    return [{key: n - horizon - (n_folds - 1 - i) * step - 1 for key, n in lengths.items()} for i in range(n_folds)]


@dataclass
class RollingForecasts:
    """Out-of-sample forecasts of every origin, flattened, with where each value came from."""

    y: np.ndarray
    pred: np.ndarray
    key_index: np.ndarray          # into `keys`
    fold: np.ndarray
    step: np.ndarray               # 1..horizon
    position: np.ndarray           # the forecast's position in its series
    scale: np.ndarray              # the series' scale at that origin (for intervals)
    keys: list[tuple] = field(default_factory=list)


def rolling_forecasts(make, series, horizon: int, n_folds: int, step: int, deadline: float | None = None,
                      keys: list[tuple] | None = None) -> RollingForecasts:
    """Fit `make()` at every origin and forecast the horizon after it."""
    keys = list(keys or series.keys)
    lengths = {k: len(series.y[k]) for k in keys}
    parts = {name: [] for name in ("y", "pred", "key_index", "fold", "step", "position", "scale")}
    steps = np.arange(1, horizon + 1)
    for i, cutoffs in enumerate(fold_cutoffs(lengths, horizon, n_folds, step)):
        histories = histories_upto(series, cutoffs)
        model: Forecaster = make().fit(histories, deadline)
        requests = [(key, steps, series.covariates[key].iloc[cutoffs[key] + 1:cutoffs[key] + 1 + horizon])
                    for key in keys]
        for j, (key, pred) in enumerate(zip(keys, model.forecast_many(requests))):
            end = cutoffs[key]
            parts["y"].append(series.y[key][end + 1:end + 1 + horizon])
            parts["pred"].append(np.asarray(pred, dtype=float))
            parts["key_index"].append(np.full(horizon, j))
            parts["fold"].append(np.full(horizon, i))
            parts["step"].append(steps)
            parts["position"].append(end + steps)
            parts["scale"].append(np.full(horizon, histories[key].scale))
    return RollingForecasts(**{k: np.concatenate(v) for k, v in parts.items()}, keys=keys)


def step_sigmas(rolling: RollingForecasts, pred: np.ndarray, horizon: int) -> list[float]:
    """Per horizon step, the spread of scaled rolling-origin errors (never shrinking with the step)."""
    scaled = (rolling.y - pred) / rolling.scale
    sigmas, worst = [], 0.0
    for k in range(1, horizon + 1):
        errors = scaled[rolling.step == k]
        value = float(np.sqrt(np.mean(errors ** 2))) if len(errors) else worst
        worst = max(worst, value)
        sigmas.append(worst)
    return sigmas
