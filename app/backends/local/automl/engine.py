"""The AutoML step from settings to outputs: featurize, search, ensemble, finalise.

`run_step` is what `python -m app.backends.local.automl_step` calls. A watcher thread turns
the stop file into a finished step within a second: it writes the final summary and event
from the state committed so far (model_data is already on disk) and exits the process.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from app.core.errors import UserInputError
from app.backends.local.automl import learners
from app.backends.local.automl.data import prepare, read_table
from app.backends.local.automl.featurize import fit_featurizer
from app.backends.local.automl.outputs import Outputs
from app.backends.local.automl.portfolio import merge, starting_points
from app.backends.local.automl.search import SearchCallbacks, SearchState, SearchStopped
from app.backends.local.automl.settings import choose_jobs, choose_validation, load_settings, make_plan
from app.backends.local.automl.summary import summary_dict
from app.backends.local.automl.warmstart import BEST_CONFIGS_FILE, best_configs, load_warm_starts

STOP_POLL_S = 0.1


class Step:
    def __init__(self, data: str, settings: str, output_dir: str, step_run_id: str, events: str, stop_file: str,
                 warm_start: list[str] | None = None):
        self.paths = dict(data=data, settings=settings)
        self.warm_start = list(warm_start or [])
        self.run_id = step_run_id
        self.stop_file = Path(stop_file) if stop_file else None
        self.outputs = Outputs(output_dir, events)
        self.state: SearchState | None = None
        self.prepared = None
        self.featurizer = None
        self.test_metrics: dict | None = None
        self.finished = False
        self._stop = threading.Event()

    # -- stop file -------------------------------------------------------------------
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def _watch(self) -> None:
        while not self.finished:
            if self.stop_file is not None and self.stop_file.exists():
                self._stop.set()
                self.finish("canceled")
                sys.stderr.flush()
                os._exit(0)
            time.sleep(STOP_POLL_S)

    # -- phases ----------------------------------------------------------------------
    def run(self) -> None:
        settings, seed, warnings = load_settings(self.paths["settings"])
        if settings.task == "forecasting":   # series need their own engine: time-ordered validation, lags
            from app.backends.local.automl.forecasting.step import run_forecasting

            return run_forecasting(self, settings, seed, warnings)
        threading.Thread(target=self._watch, name="stop-file", daemon=True).start()
        plan = make_plan(settings, seed, warnings)
        self.state = SearchState(run_id=self.run_id, plan=plan)
        self.outputs.status("featurization", "reading and featurizing the data")
        prepared = prepare(read_table(self.paths["data"]), settings, seed)
        self.prepared = prepared
        counts = prepared.class_counts()
        choose_validation(plan, len(prepared.y), min(counts.values()) if counts else None)
        plan.starting_points = self._starting_points()
        transformer, scaler, Xf = fit_featurizer(prepared.X, settings.featurization, prepared.y, prepared.n_classes)
        choose_jobs(plan, *Xf.shape)
        self.featurizer = (transformer, scaler)
        for message in plan.warnings + prepared.notes:
            self.outputs.warning(message)
        self.state.search_started = time.time()
        self.outputs.status("model_selection", f"searching {', '.join(plan.learners)} with {plan.validation_rule}")
        callbacks = SearchCallbacks(self, Xf)
        self.callbacks = callbacks
        reason = self._search(callbacks, Xf)
        if reason == "canceled":
            self.finish(reason)
            return
        if plan.ensembles and len(self.state.trials) >= 2:
            from app.backends.local.automl.ensemble import run_ensembles

            self.outputs.status("ensembling", f"building {' and '.join(plan.ensembles)}")
            run_ensembles(self, plan.ensembles)
        self.state.search_seconds = time.time() - self.state.search_started   # every iteration, ensembles included
        self.outputs.status("finalizing", "writing charts, guardrails and the summary")
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
        return merge(warm, starting_points(plan.learners, len(p.y), p.classes is not None))

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
            time_budget=plan.search_seconds + max(1.0, 0.05 * plan.search_seconds) if plan.search_seconds else -1,
            seed=plan.seed, n_jobs=plan.n_jobs, verbose=0, sample=False, retrain_full=False,
            skip_transform=True, auto_augment=False, mlflow_logging=False, log_file_name="",
        )
        if plan.eval_method == "cv":
            kwargs["n_splits"] = plan.n_splits
        else:
            kwargs["split_ratio"] = plan.validation_size
        if plan.train_time_limit:
            kwargs["train_time_limit"] = plan.train_time_limit
        if p.weight is not None:
            kwargs["sample_weight"] = p.weight
        if plan.starting_points:
            kwargs["starting_points"] = plan.starting_points
        automl = AutoML()
        for name, cls in learners.tolerant_learners(kwargs["task"], plan.learners).items():
            automl.add_learner(name, cls)
        try:
            automl.fit(X_train=Xf, y_train=p.y, **kwargs)
        except SearchStopped as stop:
            return stop.reason
        if not self.state.trials:
            raise UserInputError("no iteration finished within the time budget; raise experiment_timeout or "
                                 "iteration_timeout")
        timed_out = plan.search_seconds and time.time() - self.state.started >= 0.9 * plan.search_seconds
        return "timeout" if timed_out else "iterations"

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
            self.finished = True
            state = self.state
            if state is not None:
                if not state.search_seconds:
                    state.search_seconds = time.time() - state.search_started
                state.stop_reason = reason
                self.outputs.write_metrics(state.records)
                self.write_summary()
                if state.trials:
                    self.outputs.write_json(BEST_CONFIGS_FILE, best_configs(self))
            best = state.best if state is not None else None
            self.outputs.event("finished", stop_reason=reason,
                               best_iteration=best.iteration if best else -1,
                               best_run_id=f"{self.run_id}_{best.iteration}" if best else "",
                               best_metric=best.value if best else None,
                               search_seconds=state.search_seconds if state else 0.0)
