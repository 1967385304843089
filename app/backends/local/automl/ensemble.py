"""VotingEnsemble and StackEnsemble iterations over the out-of-fold predictions of the best trials.

Voting is greedy ensemble selection with replacement (Caruana et al.), as Azure's weights
(multiples of 1/n) suggest: ENSEMBLE_ROUNDS rounds each add the member that most improves
the averaged prediction; the best prefix is kept. Members are refitted on all training rows
only when the ensemble becomes the best iteration, since only the best model is written —
with a holdout, the members' own models are used, as for single iterations. The refits are
planned against the experiment timeout from the members' measured training times; an
ensemble that cannot be built in time is skipped, saying so. Selection runs on at most
SELECTION_ROWS validation rows: on big data its scoring would otherwise cost seconds.
"""
from __future__ import annotations

import math

import numpy as np

from app.core import catalog
from app.backends.local.automl import learners, scoring
from app.backends.local.automl.timeouts import IterationTimeout
from app.backends.local.automl.model import (PreFittedSoftVotingClassifier, PreFittedSoftVotingRegressor,
                                            StackEnsembleClassifier, StackEnsembleRegressor)
from app.backends.local.automl.search import Trial, diverse

ENSEMBLE_ROUNDS = 15        # Azure's ensemble_iterations
MAX_CANDIDATES = 10
STACK_MEMBERS = 5
SELECTION_ROWS = 20_000
SELECTION_COST_S = 0.5      # selection or the stacker's fit on subsampled predictions


def candidates(step) -> list[Trial]:
    """The best trials with predictions on the same rows, one per distinct configuration."""
    state = step.state
    best = state.best
    if best is None or best.pred is None:
        return []
    sign = 1 if catalog.is_minimised(state.plan.metric) else -1
    holdout = state.plan.eval_method == "holdout"
    pool = [t for t in state.trials if t.pred is not None and len(t.pred) == len(best.pred)
            and t.value is not None and math.isfinite(t.value) and np.array_equal(t.y, best.y)
            and (not holdout or _ready_model(step, t) is not None)]   # with a holdout, members are never refitted
    pool.sort(key=lambda t: sign * t.value)
    chosen, seen = [], set()
    for t in pool:
        key = (t.learner, repr(sorted(t.config.items())))
        if key not in seen:
            seen.add(key)
            chosen.append(t)
    return diverse(chosen, MAX_CANDIDATES)


def _primary(step, y, pred, weight) -> float:
    p = step.prepared
    return scoring.primary_value(step.state.plan.metric, y, pred, p.n_classes, p.y_range, weight)


def _selection_rows(step, n: int) -> np.ndarray | slice:
    if n <= SELECTION_ROWS:
        return slice(None)
    return np.sort(np.random.default_rng(step.state.plan.seed).choice(n, SELECTION_ROWS, replace=False))


def greedy_selection(step, pool: list[Trial]) -> dict[int, int]:
    """{index in pool: times chosen} of the best-scoring prefix of the greedy rounds."""
    metric = step.state.plan.metric
    rows = _selection_rows(step, len(pool[0].y))
    y = pool[0].y[rows]
    weight = None if pool[0].weight is None else pool[0].weight[rows]
    preds = [t.pred[rows] for t in pool]
    total = np.zeros_like(preds[0], dtype=float)
    counts = np.zeros(len(pool), dtype=int)
    best_counts, best_score = None, None
    for rounds in range(1, ENSEMBLE_ROUNDS + 1):
        scores = [_primary(step, y, (total + pred) / rounds, weight) for pred in preds]
        pick = 0
        for i, s in enumerate(scores):
            if math.isfinite(s) and catalog.better(metric, s, scores[pick]):
                pick = i
        counts[pick] += 1
        total += preds[pick]
        if best_score is None or catalog.better(metric, scores[pick], best_score):
            best_score, best_counts = scores[pick], counts.copy()
    return {i: int(n) for i, n in enumerate(best_counts) if n}


def _ready_model(step, t: Trial):
    """A member's model when no refit is needed: the refitted best, or with a holdout its own."""
    if t.model is not None:
        return t.model
    if step.state.plan.eval_method == "holdout":
        return t.fitted
    return None


def members_cost(step, members: list[Trial] | None = None) -> float:
    """Expected seconds to fit the members that have no model yet (the best candidates by default)."""
    if members is None:
        members = candidates(step)[:STACK_MEMBERS]
    return sum(step.callbacks.refit_cost(t) for t in members if _ready_model(step, t) is None)


