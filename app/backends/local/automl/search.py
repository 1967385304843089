"""The model-selection phase: FLAML drives the search, our callbacks turn trials into iterations.

FLAML calls the custom metric once per fold (cv) or once per trial (holdout), and in cv mode
`cv_score_agg_func` once per trial. Each finished trial becomes an iteration: metrics from its
out-of-fold predictions, an event, the metrics file, and — when it is the new best — the
model refitted on all training rows and written to `model_data` before the event goes out.
Stopping (iterations, timeout, exit score, early stopping, cancel) raises `SearchStopped`
from a callback; FLAML lets it through and the finished iterations are kept.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from app.core import catalog
from app.core.runs import COMPLETED, FAILED, IterationRecord
from app.backends.local.automl import learners, scoring
from app.backends.local.automl.portfolio import is_start
from app.backends.local.automl.settings import (EARLY_STOPPING_LANDMARKS, EARLY_STOPPING_TOLERANCE,
                                                EARLY_STOPPING_WINDOW, Plan)
from app.backends.local.automl.timeouts import IterationTimeout, TrialAlarm

KEEP_PREDICTIONS = 25      # out-of-fold predictions kept for the best trials (ensemble candidates)
KEEP_MODELS = 10           # trials' own fitted models kept for the best trials (ensemble candidates)


class _Fold(NamedTuple):
    y: np.ndarray
    pred: np.ndarray | None
    weight: np.ndarray | None
    config: dict
    failure: str | None
    timed_out: bool
    estimator_class: type
    task_obj: object


class SearchStopped(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Trial:
    iteration: int
    learner: str
    config: dict
    metrics: dict
    value: float | None
    estimator_class: type | None = None
    task_obj: object = None
    pred: np.ndarray | None = None         # out-of-fold (cv) or validation (holdout) predictions
    y: np.ndarray | None = None
    weight: np.ndarray | None = None
    model: object = None                   # refitted on all training rows (bests only)
    fitted: object = None                  # the trial's own model (holdout: the model; cv: the last fold's)
    fit_seconds: float = 0.0               # training time over all folds
    predict_seconds: float = 0.0           # predicting the validation rows
    sample_size: int | None = None         # training rows of a fold (smaller while FLAML samples big data)
    step_name: str | None = None           # the estimator step's name in the pickled pipeline
    failure: str | None = None             # why training failed (a Failed iteration)


@dataclass
class SearchState:
    """What the outputs are written from; shared with the stop-file watcher under the output lock."""

    run_id: str
    plan: Plan
    records: list[IterationRecord] = field(default_factory=list)
    trials: list[Trial] = field(default_factory=list)
    best: Trial | None = None
    model_iteration: int | None = None
    started: float = field(default_factory=time.time)          # the experiment timeout counts from here
    search_started: float = field(default_factory=time.time)   # reset when model selection begins
    search_seconds: float = 0.0
    stop_reason: str | None = None
    best_found_at: float | None = None      # the last improvement that counts for early stopping
    improved_iteration: int = 0             # its iteration
    improved_value: float | None = None     # and its value

    def best_value(self) -> float | None:
        return None if self.best is None else self.best.value


class SearchCallbacks:
    def __init__(self, step, Xf):
        """`step` gives state, outputs, prepared data, pipeline_for(trial), stop_requested() and
        write_summary(); Xf is the featurized training frame FLAML searches on."""
        self.step = step
        self.state = step.state
        self.outputs = step.outputs
        self.prepared = step.prepared
        self.Xf = Xf
        self.stop_requested = step.stop_requested
        self.metric = self.state.plan.metric
        self.keep_predictions = False     # set while ensembles use the kept predictions
        self._folds: list = []
        self._last_end = time.time()
        self.alarm = TrialAlarm()
        self._trial_started: float | None = None
        self._alarm_cause = "iteration"
        self._fit_seconds = 0.0
        self._predict_seconds = 0.0
        self._sample_size: int | None = None
        self._last_model = None
        self.full_size: int | None = None      # training rows of a trial on all data (set by the step)
        self.early_ensembles = None            # set by the step while the search runs (see early_ensemble)

    # -- the trial's clock: called by the tolerant learners around every fit ----------------
    def fit_started(self) -> None:
        """The first fit of a trial starts its clock: the alarm rings at the iteration timeout
        or at the end of the search time, whichever comes first."""
        if self._trial_started is not None:
            return
        now = self._trial_started = time.time()
        limit = self.state.plan.iteration_seconds
        own = now + limit if limit else math.inf
        search_end = self.step.search_deadline()
        self._alarm_cause = "iteration" if own <= search_end else "experiment"
        self.alarm.arm(min(own, search_end))

    def fit_ended(self, seconds: float) -> None:
        self._fit_seconds += seconds

    def _end_trial_clock(self) -> None:
        self.alarm.disarm()
        self._trial_started = None
        self._fit_seconds = self._predict_seconds = 0.0

    # FLAML's custom-metric signature
    def metric_fn(self, X_val, y_val, estimator, labels, X_train, y_train,
                  weight_val=None, weight_train=None, config=None, groups_val=None, groups_train=None):
        self._check_stop()
        failure = getattr(estimator, "failure", None)
        started = time.time()
        pred = None if failure else self._predict(estimator, X_val)
        self._predict_seconds += time.time() - started
        # Only the last fold's model is kept (it stands in for a refit): five forests on a million
        # rows held at once would take gigabytes.
        self._folds.append(_Fold(np.asarray(y_val), pred, None if weight_val is None else np.asarray(weight_val),
                                 config or {}, failure, getattr(estimator, "timed_out", False), type(estimator),
                                 estimator._task))
        self._last_model = None if failure else getattr(estimator, "model", None)
        self._sample_size = len(X_train)
        if self.state.plan.eval_method == "holdout":
            return self._finish_trial(), {}
        return 0.0, {}

    def cv_agg_fn(self, val_loss_folds, log_metrics_folds):
        return self._finish_trial(), {}

    def _predict(self, estimator, X_val) -> np.ndarray:
        if self.prepared.classes is None:
            return np.asarray(estimator.predict(X_val), dtype=float)
        proba = np.asarray(estimator.predict_proba(X_val), dtype=float)
        k = self.prepared.n_classes
        if proba.shape[1] != k:
            seen = np.asarray(getattr(estimator.model, "classes_", range(proba.shape[1])), dtype=int)
            full = np.zeros((proba.shape[0], k))
            full[:, seen] = proba
            proba = full
        return proba

    def _check_stop(self) -> None:
        if self.stop_requested():
            raise SearchStopped("canceled")

    def _finish_trial(self) -> float:
        folds, self._folds = self._folds, []
        try:
            return self._score_trial(folds)
        finally:
            self._end_trial_clock()

    def _score_trial(self, folds: list) -> float:
        first = folds[0]
        learner = learners.learner_name(first.estimator_class, first.task_obj)
        if any(f.timed_out for f in folds):
            if self._alarm_cause == "experiment":
                raise SearchStopped("timeout")       # the search's time is up: this trial is not an iteration
            limit = self.state.plan.iteration_seconds
            self._commit_failed(learner, dict(first.config),
                                f"timed out: the iteration ran past iteration_timeout_minutes ({limit:g} s)",
                                timed_out=True)
            self._check_limits()
            return math.inf
        failures = [f.failure for f in folds if f.failure]
        if failures:
            self._commit_failed(learner, dict(first.config), failures[0])
            self._check_limits()
            return math.inf
        y = np.concatenate([f.y for f in folds])
        pred = np.concatenate([f.pred for f in folds])
        weight = None if first.weight is None else np.concatenate([f.weight for f in folds])
        metrics = self.score_predictions(y, pred, weight)
        trial = Trial(iteration=len(self.state.trials), learner=learner, config=dict(first.config),
                      metrics=metrics, value=metrics.get(self.metric),
                      estimator_class=learners.base_class(first.estimator_class),
                      task_obj=first.task_obj, pred=pred, y=y, weight=weight,
                      fitted=self._last_model, fit_seconds=self._fit_seconds, predict_seconds=self._predict_seconds,
                      sample_size=self._sample_size)
        self._last_model = None
        seeded = is_start(trial.config, self.state.plan.warm_starts.get(trial.learner, []))
        self.commit(trial, seeded=seeded)
        self._check_limits()
        return scoring.loss(self.metric, trial.value)

    def _commit_failed(self, learner: str, config: dict, failure: str, timed_out: bool = False) -> None:
        trial = Trial(iteration=len(self.state.trials), learner=learner, config=config, metrics={}, value=None,
                      failure=failure)
        self.commit(trial, seeded=False, timed_out=timed_out)
        print(f"      iteration {trial.iteration} failed: {failure}", file=sys.stderr, flush=True)

    def score_predictions(self, y, pred, weight) -> dict:
        p = self.prepared
        if p.classes is None:
            return scoring.regression_metrics(y, pred, p.y_range, weight)
        return scoring.classification_metrics(y.astype(int), pred, p.n_classes, p.positive, weight)

    def commit(self, trial: Trial, seeded: bool, algorithm: str | None = None, preprocessor: str | None = None,
               hyperparameters: dict | None = None, timed_out: bool = False, model_file: str | None = None) -> None:
        """Make `trial` an iteration: model file (when it is the new best), records and event, all
        under the output lock, and none of them once the step has finished.
        `model_file`: the trial's pipeline is already written there (an early ensemble)."""
        state = self.state
        now = time.time()
        duration, self._last_end = now - self._last_end, now
        improved = trial.value is not None and math.isfinite(trial.value) and (
            state.best is None or catalog.better(self.metric, trial.value, state.best.value))
        pipeline = None
        if improved and not model_file:
            if trial.model is None:
                trial.model = self.final_model(trial)
            pipeline = self.step.pipeline_for(trial)
        algorithm = algorithm or learners.azure_name(state.plan.task, trial.learner)
        preprocessor = learners.PREPROCESSOR if preprocessor is None else preprocessor
        record = IterationRecord(run_id=f"{state.run_id}_{trial.iteration}", iteration=trial.iteration,
                                 status=FAILED if trial.failure else COMPLETED, run_algorithm=algorithm, run_preprocessor=preprocessor,
                                 hyperparameters=hyperparameters if hyperparameters is not None else trial.config,
                                 metrics=trial.metrics, duration_s=duration, seeded=seeded)
        with self.outputs.lock:
            if self.step.finished:       # the watcher ended the step: its outputs stand as they are
                return
            if improved:                 # the model file and the step's best change together, or neither
                if model_file:
                    self.outputs.promote_model(model_file)
                else:
                    self.outputs.write_model(pipeline)
                if state.best is not None and state.best is not trial:
                    state.best.model = None
                state.best, state.model_iteration = trial, trial.iteration
                if significant_improvement(state.improved_value, trial.value):
                    state.best_found_at, state.improved_iteration, state.improved_value = now, trial.iteration, trial.value
            state.records.append(record)
            state.trials.append(trial)
            self._forget_predictions()
            self.outputs.write_metrics(state.records)
            self.step.write_summary()
            self.outputs.event("iteration", run_id=record.run_id, iteration=record.iteration, status=record.status,
                               run_algorithm=algorithm, run_preprocessor=preprocessor,
                               hyperparameters=record.hyperparameters, metrics=record.metrics,
                               duration_s=duration, seeded=seeded, primary_metric=self.metric, time=now,
                               is_best=improved, best_so_far=state.best_value(), learner=trial.learner,
                               **({"error": trial.failure} if trial.failure else {}),
                               **({"timed_out": True} if timed_out else {}))
        if self.early_ensembles is not None and not trial.failure:
            self.early_ensembles.refresh()
        best = state.best_value()
        print(f"{trial.iteration:>4}  {preprocessor} {algorithm:<22} {duration:7.2f}s  "
              f"{_fmt(trial.value)}  {_fmt(best)}", file=sys.stderr, flush=True)

    def final_model(self, trial: Trial):
        """The model written for a new best: as Azure does, the model trained on the training part
        with a holdout, refitted on all rows with cross-validation — unless the refit would run past
        the iteration's time, when the last fold's model stands in."""
        if self.state.plan.eval_method == "holdout" and trial.fitted is not None:
            return trial.fitted
        try:
            with self.alarm.fitting():
                return self.refit(trial)
        except IterationTimeout:
            if trial.fitted is None:
                raise SearchStopped("timeout") from None
            self.outputs.warning(f"iteration {trial.iteration}: refitting on all rows ran out of time; "
                                 "its model is the one trained on the last cross-validation fold")
            return trial.fitted

    def sampled(self, trial: Trial) -> bool:
        """Trained on a sample of the training rows: the search has not converged while its best is."""
        return bool(self.full_size and trial.sample_size and trial.sample_size < self.full_size)

    def refit(self, trial: Trial):
        p, plan = self.prepared, self.state.plan
        return learners.refit(trial.estimator_class, trial.task_obj, trial.config, self.Xf, p.y, p.weight,
                              plan.n_jobs, self.refit_budget())

    def refit_budget(self) -> float | None:
        """FLAML's soft limit for a refit on all rows: a fold's share of the trial's limit, grown by
        the larger data, so a forest gets as many trees as in its folds and the refit stays inside
        the iteration's hard limit."""
        plan = self.state.plan
        if not plan.train_time_limit or plan.eval_method != "cv":
            return plan.train_time_limit
        return plan.train_time_limit / max(1, plan.n_splits - 1)

    def refit_cost(self, trial: Trial) -> float:
        """Expected seconds to refit `trial` on all rows, from its own measured training time."""
        plan = self.state.plan
        if plan.eval_method == "holdout":
            return trial.fit_seconds * len(self.prepared.y) / (trial.sample_size or len(self.prepared.y))
        return trial.fit_seconds / max(1, plan.n_splits - 1)

    def _forget_predictions(self) -> None:
        """Keep predictions for the best KEEP_PREDICTIONS trials and own models for the best
        KEEP_MODELS, each learner's best among them (memory): a forest on a million rows can
        take hundreds of megabytes."""
        if self.keep_predictions:
            return
        sign = 1 if catalog.is_minimised(self.metric) else -1
        kept = sorted((t for t in self.state.trials if t.pred is not None or t.fitted is not None),
                      key=lambda t: sign * t.value if t.value is not None else math.inf)
        models, predictions = set(map(id, diverse(kept, KEEP_MODELS))), set(map(id, diverse(kept, KEEP_PREDICTIONS)))
        for t in kept:
            if id(t) not in models and t is not self.state.best:
                t.fitted = None
            if id(t) not in predictions:
                t.pred = t.y = t.weight = None

    def _check_limits(self) -> None:
        state, plan, s = self.state, self.state.plan, self.state.plan.settings
        done = len(state.trials)
        if self.stop_requested():
            raise SearchStopped("canceled")
        if done >= plan.search_iterations:
            raise SearchStopped("iterations")
        if time.time() >= self.step.search_deadline():
            raise SearchStopped("timeout")
        best = state.best_value()
        if s.experiment_exit_score is not None and best is not None and (
                best == s.experiment_exit_score or catalog.better(self.metric, best, s.experiment_exit_score)):
            raise SearchStopped("exit_score")
        if s.enable_early_stopping and state.best is not None and self._converged(done - 1):
            raise SearchStopped("early_stopping")

    def _converged(self, last: int) -> bool:
        """Azure's rule (no stop before iteration 20, then 10 iterations without an improvement
        of at least EARLY_STOPPING_TOLERANCE of the best score), and the search has gone as long
        without improving as it took to find its best — a search still finding better models
        now and then keeps going — and the best was not trained on a sample while FLAML is
        still growing the samples."""
        state = self.state
        if last - max(state.improved_iteration, EARLY_STOPPING_LANDMARKS) < EARLY_STOPPING_WINDOW:
            return False
        if self.sampled(state.best):
            return False
        found = state.best_found_at or state.search_started
        return time.time() - found >= found - state.search_started


def significant_improvement(reference: float | None, value: float) -> bool:
    """An improvement on `reference` large enough to keep the search from stopping early."""
    return reference is None or abs(value - reference) > EARLY_STOPPING_TOLERANCE * max(abs(reference), 0.1)


def diverse(ranked: list[Trial], n: int) -> list[Trial]:
    """The first `n` of `ranked` (best first), except that each learner's best is among them.

    A long search fills the top ranks with near-copies of one learner's configuration, and
    averaging near-copies gains nothing: on Titanic the ensemble over the top ten fell from
    0.880 to 0.875 AUC as XGBoost variants pushed the forests out."""
    keep, learners_seen = set(), set()
    for t in ranked:
        if t.learner not in learners_seen and len(keep) < n:
            learners_seen.add(t.learner)
            keep.add(id(t))
    for t in ranked:
        if len(keep) >= n:
            break
        keep.add(id(t))
    return [t for t in ranked if id(t) in keep]


def _fmt(value) -> str:
    return "   n/a" if value is None else f"{value:.4f}"
