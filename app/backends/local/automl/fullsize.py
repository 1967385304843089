"""The sampled best trained on (nearly) all training rows, as an iteration of its own.

With a holdout on big data FLAML trains early trials on samples of the training part and
grows them for promising learners; a short budget often ends with the best iteration still
trained on a sample, and on a million rows a model trained on 22,500 of them scores well
below one trained on all. So its configuration is trained once more, on all training rows
when the measured cost (its training time scaled by the rows, plus predicting the holdout)
fits the time left, else on as many as fit, and scored on the same holdout, so it competes
(and ensembles) on equal terms. Boosting gets the time left as its budget, so a fit that runs
slower than planned stops adding trees instead of being lost at the deadline. When not even
twice the sample fits, the step says it skipped the refit.
"""
from __future__ import annotations

import math
import time

from app.backends.local.automl.search import Trial
from app.backends.local.automl.timeouts import IterationTimeout

# How training time grows with the rows, measured on a 2-core machine at load 1 (FLAML's LightGBM,
# XGBoost and depth-limited XGBoost, 20 features, 22,500 / 90,000 / 360,000 / 900,000 rows):
# boosting costs a small fixed part per tree plus a part linear in the rows — 22,500 -> 900,000
# took 19-26x, 90,000 -> 900,000 7.3-10.9x, which (fixed + rows) with fixed = 10,000 rows and a
# 20 % margin covers. Forests sort: 40x the rows took 66-70x, so rows ** 1.2.
BOOSTED = {"lgbm", "xgboost", "xgb_limitdepth"}
BOOSTED_FIXED_ROWS = 10_000
OTHER_GROWTH = 1.2
MARGIN = 1.2
MAX_SHARE = 0.3            # the search keeps at most this share of the timeout for the refit
MIN_GAIN = 2               # a refit on fewer than this many times the sample's rows is not worth its time
BUDGET_SHARE = 0.95        # of the time left, what boosting may spend adding trees (predicting follows)


def cost(step) -> float:
    """Expected seconds to train the best on all training rows and score it; 0 when not needed."""
    best = step.state.best if step.state is not None else None
    if best is None or step.train_part is None or best.estimator_class is None or not step.callbacks.sampled(best):
        return 0.0
    return MARGIN * best.fit_seconds * growth(best.learner, best.sample_size, len(step.train_part[1])) + best.predict_seconds


def growth(learner: str, sample_rows: int, full_rows: int) -> float:
    """How many times longer `learner` trains on `full_rows` than on `sample_rows`."""
    if learner in BOOSTED:
        return (BOOSTED_FIXED_ROWS + full_rows) / (BOOSTED_FIXED_ROWS + sample_rows)
    return (full_rows / sample_rows) ** OTHER_GROWTH


def rows_within(learner: str, sample_rows: int, fit_seconds: float, seconds: float) -> int:
    """The most training rows `learner` is expected to train on within `seconds` (inverse of growth)."""
    times = seconds / (MARGIN * max(fit_seconds, 1e-6))
    if times <= 0:
        return 0
    if learner in BOOSTED:
        return int(times * (BOOSTED_FIXED_ROWS + sample_rows) - BOOSTED_FIXED_ROWS)
    return int(sample_rows * times ** (1 / OTHER_GROWTH))


def planned_cost(step) -> float:
    """What the search leaves time for: the refit's cost, at most MAX_SHARE of the timeout."""
    seconds = cost(step)
    total = step.budget.seconds
    return 0.0 if total is None else min(seconds, MAX_SHARE * total)


def train_best_on_all_rows(step) -> None:
    cb, state, budget = step.callbacks, step.state, step.budget
    best = state.best
    needed = cost(step)
    if not needed:
        return
    X, y, weight = step.train_part
    reserve = step.reports_cost() + step.ensembles_cost()
    limit = state.plan.iteration_seconds or math.inf
    available = min(budget.remaining() - reserve, limit) - best.predict_seconds
    rows = len(y) if needed <= available + best.predict_seconds else rows_within(
        best.learner, best.sample_size, best.fit_seconds, available)
    what = f"training iteration {best.iteration}'s configuration on all {len(y):,} training rows"
    if rows < MIN_GAIN * best.sample_size:
        step.outputs.warning(budget.skip(what, needed))
        return
    if rows < len(y):
        step.outputs.warning(f"trained iteration {best.iteration}'s configuration on {rows:,} of the {len(y):,} "
                             f"training rows: all of them need about {needed:.0f} s, "
                             f"{max(0.0, budget.remaining()):.0f} s of the experiment timeout were left")
        X, y = X.iloc[:rows], y[:rows]         # the training part is in shuffled order
        weight = None if weight is None else weight[:rows]
        what = f"training iteration {best.iteration}'s configuration on {rows:,} training rows"
    step.status("model_selection", what)
    trial = _fit_and_score(step, X, y, weight, min(budget.deadline(reserve=reserve), time.time() + limit),
                           available * BUDGET_SHARE, what)
    if trial is not None:
        cb.commit(trial, seeded=False)


def _fit_and_score(step, X, y, weight, deadline: float, seconds: float, what: str) -> Trial | None:
    cb, best, plan = step.callbacks, step.state.best, step.state.plan
    X_val, y_val, weight_val = step.validation_part
    cb.alarm.arm(deadline)
    started = time.time()
    try:
        with cb.alarm.fitting():
            estimator = best.estimator_class(task=best.task_obj, **{**best.config, "n_jobs": plan.n_jobs})
            estimator.fit(X, y, budget=max(1.0, seconds), **({} if weight is None else {"sample_weight": weight}))
    except IterationTimeout:
        step.outputs.warning(step.budget.skip(f"{what}: it ran out of time"))
        return None
    finally:
        cb.alarm.disarm()
    fitted = time.time()
    pred = cb._predict(estimator, X_val)
    predicted = time.time()
    metrics = cb.score_predictions(y_val, pred, weight_val)
    return Trial(iteration=len(step.state.trials), learner=best.learner, config=dict(best.config), metrics=metrics,
                 value=metrics.get(plan.metric), estimator_class=best.estimator_class, task_obj=best.task_obj,
                 pred=pred, y=y_val, weight=weight_val, fitted=estimator.model, fit_seconds=fitted - started,
                 predict_seconds=predicted - fitted, sample_size=len(y))
