"""The forecasting AutoML step: series in, rolling-origin iterations, VotingEnsemble, outputs out.

It writes what the classification/regression engine writes (`Outputs`: events, metrics file,
model_data, summary.json, artifacts), so the executor, monitor and registry read a forecasting
run like any other. The experiment and iteration timeouts are checked between fits; a stop file
ends the step within a second from a watcher thread, keeping the best model so far.
"""
from __future__ import annotations

import math
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.backends.local.automl import scoring
from app.backends.local.automl.budget import Budget
from app.backends.local.automl.data import read_table
from app.backends.local.automl.settings import EARLY_STOPPING_LANDMARKS, EARLY_STOPPING_WINDOW
from app.backends.local.automl.forecasting import features as feat
from app.backends.local.automl.forecasting import report, schedule
from app.backends.local.automl.forecasting.ensemble import greedy_weights
from app.backends.local.automl.forecasting.forecasters import (
    MODEL_HISTORY, IterationTimeout, RegressionForecaster, VotingEnsemble, histories_upto, make_statistical)
from app.backends.local.automl.forecasting.model import ForecastModel
from app.backends.local.automl.forecasting.rolling import RollingForecasts, rolling_forecasts, step_sigmas
from app.backends.local.automl.forecasting.series import build_series, handle_short, plan_origins
from app.backends.local.automl.timeouts import IterationTimeout as AlarmTimeout
from app.backends.local.automl.timeouts import TrialAlarm
from app.backends.local.automl.watcher import claim_exit, exit_process, start_watcher
from app.core import catalog
from app.core.errors import UserInputError
from app.core.forecasting import DEFAULT_FOLDS, ForecastSettings
from app.core.runs import COMPLETED, FAILED, IterationRecord
from app.core.timeseries import season_length

REPORT_SECONDS = 2.0              # kept for the charts, guardrails and summary at the end
REFIT_MARGIN = 1.3                # a fit on all data against one rolling origin's: more rows, and noise
ENSEMBLE_CANDIDATES = 12
FEATURE_PREPROCESSOR = "TimeSeriesTransformer"


@dataclass
class Trial:
    iteration: int
    algorithm: str
    params: dict
    value: float | None
    make: object = None
    pred: np.ndarray | None = None
    fit_seconds: float = 0.0            # one fit of the rolling origins, about what a refit on all data costs


def run_forecasting(step, settings, seed: int, warnings: list[str]) -> None:
    """Entry point from the engine's Step for task: forecasting."""
    ForecastRun(step, settings, seed, warnings).run()


