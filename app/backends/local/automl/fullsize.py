"""The sampled best trained on all training rows, as an iteration of its own.

With a holdout on big data FLAML trains early trials on samples of the training part and
grows them for promising learners; a short budget often ends with the best iteration still
trained on a sample. When the measured cost (its training time scaled by the rows, plus
predicting the holdout) fits the experiment timeout, its configuration is trained once more
on the whole training part and scored on the same holdout, so it competes (and ensembles)
on equal terms; otherwise the step says it skipped that.
"""
from __future__ import annotations

import time

from app.backends.local.automl.search import Trial
from app.backends.local.automl.timeouts import IterationTimeout

# How training time grows with the rows, measured on a busy 2-core machine (23 features, 22,500,
# 90,000 and 900,000 rows). Histogram boosting costs a fixed part per tree plus a part linear in
# the rows, the two equal at about 127,000 rows: 22,500 -> 900,000 took 5-7x, 90,000 -> 900,000
# 3.6-4.7x; 100,000 keeps a margin. Forests sort: 40x the rows took 66-70x, so rows ** 1.2.
BOOSTED = {"lgbm", "xgboost", "xgb_limitdepth"}
BOOSTED_FIXED_ROWS = 100_000
OTHER_GROWTH = 1.2
MAX_SHARE = 0.3            # the search keeps time for this only when it costs at most this share of the timeout


def cost(step) -> float:
    """Expected seconds to train the best on all training rows and score it; 0 when not needed."""
    best = step.state.best if step.state is not None else None
    if best is None or step.train_part is None or best.estimator_class is None or not step.callbacks.sampled(best):
        return 0.0
    return best.fit_seconds * growth(best.learner, best.sample_size, len(step.train_part[1])) + best.predict_seconds


def growth(learner: str, sample_rows: int, full_rows: int) -> float:
    """How many times longer `learner` trains on `full_rows` than on `sample_rows`."""
    if learner in BOOSTED:
        return (BOOSTED_FIXED_ROWS + full_rows) / (BOOSTED_FIXED_ROWS + sample_rows)
    return (full_rows / sample_rows) ** OTHER_GROWTH


def planned_cost(step) -> float:
    """What the search leaves time for: the cost when it is a modest share of the timeout."""
    seconds = cost(step)
    total = step.budget.seconds
    return seconds if total is not None and seconds <= MAX_SHARE * total else 0.0


def train_best_on_all_rows(step) -> None:
    cb, state, budget = step.callbacks, step.state, step.budget
    best = state.best
    needed = cost(step)
    if not needed:
        return
    X, y, weight = step.train_part
    X_val, y_val, weight_val = step.validation_part
    reserve = step.reports_cost() + step.ensembles_cost()
    what = f"training iteration {best.iteration}'s configuration on all {len(y):,} training rows"
    if not budget.fits(needed + reserve):
        step.outputs.warning(budget.skip(what, needed))
        return
    step.status("model_selection", what)
    plan = state.plan
    cb.alarm.arm(budget.deadline(reserve=reserve))
    started = time.time()
    try:
        with cb.alarm.fitting():
            estimator = best.estimator_class(task=best.task_obj, **{**best.config, "n_jobs": plan.n_jobs})
            estimator.fit(X, y, budget=plan.train_time_limit, **({} if weight is None else {"sample_weight": weight}))
    except IterationTimeout:
        step.outputs.warning(budget.skip(f"{what}: it ran out of time"))
        return
    finally:
        cb.alarm.disarm()
    fitted = time.time()
    pred = cb._predict(estimator, X_val)
    predicted = time.time()
    metrics = cb.score_predictions(y_val, pred, weight_val)
    trial = Trial(iteration=len(state.trials), learner=best.learner, config=dict(best.config), metrics=metrics,
                  value=metrics.get(plan.metric), estimator_class=best.estimator_class, task_obj=best.task_obj,
                  pred=pred, y=y_val, weight=weight_val, fitted=estimator.model, fit_seconds=fitted - started,
                  predict_seconds=predicted - fitted, sample_size=len(y))
    cb.commit(trial, seeded=False)
