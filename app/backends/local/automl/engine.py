"""The AutoML step from settings to outputs: featurize, search, ensemble, finalise.

`run_step` is what `python -m app.backends.local.automl_step` calls. A watcher thread turns
the stop file into a finished step within a second: it writes the final summary and event
from the state committed so far (model_data is already on disk) and exits the process. The
same thread enforces the experiment timeout as a hard limit (see `budget`): the search ends
early enough to leave the measured cost of ensembles and reports, each of those is skipped
(and said so) when it no longer fits, and at the hard deadline the step finishes from what
is committed, whatever is running.
"""
from __future__ import annotations

import math
import sys
import threading
import time
from pathlib import Path

import numpy as np

from app.core.errors import UserInputError
from app.backends.local.automl import fullsize, learners
from app.backends.local.automl.budget import Budget
from app.backends.local.automl.data import prepare, read_table, split_rows
from app.backends.local.automl.early_ensemble import EarlyEnsembles
from app.backends.local.automl.featurize import fit_featurizer
from app.backends.local.automl.outputs import Outputs
from app.backends.local.automl.portfolio import SMALL_DATA_ROWS, merge, starting_points
from app.backends.local.automl.search import SearchCallbacks, SearchState, SearchStopped
from app.backends.local.automl.settings import choose_jobs, choose_validation, load_settings, make_plan
from app.backends.local.automl.summary import summary_dict
from app.backends.local.automl.threads import limit_blas_threads
from app.backends.local.automl.warmstart import BEST_CONFIGS_FILE, best_configs, load_warm_starts
from app.backends.local.automl.watcher import claim_exit, exit_process, start_watcher

# Before any trial has been measured, this share of the timeout is kept for ensembles and reports.
FIRST_RESERVE_SHARE = 0.1
MAX_RESERVE_SHARE = 0.4         # the search always gets at least the rest
EXIT_RESERVE_S = 1.0            # summary, metrics file, best configurations, events
# The search ends a little after its deadline (the running trial's last callback, FLAML's own
# bookkeeping): measured up to about a second on a busy machine.
MARGIN_SHARE, MARGIN_S = 0.02, 0.5
# FLAML's first sample: its own 10,000 rows, but at least a twentieth of the training rows — on a
# million rows, models on 10,000 scored 0.72 where those on all of them reach 0.76.
MIN_SAMPLE_ROWS, SAMPLE_SHARE = 10_000, 40
TRIAL_SHARE = 0.25              # without an iteration timeout, FLAML aims each trial at this share
FLAML_BUDGET_FACTOR = 10
# Without an experiment timeout FLAML still gets a time budget, a year: with none it treats
# every learner as costing what LightGBM costs, and the opening round's order is lost.
NO_TIMEOUT_FLAML_BUDGET = 365 * 24 * 3600.0


