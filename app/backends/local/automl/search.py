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

import numpy as np

from app.core import catalog
from app.core.runs import COMPLETED, FAILED, IterationRecord
from app.backends.local.automl import learners, scoring
from app.backends.local.automl.portfolio import is_start
from app.backends.local.automl.settings import EARLY_STOPPING_LANDMARKS, EARLY_STOPPING_WINDOW, Plan

KEEP_PREDICTIONS = 25      # out-of-fold predictions kept for the best trials (ensemble candidates)


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

    # FLAML's custom-metric signature
    def metric_fn(self, X_val, y_val, estimator, labels, X_train, y_train,
                  weight_val=None, weight_train=None, config=None, groups_val=None, groups_train=None):
        self._check_stop()
        failure = getattr(estimator, "failure", None)
        pred = None if failure else self._predict(estimator, X_val)
        self._folds.append((np.asarray(y_val), pred, None if weight_val is None else np.asarray(weight_val),
                            config or {}, estimator))
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
        config, estimator = folds[0][3], folds[0][4]
        failures = [f[4].failure for f in folds if getattr(f[4], "failure", None)]
        if failures:
            self._commit_failed(learners.learner_of(estimator), dict(config), failures[0])
            self._check_limits()
            return math.inf
        y = np.concatenate([f[0] for f in folds])
        pred = np.concatenate([f[1] for f in folds])
        weight = None if folds[0][2] is None else np.concatenate([f[2] for f in folds])
        metrics = self.score_predictions(y, pred, weight)
        trial = Trial(iteration=len(self.state.trials), learner=learners.learner_of(estimator), config=dict(config),
                      metrics=metrics, value=metrics.get(self.metric),
                      estimator_class=learners.base_class(type(estimator)),
                      task_obj=estimator._task, pred=pred, y=y, weight=weight)
        seeded = is_start(trial.config, self.state.plan.warm_starts.get(trial.learner, []))
        self.commit(trial, seeded=seeded)
        self._check_limits()
        return scoring.loss(self.metric, trial.value)

    def _commit_failed(self, learner: str, config: dict, failure: str) -> None:
        trial = Trial(iteration=len(self.state.trials), learner=learner, config=config, metrics={}, value=None,
                      failure=failure)
        self.commit(trial, seeded=False)
        print(f"      iteration {trial.iteration} failed: {failure}", file=sys.stderr, flush=True)

    def score_predictions(self, y, pred, weight) -> dict:
        p = self.prepared
        if p.classes is None:
            return scoring.regression_metrics(y, pred, p.y_range, weight)
        return scoring.classification_metrics(y.astype(int), pred, p.n_classes, p.positive, weight)

    def commit(self, trial: Trial, seeded: bool, algorithm: str | None = None, preprocessor: str | None = None,
               hyperparameters: dict | None = None) -> None:
        """Make `trial` an iteration: model file first when it is the new best, then records and event."""
        state = self.state
        now = time.time()
        duration, self._last_end = now - self._last_end, now
        improved = trial.value is not None and math.isfinite(trial.value) and (
            state.best is None or catalog.better(self.metric, trial.value, state.best.value))
        if improved:
            if trial.model is None:
                trial.model = self.refit(trial)
            self.outputs.write_model(self.step.pipeline_for(trial))
        algorithm = algorithm or learners.azure_name(state.plan.task, trial.learner)
        preprocessor = learners.PREPROCESSOR if preprocessor is None else preprocessor
        record = IterationRecord(run_id=f"{state.run_id}_{trial.iteration}", iteration=trial.iteration,
                                 status=FAILED if trial.failure else COMPLETED, run_algorithm=algorithm, run_preprocessor=preprocessor,
                                 hyperparameters=hyperparameters if hyperparameters is not None else trial.config,
                                 metrics=trial.metrics, duration_s=duration, seeded=seeded)
        with self.outputs.lock:
            if improved:
                if state.best is not None and state.best is not trial:
                    state.best.model = None
                state.best, state.model_iteration = trial, trial.iteration
            state.records.append(record)
            state.trials.append(trial)
            self._forget_predictions()
            self.outputs.write_metrics(state.records)
            self.step.write_summary()
            self.outputs.event("iteration", run_id=record.run_id, iteration=record.iteration, status=record.status,
                               run_algorithm=algorithm, run_preprocessor=preprocessor,
                               hyperparameters=record.hyperparameters, metrics=record.metrics,
                               duration_s=duration, seeded=seeded, primary_metric=self.metric,
                               is_best=improved, best_so_far=state.best_value(), learner=trial.learner,
                               **({"error": trial.failure} if trial.failure else {}))
        best = state.best_value()
        print(f"{trial.iteration:>4}  {preprocessor} {algorithm:<22} {duration:7.2f}s  "
              f"{_fmt(trial.value)}  {_fmt(best)}", file=sys.stderr, flush=True)

    def refit(self, trial: Trial):
        p, plan = self.prepared, self.state.plan
        return learners.refit(trial.estimator_class, trial.task_obj, trial.config, self.Xf, p.y, p.weight,
                              plan.n_jobs, plan.train_time_limit)

    def _forget_predictions(self) -> None:
        """Keep out-of-fold predictions only for the best KEEP_PREDICTIONS trials (memory)."""
        kept = [t for t in self.state.trials if t.pred is not None]
        if self.keep_predictions or len(kept) <= KEEP_PREDICTIONS:
            return
        sign = 1 if catalog.is_minimised(self.metric) else -1
        kept.sort(key=lambda t: sign * t.value if t.value is not None else math.inf)
        for t in kept[KEEP_PREDICTIONS:]:
            t.pred = t.y = t.weight = None

    def _check_limits(self) -> None:
        state, plan, s = self.state, self.state.plan, self.state.plan.settings
        done = len(state.trials)
        if self.stop_requested():
            raise SearchStopped("canceled")
        if done >= plan.search_iterations:
            raise SearchStopped("iterations")
        if plan.search_seconds is not None and time.time() - state.started >= plan.search_seconds:
            raise SearchStopped("timeout")
        best = state.best_value()
        if s.experiment_exit_score is not None and best is not None and (
                best == s.experiment_exit_score or catalog.better(self.metric, best, s.experiment_exit_score)):
            raise SearchStopped("exit_score")
        if s.enable_early_stopping and state.best is not None:
            last = done - 1
            if last - max(state.best.iteration, EARLY_STOPPING_LANDMARKS) >= EARLY_STOPPING_WINDOW:
                raise SearchStopped("early_stopping")


def _fmt(value) -> str:
    return "   n/a" if value is None else f"{value:.4f}"