class ForecastRun:
    def __init__(self, step, settings, seed: int, warnings: list[str]):
        self.data_path, self.stop_file = step.paths["data"], step.stop_file
        self.outputs, self.run_id = step.outputs, step.run_id
        self.settings, self.seed, self.warnings = settings, seed, list(warnings)
        self.fs = ForecastSettings.from_block(settings.forecasting)
        self.metric = settings.metric
        # The engine's clock (started with the step process) when there is one: the timeout covers everything.
        self.budget = getattr(step, "budget", None) or Budget(settings.timeout_seconds())
        self.budget.seconds = settings.timeout_seconds()
        self.started = self.budget.started
        self.ensemble = settings.enable_voting_ensemble
        self.iteration_seconds = settings.iteration_timeout_minutes * 60 if settings.iteration_timeout_minutes else None
        self.alarm = TrialAlarm()
        self.phase = "featurization"
        self.records: list[IterationRecord] = []
        self.trials: list[Trial] = []
        self.best: Trial | None = None
        self.model: ForecastModel | None = None
        self.best_rolling: RollingForecasts | None = None
        self.stop_reason: str | None = None
        self.finished = False
        self.series = self.origins = self.plan = None
        self.rolling_rule = ""
        self._stop = threading.Event()
        self._out_of_time = False
        self._last_end = time.time()

    # -- stop file and hard deadline ---------------------------------------------------------
    def exit_now(self, reason: str) -> None:
        """The watcher's way out: outputs from what is committed, then end the process."""
        claim_exit()          # from here on the main thread cannot end the process with another code
        self._stop.set()
        self.finish(reason)
        failed = reason != "canceled" and self.model is None
        if failed:
            print(f"error: {self.no_model_message()}", file=sys.stderr)
        exit_process(2 if failed else 0)

    def no_model_message(self) -> str:
        """Why the step ends without a model, and what to change (the register step would need one)."""
        failed = sum(1 for r in self.records if r.status == FAILED)
        what = f"all {failed} iterations failed" if failed else "no iteration finished"
        return (f"no model: {what} within the time limits; raise experiment_timeout_minutes or "
                "iteration_timeout_minutes, or allow faster algorithms (e.g. Naive, ExponentialSmoothing)")

    def _status(self, phase: str, message: str) -> None:
        self.phase = phase
        self.outputs.status(phase, message)

    # -- phases ----------------------------------------------------------------------------
    def run(self) -> None:
        start_watcher(self)
        self._status("featurization", "reading the series and checking their timestamps")
        self.prepare(read_table(self.data_path))
        self._status("model_selection", f"trying {', '.join(sorted(self.allowed))} with {self.rolling_rule}")
        reason = self._search()
        if reason != "canceled" and self.ensemble and len(self.records) < self.settings.iterations \
                and sum(t.pred is not None for t in self.trials) >= 2:
            self._status("ensembling", "building VotingEnsemble from the rolling-origin forecasts")
            self._ensemble()
        self._status("finalizing", "writing charts, guardrails and the summary")
        if self.model is None and reason != "canceled":
            self.finish(reason)
            raise UserInputError(self.no_model_message())
        if self.model is not None:
            report.write_artifacts(self)
        self.finish(reason)

    def prepare(self, frame) -> None:
        """The series, origins and feature plan of `frame`, checked; problems end the step."""
        s, fs = self.settings, self.fs
        n_folds = s.n_cross_validations or DEFAULT_FOLDS
        if s.weight_column_name in frame.columns:
            # else it would be read as a covariate, and every future frame would have to carry it
            frame = frame.drop(columns=[s.weight_column_name])
            self.warnings.append(f"weight_column_name: the local forecasting engine does not weight rows; "
                                 f"column '{s.weight_column_name}' was left out of the features")
        series, problems = build_series(frame, fs, s.label_column_name, n_folds)
        if series is not None:
            origins, more = plan_origins(series, fs, n_folds)
            problems += more
            if origins is not None:
                problems += handle_short(series, fs, origins)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise UserInputError("; ".join(str(p) for p in errors))
        for message in self.warnings + [str(p).removeprefix("warning: ") for p in problems]:
            self.outputs.warning(message)
        self.series, self.origins, self.n_folds = series, origins, n_folds
        self.years_as_numbers = pd.api.types.is_numeric_dtype(frame[fs.time_column])
        self.rolling_rule = origins.rule
        season = season_length(series.freq) if fs.seasonality == "auto" else int(fs.seasonality)
        # Columns unknown at forecast time are read at the origin, the others at the forecast's time.
        unknown = [c for c in next(iter(series.covariates.values())).columns if c in fs.unknown_features]
        covariates = [c for c in next(iter(series.covariates.values())).columns if c not in unknown]
        self.numeric_covariates = [c for c in covariates if c not in series.categories]
        shortest = min(len(series.y[k]) for k in series.keys)
        self.plan = feat.plan_features(season, fs.horizon, fs.lag_list(), fs.rolling_window, series.freq, covariates,
                                       series.keys, fs.holidays_country, shortest, unknown)
        for message in feat.unused_settings(self.plan, fs, season, shortest, series.freq):
            self.outputs.warning(message)
        values = np.concatenate([series.y[k] for k in series.keys])
        self.y_range = float(values.max() - values.min())
        self.allowed = schedule.allowed_algorithms(s.allowed_models, s.blocked_models)
        if not self.allowed:
            raise UserInputError("allowed_models/blocked_models leave no forecasting algorithm to train")

    def maker(self, candidate: schedule.Candidate):
        """A function that makes a new, unfitted forecaster of `candidate`."""
        if candidate.algorithm in schedule.DEFAULTS:
            return lambda: RegressionForecaster(candidate.algorithm, candidate.params, self.plan, self.seed,
                                                1 if self.settings.max_cores_per_iteration == 1 else -1)
        return lambda: make_statistical(candidate.algorithm, self.plan.season, self.fs.horizon,
                                        self.numeric_covariates, candidate.params)

    def _search(self) -> str:
        candidates = self._ordered(schedule.first_candidates(self.allowed, self.plan.season,
                                                             bool(self.numeric_covariates)))
        rng = np.random.default_rng(self.seed)
        budget = self.settings.iterations - (1 if self.ensemble and self.settings.iterations > 2 else 0)
        while len(self.records) < budget:
            reason = self._limit_reached()
            if reason:
                return reason
            candidate = candidates.pop(0) if candidates else schedule.variation(rng, self.allowed)
            if candidate is None:
                return "iterations"
            self._try(candidate)
        return "iterations"

    def _ordered(self, candidates: list[schedule.Candidate]) -> list[schedule.Candidate]:
        """The first candidates, the per-series models later when many series make them slow (timed
        on the longest series: AutoETS, as ExponentialSmoothing fits it; a fit on a short stretch first
        compiles statsforecast's code, which the timing must leave out)."""
        if not any(c.algorithm in schedule.PER_SERIES for c in candidates) or self.budget.seconds is None:
            return candidates
        longest = max(self.series.keys, key=lambda k: len(self.series.y[k]))
        probe = make_statistical("ExponentialSmoothing", self.plan.season, self.fs.horizon, [])
        y = self.series.y[longest][-MODEL_HISTORY:]
        probe.path(y[-(2 * self.plan.season + self.fs.horizon + 10):], self.fs.horizon)
        started = time.time()
        probe.path(y, self.fs.horizon)
        ordered, cost = schedule.defer_slow_per_series(candidates, time.time() - started, len(self.series.keys),
                                                       self.n_folds + 1, self.budget.seconds)
        if ordered != candidates:
            self.outputs.warning(f"the per-series models (ExponentialSmoothing, AutoArima) are tried after the "
                                 f"regression learners: one iteration of them takes about {cost:.0f} s for "
                                 f"{len(self.series.keys)} series, more than {schedule.SLOW_SHARE:.0%} of the "
                                 "experiment timeout")
        return ordered

    def _search_deadline(self) -> float:
        """When the search must end: room left for the reports and for refitting, on all data, the
        members of the VotingEnsemble the trials so far would give (the best's fit is reused, so an
        ensemble of the best alone needs none). Until an iteration has given a model the whole
        timeout is the search's, since a run must end with one."""
        if self.budget.seconds is None:
            return math.inf
        if self.model is None:
            return self.budget.deadline()
        members = self._ensemble_members()[0] if self.ensemble else []
        return self.budget.deadline(self._refit_seconds(members) + REPORT_SECONDS)

    def _refit_seconds(self, members: list[Trial]) -> float:
        return REFIT_MARGIN * sum(t.fit_seconds for t in members if t is not self.best)

    def _limit_reached(self) -> str | None:
        if self._stop.is_set():
            return "canceled"
        if self._out_of_time or time.time() >= self._search_deadline():
            return "timeout"
        s, best = self.settings, self.best
        if s.experiment_exit_score is not None and best is not None and not catalog.better(
                self.metric, s.experiment_exit_score, best.value):
            return "exit_score"
        last = len(self.records) - 1
        if s.enable_early_stopping and best is not None and \
                last - max(best.iteration, EARLY_STOPPING_LANDMARKS) >= EARLY_STOPPING_WINDOW:
            return "early_stopping"
        return None

    def _iteration_deadline(self) -> tuple[float, bool]:
        """When the iteration's rolling origins must end, and whether that is the search's end
        rather than the iteration timeout. Before the search's deadline by the share that leaves
        its refit on all data (about one more origin's fit) room, should it improve: else the last
        iteration's refit would start at the deadline and be lost."""
        now = time.time()
        own = now + self.iteration_seconds if self.iteration_seconds else math.inf
        search = self._search_deadline()
        if math.isfinite(search):
            search = now + max(0.0, search - now) * self.n_folds / (self.n_folds + REFIT_MARGIN)
        return (search, True) if search <= own else (own, False)

    def _try(self, candidate: schedule.Candidate) -> None:
        make = self.maker(candidate)
        started = time.time()
        deadline, at_search_end = self._iteration_deadline()
        # Checked between fits, and interrupted inside one by the alarm: the iteration timeout is a hard limit.
        self.alarm.arm(deadline)
        try:
            with self.alarm.fitting():
                rolling = rolling_forecasts(make, self.series, self.fs.horizon, self.n_folds, self.origins.step,
                                            deadline if math.isfinite(deadline) else None)
        except (IterationTimeout, AlarmTimeout):
            # Cut at the search's end, the next ones would be too: the search ends here, not in a
            # row of iterations each given less time than the last.
            self._out_of_time |= at_search_end
            limit = "experiment timeout" if at_search_end else "iteration timeout"
            self._commit(Trial(len(self.trials), candidate.algorithm, candidate.params, None), {},
                         failure=f"stopped after {time.time() - started:.0f} s at the {limit}")
            return
        except Exception as exc:  # noqa: BLE001 - one failing algorithm must not end the run
            self._commit(Trial(len(self.trials), candidate.algorithm, candidate.params, None), {},
                         failure=f"{type(exc).__name__}: {exc}")
            return
        finally:
            self.alarm.disarm()
        trial = Trial(len(self.trials), candidate.algorithm, candidate.params, None, make,
                      fit_seconds=(time.time() - started) / self.n_folds)
        self._score_and_commit(trial, rolling, rolling.pred)

    def _score_and_commit(self, trial: Trial, rolling: RollingForecasts, pred: np.ndarray, final=None) -> None:
        """Score `trial`'s rolling-origin forecasts; an improving one is fitted on all data, as
        `final` (a forecaster, some of its parts fitted already) or else as a new one."""
        if not np.isfinite(pred).all():
            self._commit(trial, {}, failure="the forecasts hold NaN or infinite values")
            return
        metrics = scoring.regression_metrics(rolling.y, pred, self.y_range)
        trial.value, trial.pred = metrics.get(self.metric), pred
        improved = trial.value is not None and math.isfinite(trial.value) and (
            self.best is None or catalog.better(self.metric, trial.value, self.best.value))
        model = None
        if improved:
            started = time.time()
            # Also a hard limit: the reports after the search need their time, and an improving
            # iteration near the search's end would otherwise refit past the timeout.
            deadline = self.budget.deadline(REPORT_SECONDS)
            self.alarm.arm(deadline)
            try:
                with self.alarm.fitting():
                    model = self._final_model(final or trial.make(), rolling, pred,
                                              deadline if math.isfinite(deadline) else None)
            except (IterationTimeout, AlarmTimeout):
                self._commit(trial, metrics, failure=f"its refit on all data was stopped after "
                             f"{time.time() - started:.0f} s at the experiment timeout")
                return
            except Exception as exc:  # noqa: BLE001 - the refit on all data failed: not a usable best
                self._commit(trial, metrics, failure=f"refit on all data failed: {type(exc).__name__}: {exc}")
                return
            finally:
                self.alarm.disarm()
        self._commit(trial, metrics, model=model, rolling=rolling if improved else None)

    def _final_model(self, forecaster, rolling: RollingForecasts, pred: np.ndarray,
                     deadline: float | None = None) -> ForecastModel:
        series = self.series
        full = histories_upto(series, {k: len(series.y[k]) - 1 for k in series.keys})
        forecaster.fit(full, deadline)
        return ForecastModel(
            forecaster, time_column=self.fs.time_column, series_ids=self.fs.series_ids,
            label=self.settings.label_column_name, freq=series.freq, horizon=self.fs.horizon,
            covariates=self.plan.covariates, categories=series.categories,
            last_times={k: series.times[k][-1] for k in series.keys}, scales={k: h.scale for k, h in full.items()},
            sigmas=step_sigmas(rolling, pred, self.fs.horizon),
            last_covariates={k: series.covariates[k].iloc[-1].to_dict() for k in series.keys},
            years_as_numbers=self.years_as_numbers)

    def rebuilt_model(self, make) -> ForecastModel:
        """The model an improving iteration of `make` gets: its rolling origins again (for the
        interval widths), then the fit on all data."""
        rolling = rolling_forecasts(make, self.series, self.fs.horizon, self.n_folds, self.origins.step)
        return self._final_model(make(), rolling, rolling.pred)

    def _commit(self, trial: Trial, metrics: dict, failure: str | None = None, model=None,
                rolling: RollingForecasts | None = None) -> None:
        now = time.time()
        duration, self._last_end = now - self._last_end, now
        preprocessor = FEATURE_PREPROCESSOR if trial.algorithm in schedule.DEFAULTS else ""
        record = IterationRecord(run_id=f"{self.run_id}_{trial.iteration}", iteration=trial.iteration,
                                 status=FAILED if failure else COMPLETED, run_algorithm=trial.algorithm,
                                 run_preprocessor=preprocessor, hyperparameters=trial.params, metrics=metrics,
                                 duration_s=duration)
        with self.outputs.lock:
            if self.finished:
                return
            if model is not None:        # the file and the step's best change together, or neither
                self.outputs.write_model(model)
                self.best, self.model, self.best_rolling = trial, model, rolling
            self.records.append(record)
            self.trials.append(trial)
            self.outputs.write_metrics(self.records)
            self.write_summary()
            self.outputs.event("iteration", run_id=record.run_id, iteration=record.iteration, status=record.status,
                               run_algorithm=trial.algorithm, run_preprocessor=preprocessor,
                               hyperparameters=trial.params, metrics=metrics, duration_s=duration, seeded=False,
                               primary_metric=self.metric, is_best=model is not None,
                               best_so_far=self.best.value if self.best else None, learner=trial.algorithm,
                               **({"error": failure} if failure else {}))
        best = self.best.value if self.best else None
        print(f"{trial.iteration:>4}  {preprocessor} {trial.algorithm:<22} {duration:7.2f}s  "
              f"{_fmt(trial.value)}  {_fmt(best)}", file=sys.stderr, flush=True)
        if failure:
            print(f"      iteration {trial.iteration} failed: {failure}", file=sys.stderr, flush=True)

    # -- ensemble --------------------------------------------------------------------------
    def _ensemble_members(self) -> tuple[list[Trial], dict[int, int]]:
        """Greedy selection (`ensemble.greedy_weights`) over the rolling-origin forecasts of the
        best iteration of each algorithm (one per algorithm keeps the candidates diverse): the
        members picked, heaviest first, and how often each was picked (by iteration)."""
        sign = 1 if catalog.is_minimised(self.metric) else -1
        ranked = sorted((t for t in self.trials if t.pred is not None and t.value is not None),
                        key=lambda t: sign * t.value)
        pool, seen = [], set()
        for t in ranked:
            kind = (t.algorithm, t.params.get("method"))
            if kind not in seen:
                seen.add(kind)
                pool.append(t)
        pool = pool[:ENSEMBLE_CANDIDATES]
        if not pool or self.best_rolling is None:
            return [], {}
        picks = greedy_weights(self.best_rolling.y, [t.pred for t in pool])
        counts = {t.iteration: n for t, n in zip(pool, picks) if n}
        return sorted((t for t in pool if t.iteration in counts), key=lambda t: -counts[t.iteration]), counts

    def _ensemble(self) -> None:
        chosen, counts = self._ensemble_members()
        # Its members are refitted on all data: keep the heaviest-weighted ones whose refits fit in the time left.
        while len(chosen) > 2 and not self.budget.fits(self._refit_seconds(chosen) + REPORT_SECONDS):
            chosen.pop(next(i for i in range(len(chosen) - 1, -1, -1) if chosen[i] is not self.best))
        if not chosen:
            return
        refits = self._refit_seconds(chosen)
        if refits > 0 and not self.budget.fits(refits + REPORT_SECONDS):
            self.outputs.warning(self.budget.skip("VotingEnsemble", refits))
            return
        weights = [float(counts[t.iteration]) for t in chosen]
        pred = sum(w * t.pred for t, w in zip(chosen, weights)) / sum(weights)
        names = [str(t.iteration) for t in chosen]
        params = {"ensembled_iterations": names, "ensemble_weights": weights,
                  "ensembled_algorithms": [t.algorithm for t in chosen]}
        trial = Trial(len(self.trials), "VotingEnsemble", params, None,
                      make=lambda: VotingEnsemble([(n, t.make()) for n, t in zip(names, chosen)], weights))
        # The best member is fitted on all data already: its fit is reused, not repeated.
        reused = {str(self.best.iteration)} & set(names) if self.model is not None else set()
        final = VotingEnsemble([(n, self.model.forecaster if n in reused else t.make()) for n, t in zip(names, chosen)],
                               weights, fitted=reused)
        self._score_and_commit(trial, self.best_rolling, pred, final)

    # -- outputs ---------------------------------------------------------------------------
    def write_summary(self) -> None:
        self.outputs.write_summary(report.summary(self))

    def finish(self, reason: str) -> None:
        with self.outputs.lock:
            if self.finished:
                return
            self.stop_reason = reason
            self.outputs.write_metrics(self.records)
            self.write_summary()
            self.finished = True
            best = self.best
            self.outputs.finished(stop_reason=reason, best_iteration=best.iteration if best else -1,
                                  best_run_id=f"{self.run_id}_{best.iteration}" if best else "",
                                  best_metric=best.value if best else None, search_seconds=time.time() - self.started)


def _fmt(value) -> str:
    return "   n/a" if value is None else f"{value:.4f}"