class Step:
    def __init__(self, data: str, settings: str, output_dir: str, step_run_id: str, events: str, stop_file: str,
                 warm_start: list[str] | None = None, started: float | None = None):
        self.paths = dict(data=data, settings=settings)
        self.budget = Budget(None, started=started or time.time())
        self.phase = "starting"
        self.warm_start = list(warm_start or [])
        self.run_id = step_run_id
        self.stop_file = Path(stop_file) if stop_file else None
        self.outputs = Outputs(output_dir, events)
        self.state: SearchState | None = None
        self.prepared = None
        self.featurizer = None
        self.test_metrics: dict | None = None
        self.train_part = None          # (X, y, weight) a holdout search trains on
        self.validation_part = None     # (X, y, weight) of the holdout
        self.early_ensembles: EarlyEnsembles | None = None
        self.holdout = None             # (training rows, validation rows) of a holdout search
        self.finished = False
        self._stop = threading.Event()

    # -- stop file -------------------------------------------------------------------
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def exit_now(self, reason: str) -> None:
        """The watcher's way out: outputs from what is committed, then end the process."""
        claim_exit()          # from here on the main thread cannot end the process with another code
        self._stop.set()
        self.finish(reason)
        failed = reason != "canceled" and (self.state is None or self.state.best is None)
        if failed:
            print(f"error: {self.no_model_message()}", file=sys.stderr)
        exit_process(2 if failed else 0)

    def no_model_message(self) -> str:
        """Why the step ends without a model, and what to change (the register step would need one)."""
        trials = self.state.trials if self.state is not None else []
        timed_out = sum(1 for t in trials if "timed out" in str(getattr(t, "failure", "") or ""))
        what = (f"all {len(trials)} iterations failed ({timed_out} ran past iteration_timeout_minutes)" if trials
                else "no iteration finished")
        return (f"no model: {what} within the time limits; raise iteration_timeout_minutes or "
                "experiment_timeout_minutes, or allow faster models (e.g. LightGBM)")

    def status(self, phase: str, message: str) -> None:
        self.phase = phase
        self.outputs.status(phase, message)

    # -- the time plan ---------------------------------------------------------------
    def search_deadline(self) -> float:
        """When model selection must end to leave time for what comes after it."""
        return self.budget.deadline(reserve=self.finishing_reserve())

    def finishing_reserve(self) -> float:
        """Expected seconds for ensembles, reports and writing the outputs, from measured costs."""
        total = self.budget.seconds
        if total is None:
            return 0.0
        state = self.state
        best = state.best if state is not None else None
        if best is None:
            return FIRST_RESERVE_SHARE * total
        estimate = (EXIT_RESERVE_S + MARGIN_S + MARGIN_SHARE * total + self.reports_cost() + self.ensembles_cost()
                    + fullsize.planned_cost(self))
        return min(estimate, MAX_RESERVE_SHARE * total)

    def predict_cost(self, rows: int) -> float:
        """Seconds for the best model to predict `rows` rows, from its validation predictions."""
        best = self.state.best
        if best is None or best.y is None or not len(best.y):
            return 0.0
        return best.predict_seconds * rows / len(best.y)

    def reports_cost(self) -> float:
        from app.backends.local.automl.report import reports_cost

        return reports_cost(self)

    def ensembles_cost(self) -> float:
        plan = self.state.plan
        if not plan.ensembles:
            return 0.0
        from app.backends.local.automl.ensemble import SELECTION_COST_S, members_cost

        return SELECTION_COST_S * len(plan.ensembles) + members_cost(self)

    # -- phases ----------------------------------------------------------------------
    def run(self) -> None:
        settings, seed, warnings = load_settings(self.paths["settings"])
        self.budget.seconds = settings.timeout_seconds()
        self.blas_limit = limit_blas_threads(settings.max_cores_per_iteration)
        if settings.task == "forecasting":   # series need their own engine: time-ordered validation, lags
            from app.backends.local.automl.forecasting.step import run_forecasting

            return run_forecasting(self, settings, seed, warnings)
        start_watcher(self)
        plan = make_plan(settings, seed, warnings)
        self.state = SearchState(run_id=self.run_id, plan=plan, started=self.budget.started)
        self.status("featurization", "reading and featurizing the data")
        prepared = prepare(read_table(self.paths["data"]), settings, seed)
        self.prepared = prepared
        counts = prepared.class_counts()
        choose_validation(plan, len(prepared.y), min(counts.values()) if counts else None)
        plan.starting_points = self._starting_points()
        order_y = prepared.y
        if plan.eval_method == "holdout":
            # our own holdout, so that the training part is known for training a sampled best on all
            # of it, and so that categories are ordered by the training part's targets only
            self.holdout = split_rows(prepared.y, plan.validation_size, plan.seed, stratify=prepared.classes is not None)
            order_y = prepared.y.astype(float)
            order_y[self.holdout[1]] = np.nan
        transformer, scaler, Xf = fit_featurizer(prepared.X, settings.featurization, order_y, prepared.n_classes)
        choose_jobs(plan, *Xf.shape)
        self.featurizer = (transformer, scaler)
        for message in plan.warnings + prepared.notes:
            self.outputs.warning(message)
        self.state.search_started = time.time()
        self.status("model_selection", f"searching {', '.join(plan.learners)} with {plan.validation_rule}")
        callbacks = SearchCallbacks(self, Xf)
        self.callbacks = callbacks
        if "VotingEnsemble" in plan.ensembles:
            self.early_ensembles = callbacks.early_ensembles = EarlyEnsembles(self)
        reason = self._search(callbacks, Xf)
        callbacks.early_ensembles = None          # the ensembles proper follow
        if reason == "canceled":
            self.finish(reason)
            return
        if self.state.best is None:
            self.finish(reason)
            raise UserInputError(self.no_model_message())
        fullsize.train_best_on_all_rows(self)
        if plan.ensembles and len(self.state.trials) >= 2:
            from app.backends.local.automl.ensemble import run_ensembles

            self.status("ensembling", f"building {' and '.join(plan.ensembles)}")
            run_ensembles(self, plan.ensembles)
        self.state.search_seconds = time.time() - self.state.search_started   # every iteration, ensembles included
        self.status("finalizing", "writing charts, guardrails and the summary")
        if self.state.best is not None:
            from app.backends.local.automl.report import write_reports

            write_reports(self)
        self.finish(reason)

    def _starting_points(self) -> dict:
        """Earlier runs' best configurations (warm start), then each library's defaults."""
        plan, p = self.state.plan, self.prepared
        warm: dict = {}
        if self.warm_start and plan.settings.local.get("warm_start", True):
            warm, notes = load_warm_starts(self.warm_start, plan.task, p.feature_columns, plan.learners)
            plan.warnings.extend(notes)
        elif self.warm_start:
            plan.warnings.append("warm start files were given but local.warm_start is false; starting fresh")
        plan.warm_starts = warm
        return merge(warm, starting_points(plan.learners, len(p.y), p.classes is not None, self.first_fit_rows()))

    def first_fit_rows(self) -> int:
        """Training rows of a first trial: a fold with cross-validation, FLAML's first sample with a holdout."""
        plan, n = self.state.plan, len(self.prepared.y)
        if plan.eval_method == "cv":
            return n * (plan.n_splits - 1) // plan.n_splits
        train = n - int(math.ceil(plan.validation_size * n))
        return min(train, max(MIN_SAMPLE_ROWS, train // SAMPLE_SHARE))

    def _search(self, callbacks: SearchCallbacks, Xf) -> str:
        from flaml import AutoML

        plan = self.state.plan
        p = self.prepared
        kwargs = dict(
            task="classification" if p.classes is not None else "regression",
            metric=callbacks.metric_fn, cv_score_agg_func=callbacks.cv_agg_fn,
            eval_method=plan.eval_method, estimator_list=plan.learners,
            max_iter=plan.search_iterations + 1,  # we stop ourselves; never max_iter=1 (FLAML skips the search)
            # a little beyond our own limit, so our check ends the search (FLAML would retrain on its own)
            time_budget=self._flaml_budget(),
            seed=plan.seed, n_jobs=plan.n_jobs, verbose=0, retrain_full=False,
            # with a holdout (big data), early trials train on samples that grow for the promising learners
            sample=plan.eval_method == "holdout",
            skip_transform=True, auto_augment=False, mlflow_logging=False, log_file_name="",
        )
        X_fit, y_fit, w_fit = Xf, p.y, p.weight
        if plan.eval_method == "cv":
            kwargs["n_splits"] = plan.n_splits
        else:
            train, val = self.holdout
            X_fit, y_fit = Xf.iloc[train], p.y[train]
            kwargs.update(X_val=Xf.iloc[val], y_val=p.y[val])
            if p.weight is not None:
                w_fit, kwargs["sample_weight_val"] = p.weight[train], p.weight[val]
            self.train_part = (X_fit, y_fit, w_fit)
            kwargs["min_sample_size"] = self.first_fit_rows()
            self.validation_part = (kwargs["X_val"], kwargs["y_val"], kwargs.get("sample_weight_val"))
            callbacks.full_size = len(y_fit)
        soft_limit = plan.train_time_limit or (TRIAL_SHARE * self.budget.seconds if self.budget.seconds else None)
        if soft_limit:
            kwargs["train_time_limit"] = soft_limit
        if w_fit is not None:
            kwargs["sample_weight"] = w_fit
        if plan.starting_points:
            kwargs["starting_points"] = plan.starting_points
        automl = AutoML()
        opening_round = len(p.y) <= SMALL_DATA_ROWS     # on big data, the cheap learners first
        for name, cls in learners.tolerant_learners(kwargs["task"], plan.learners, callbacks, opening_round).items():
            automl.add_learner(name, cls)
        try:
            automl.fit(X_train=X_fit, y_train=y_fit, **kwargs)
        except SearchStopped as stop:
            reason = stop.reason
        else:
            timed_out = self.budget.seconds and time.time() >= self.search_deadline() - 0.1 * self.budget.seconds
            if len(self.state.trials) >= plan.search_iterations:
                reason = "iterations"
            elif timed_out:
                reason = "timeout"
            elif not getattr(automl, "_active_estimators", True):
                reason = "search_space_exhausted"      # FLAML had no configuration left to try for any learner
            else:       # FLAML ended the search itself: it expected no learner's next trial to improve in time
                reason = "converged"
        finally:
            callbacks.alarm.disarm()
        if not self.state.trials and reason != "canceled":
            raise UserInputError("no iteration finished within the time budget; raise experiment_timeout or "
                                 "iteration_timeout")
        return reason

    def _flaml_budget(self) -> float:
        """Far beyond our own deadline: FLAML gives a trial on a sample only its share of the time
        left (half of it, times the sample's share of the rows), which cut boosting short on big
        data until the models predicted a single class. Our deadline and the trial alarm end the
        search; TRIAL_SHARE (or the iteration timeout) is each trial's own soft limit."""
        if self.budget.seconds is None:
            return NO_TIMEOUT_FLAML_BUDGET
        return FLAML_BUDGET_FACTOR * max(1.0, self.search_deadline() - time.time())

    # -- outputs ---------------------------------------------------------------------
    def pipeline_for(self, trial):
        transformer, scaler = self.featurizer
        step = getattr(trial, "step_name", None) or learners.azure_name(self.state.plan.task, trial.learner).lower()
        return learners.pipeline(transformer, scaler, trial.model, step, self.prepared.classes)

    def write_summary(self) -> None:
        """summary.json as things stand; rewritten after every iteration so a killed step still has one."""
        self.outputs.write_summary(summary_dict(self))

    def finish(self, reason: str) -> None:
        """Summary, metrics file and the finished event; once, from whichever thread gets here first."""
        with self.outputs.lock:
            if self.finished:
                return
            state = self.state
            if self.early_ensembles is not None:
                self.early_ensembles.keep()       # an iteration still: before the step counts as finished
            self.finished = True
            if state is not None:
                if not state.search_seconds:
                    state.search_seconds = time.time() - state.search_started
                state.stop_reason = reason
                self.outputs.write_metrics(state.records)
                self.write_summary()
                if state.trials:
                    self.outputs.write_json(BEST_CONFIGS_FILE, best_configs(self))
            best = state.best if state is not None else None
            self.outputs.finished(stop_reason=reason,
                                  best_iteration=best.iteration if best else -1,
                                  best_run_id=f"{self.run_id}_{best.iteration}" if best else "",
                                  best_metric=best.value if best else None,
                                  search_seconds=state.search_seconds if state else 0.0)
