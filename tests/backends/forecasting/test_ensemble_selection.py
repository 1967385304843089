"""VotingEnsemble weights from the rolling-origin forecasts."""
from __future__ import annotations

import numpy as np

from app.backends.local.automl.forecasting.ensemble import greedy_weights


def _mae(y, p):
    return float(np.mean(np.abs(y - p)))


def test_forecasts_with_opposite_errors_are_weighted_equally():
    y = np.linspace(10, 20, 24)
    high, low, flat = y + 2.0, y - 2.0, np.full(24, 15.0)
    picks = greedy_weights(y, [flat, high, low])
    assert picks[1] == picks[2] > 0 and picks[0] == 0


def test_the_weights_are_never_worse_on_the_origins_than_the_best_member_alone():
    rng = np.random.default_rng(0)
    y = rng.normal(0, 1, 36)
    best = y + rng.normal(0, 0.1, 36)
    others = [y + rng.normal(3, 1, 36), y + rng.normal(-0.5, 2, 36)]
    preds = [others[0], best, others[1]]
    picks = greedy_weights(y, preds)
    average = sum(n * p for n, p in zip(picks, preds)) / sum(picks)
    assert _mae(y, average) <= _mae(y, best)
    assert picks[0] == 0          # a biased, noisy forecaster adds nothing


def test_one_origin_that_no_forecaster_saw_coming_does_not_decide_the_weights():
    # Three origins of 8 steps; at the last one the series crashes. The steady forecaster is
    # right at two origins; the cautious one is worse at both and a little less wrong at the
    # crash. On squared errors the crash would make the cautious one win; on absolute errors
    # the steady one keeps most of the weight.
    y = np.concatenate([np.full(8, 10.0), np.full(8, 11.0), np.full(8, 2.0)])
    steady = np.concatenate([np.full(8, 10.0), np.full(8, 11.0), np.full(8, 12.0)])
    cautious = np.concatenate([np.full(8, 8.5), np.full(8, 9.5), np.full(8, 9.5)])
    assert np.mean((y - cautious) ** 2) < np.mean((y - steady) ** 2)
    picks = greedy_weights(y, [cautious, steady])
    assert picks[1] > picks[0]