def _members_fitted(step, members: list[Trial]) -> list | None:
    """Each member's model on all training rows (refitting as needed); None when stopped or out of time."""
    cb = step.callbacks
    reports = step.reports_cost()
    cost = members_cost(step, members)
    if not step.budget.fits(cost + reports):
        step.outputs.warning(step.budget.skip("an ensemble: refitting its members", cost))
        return None
    fitted = []
    cb.alarm.arm(step.budget.deadline(reserve=reports))
    try:
        for t in members:
            if step.stop_requested():
                return None
            model = _ready_model(step, t)
            if model is None:
                with cb.alarm.fitting():
                    model = cb.refit(t)
            fitted.append((str(t.iteration), model))
    except IterationTimeout:
        step.outputs.warning(step.budget.skip("an ensemble: refitting its members ran out of time"))
        return None
    finally:
        cb.alarm.disarm()
    return fitted


def _wins(step, value: float) -> bool:
    best = step.state.best_value()
    return math.isfinite(value) and (best is None or catalog.better(step.state.plan.metric, value, best))


def weighted_vote(step, pool: list[Trial]) -> tuple[list[Trial], list[float], Trial]:
    """The greedy selection's members, their weights, and the ensemble as a scored (not yet committed) trial."""
    chosen = greedy_selection(step, pool)
    members = [pool[i] for i in chosen]
    weights = [chosen[i] / sum(chosen.values()) for i in chosen]
    pred = sum(w * t.pred for t, w in zip(members, weights))
    metrics = step.callbacks.score_predictions(pool[0].y, pred, pool[0].weight)
    trial = Trial(iteration=len(step.state.trials), learner="VotingEnsemble", config={}, metrics=metrics,
                  value=metrics.get(step.state.plan.metric), pred=pred, y=pool[0].y, weight=pool[0].weight)
    return members, weights, trial


def voting(step, pool: list[Trial]) -> None:
    members, weights, trial = weighted_vote(step, pool)
    if step.early_ensembles is not None and step.early_ensembles.take_if_better(trial.value):
        return
    _commit(step, trial, members, lambda fitted: voting_model(step, fitted, weights), {"ensemble_weights": weights})


def voting_model(step, fitted: list, weights: list[float]):
    """(the VotingEnsemble's final estimator, its step name) from [(name, fitted member model)]."""
    classes = step.prepared.classes
    if classes is not None:
        return PreFittedSoftVotingClassifier(fitted, weights, classes), "prefittedsoftvotingclassifier"
    return PreFittedSoftVotingRegressor(fitted, weights), "prefittedsoftvotingregressor"


def stacking(step, pool: list[Trial]) -> None:
    from sklearn.linear_model import ElasticNetCV, LogisticRegression
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

    p, cb, plan = step.prepared, step.callbacks, step.state.plan
    members = pool[:STACK_MEMBERS]
    y, weight = members[0].y, members[0].weight
    Z = np.column_stack([t.pred for t in members])
    if p.classes is not None:
        meta = LogisticRegression(max_iter=1000)
        splitter = StratifiedKFold(5, shuffle=True, random_state=plan.seed)
        pred = cross_val_predict(meta, Z, y.astype(int), cv=splitter, method="predict_proba")
    else:
        meta = ElasticNetCV(l1_ratio=0.5, cv=3, random_state=plan.seed)
        splitter = KFold(5, shuffle=True, random_state=plan.seed)
        pred = cross_val_predict(meta, Z, y, cv=splitter)
    metrics = cb.score_predictions(y, pred, weight)
    trial = Trial(iteration=len(step.state.trials), learner="StackEnsemble", config={}, metrics=metrics,
                  value=metrics.get(plan.metric), pred=pred, y=y, weight=weight)

    def make_model(fitted):
        meta.fit(Z, y.astype(int) if p.classes is not None else y)
        if p.classes is not None:
            return StackEnsembleClassifier(fitted, meta, p.classes), "stackensembleclassifier"
        return StackEnsembleRegressor(fitted, meta), "stackensembleregressor"

    _commit(step, trial, members, make_model, {"meta_learner": type(meta).__name__})


def _commit(step, trial: Trial, members: list[Trial], make_model, extra: dict) -> None:
    """Build the ensemble's model only when it becomes the best iteration, then record it."""
    value = trial.value if trial.value is not None else math.nan
    if _wins(step, value):
        fitted = _members_fitted(step, members)
        if fitted is None:
            return
        trial.model, trial.step_name = make_model(fitted)
    step.callbacks.commit(trial, seeded=False, algorithm=trial.learner, hyperparameters={
        "ensembled_iterations": [t.iteration for t in members],
        "ensembled_algorithms": [learners.azure_name(step.state.plan.task, t.learner) for t in members],
        **extra})


def run_ensembles(step, kinds: list[str]) -> None:
    pool = candidates(step)
    if len(pool) < 2:
        step.outputs.warning("fewer than two iterations share validation predictions; no ensemble was built")
        return
    step.callbacks.keep_predictions = True
    for kind in kinds:
        if step.stop_requested():
            return
        if not step.budget.fits(step.reports_cost() + SELECTION_COST_S):
            step.outputs.warning(step.budget.skip(kind))
            continue
        (voting if kind == "VotingEnsemble" else stacking)(step, pool)
