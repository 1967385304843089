"""How the forecasting search plans the experiment timeout: it keeps back what the ensemble it
would end with needs (the refits of its members on all data, the best's reused), leaves each
iteration room for its own refit, and an improving iteration's refit stops at the timeout."""
from __future__ import annotations

import json
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from app.backends.local.automl.budget import Budget
from app.backends.local.automl.forecasting import schedule
from app.backends.local.automl.forecasting.forecasters import Naive, VotingEnsemble
from app.backends.local.automl.forecasting.step import REFIT_MARGIN, REPORT_SECONDS, ForecastRun, Trial
from app.backends.local.automl.outputs import Outputs
from app.backends.local.automl.settings import load_settings
from app.core.runs import FAILED

TIMEOUT = 600.0


def _run(tmp_path, algorithms: list[str]) -> ForecastRun:
    """A run on a monthly series with `algorithms` tried, as the search tries them."""
    n = 96
    i = np.arange(n)
    y = 100 + 10 * np.sin(2 * np.pi * i / 12) + 0.3 * i + np.random.default_rng(1).normal(0, 3, n)
    frame = pd.DataFrame({"t": pd.date_range("2012-01-01", periods=n, freq="MS").astype(str), "y": y})
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"task": "forecasting", "label_column_name": "y", "seed": 0, "iterations": 10,
                                    "experiment_timeout_minutes": TIMEOUT / 60,
                                    "forecasting": {"time_column_name": "t", "forecast_horizon": 6}}))
    step = SimpleNamespace(paths={"data": None}, stop_file=None, run_id="S", budget=Budget(TIMEOUT),
                           outputs=Outputs(tmp_path / "out", tmp_path / "events.jsonl"))
    run = ForecastRun(step, *load_settings(settings))
    run.prepare(frame)
    for algorithm in algorithms:
        run._try(schedule.Candidate(algorithm, {}))
    assert run.best is not None
    return run


def _others(run: ForecastRun) -> list[Trial]:
    return [t for t in run.trials if t is not run.best]


def test_the_search_keeps_back_the_refits_of_the_ensemble_it_would_end_with(tmp_path):
    run = _run(tmp_path, ["Naive", "SeasonalNaive", "Average"])
    y = run.best_rolling.y
    partner, useless = _others(run)
    run.best.pred, partner.pred, useless.pred = y + 1.9, y - 2.0, y + 50.0     # opposite errors; one far off
    run.best.fit_seconds, partner.fit_seconds, useless.fit_seconds = 40.0, 10.0, 1000.0
    members, _ = run._ensemble_members()
    assert run.best in members and partner in members and useless not in members
    # The best is fitted on all data already, and the useless one is not picked: only the partner's refit is kept.
    assert run._search_deadline() == pytest.approx(run.budget.deadline(REFIT_MARGIN * 10.0 + REPORT_SECONDS))


def test_with_the_best_alone_in_the_ensemble_only_the_reports_time_is_kept(tmp_path):
    run = _run(tmp_path, ["Naive", "SeasonalNaive"])
    y = run.best_rolling.y
    (other,) = _others(run)
    run.best.pred, other.pred = y + 0.5, y + 30.0
    other.fit_seconds = 200.0
    assert run._ensemble_members()[0] == [run.best]
    assert run._search_deadline() == pytest.approx(run.budget.deadline(REPORT_SECONDS))


def test_an_iterations_rolling_origins_leave_room_for_its_refit(tmp_path):
    run = _run(tmp_path, ["Naive"])
    run.budget.started = time.time() - TIMEOUT + 100.0           # 100 s left
    left = run._search_deadline() - time.time()
    deadline, at_search_end = run._iteration_deadline()
    assert at_search_end
    assert deadline - time.time() == pytest.approx(left * run.n_folds / (run.n_folds + REFIT_MARGIN), abs=0.5)


class _SlowFit(Naive):
    def fit(self, histories, deadline=None):
        time.sleep(30)
        return super().fit(histories, deadline)


def test_an_iteration_cut_at_the_searchs_end_ends_the_search(tmp_path):
    run = _run(tmp_path, ["Naive", "SeasonalNaive"])
    run.maker = lambda candidate: (lambda: _SlowFit(run.plan.season, run.fs.horizon))
    run.budget.started = time.time() - (run._search_deadline() - run.budget.started) + 1.5    # 1.5 s of search left
    done = len(run.records)
    assert run._search() == "timeout"
    cut = run.records[done:]
    # Not a row of iterations each given less time than the last, all of them cut.
    assert len(cut) == 1 and cut[0].status == FAILED
    assert "at the experiment timeout" in json.loads((tmp_path / "events.jsonl").read_text().splitlines()[-1])["error"]


def test_an_improving_iterations_refit_stops_at_the_timeout_and_the_best_so_far_stays(tmp_path):
    run = _run(tmp_path, ["Naive", "SeasonalNaive"])
    best, model = run.best, run.model
    run.budget.started = time.time() - TIMEOUT + REPORT_SECONDS + 1.0     # 1 s before the reports' time
    trial = Trial(len(run.trials), "Naive", {}, None, make=lambda: _SlowFit(run.plan.season, run.fs.horizon))
    started = time.time()
    run._score_and_commit(trial, run.best_rolling, run.best_rolling.y.astype(float))    # a perfect forecast
    assert time.time() - started < 10
    record = run.records[-1]
    assert record.status == FAILED and record.iteration == trial.iteration
    assert run.best is best and run.model is model


def test_the_ensemble_reuses_the_best_members_fit_on_all_data(tmp_path, monkeypatch):
    run = _run(tmp_path, ["Naive", "SeasonalNaive"])
    y = run.best_rolling.y
    (partner,) = _others(run)
    run.best.pred, partner.pred = y + 1.9, y - 2.0
    fitted = run.model.forecaster
    fit = type(fitted).fit

    def refit_once_more(self, *args, **kwargs):
        assert self is not fitted, "the best member was fitted on all data again"
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(type(fitted), "fit", refit_once_more)
    run._ensemble()
    record = run.records[-1]
    assert record.run_algorithm == "VotingEnsemble" and record.status != FAILED, record
    assert run.best.algorithm == "VotingEnsemble"
    ensemble = run.model.forecaster
    assert isinstance(ensemble, VotingEnsemble) and any(member is fitted for _, member in ensemble.members)
    assert np.isfinite(ensemble.forecast_many([(k, np.arange(1, 7), None) for k in run.series.keys])[0]).all()
