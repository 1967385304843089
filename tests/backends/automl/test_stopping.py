"""Why a run stops: the stop file, timeouts, exit score, early stopping, iterations."""
from __future__ import annotations

import json
import pickle
import subprocess
import time

import numpy as np
import pandas as pd

from app.backends.local.automl.budget import SLACK_SECONDS, SLACK_SHARE
from app.backends.local.automl.settings import EARLY_STOPPING_LANDMARKS, EARLY_STOPPING_WINDOW

from .conftest import ROOT, collect, fast, titanic_frame


def _wait_for_iterations(events, proc, count: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if events.exists() and events.read_text().count('"event": "iteration"') >= count:
            return
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise AssertionError("no iterations arrived")


def test_stop_file_cancels_within_two_seconds_and_keeps_the_model(runner):
    base, args = runner.paths(titanic_frame(), fast(iterations=1000, n_cross_validations=5))
    proc = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_iterations(base / "events.jsonl", proc, 3)
        started = time.time()
        (base / "stop").touch()
        proc.wait(timeout=2)
        assert time.time() - started < 2
    finally:
        proc.kill()
    result = collect(base, proc.returncode, "")
    assert result.returncode == 0
    assert result.finished["stop_reason"] == "canceled"
    summary = result.summary
    assert summary["stop_reason"] == "canceled"
    kept = len(result.of("iteration"))
    assert kept >= 3 and summary["n_iterations"] == kept
    assert len(json.loads((result.out / "metrics_data").read_text())) == kept
    with open(result.out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    X = titanic_frame().drop(columns=["Survived"])
    assert model.predict_proba(X).shape == (len(X), 2)


def test_experiment_timeout_stops_the_search(runner):
    # 10 s, counted from the step's start: its imports take a few seconds on a busy machine
    result = runner.run(titanic_frame(), fast(iterations=1000, experiment_timeout_minutes=10 / 60))
    assert result.returncode == 0, result.stderr
    assert result.finished["stop_reason"] == "timeout"
    assert result.finished["search_seconds"] < 10
    assert 0 < len(result.of("iteration")) < 1000


def test_exit_score_stops_once_reached(runner):
    result = runner.run(titanic_frame(), fast(iterations=50, primary_metric="accuracy", experiment_exit_score=0.5))
    assert result.returncode == 0, result.stderr
    assert result.finished["stop_reason"] == "exit_score"
    assert len(result.of("iteration")) == 1


def test_early_stopping_waits_for_twenty_then_ten_without_improvement(runner):
    # A perfectly separable label: iteration 0 already scores AUC 1.0 and nothing can beat it.
    x = np.linspace(-1, 1, 120)
    frame = pd.DataFrame({"x": x, "y": (x > 0).astype(int)})
    result = runner.run(frame, fast(label_column_name="y", primary_metric="AUC_weighted", iterations=100,
                                    enable_early_stopping=True, allowed_models=["LogisticRegression"]))
    assert result.returncode == 0, result.stderr
    assert result.finished["stop_reason"] == "early_stopping"
    assert result.finished["best_iteration"] == 0
    # never before the 20 landmark iterations, then 10 more without improvement
    assert len(result.of("iteration")) == EARLY_STOPPING_LANDMARKS + EARLY_STOPPING_WINDOW + 1


def test_without_early_stopping_the_same_run_goes_on(runner):
    x = np.linspace(-1, 1, 120)
    frame = pd.DataFrame({"x": x, "y": (x > 0).astype(int)})
    result = runner.run(frame, fast(label_column_name="y", primary_metric="AUC_weighted", iterations=35,
                                    allowed_models=["LogisticRegression"]))
    assert result.finished["stop_reason"] == "iterations"
    assert len(result.of("iteration")) == 35


def test_slow_learners_on_bigger_data_keep_both_timeouts(runner):
    """Forests with 5 folds on 20,000 rows: iterations that would overrun are cut at the
    iteration timeout, and the whole step — ensemble and reports included — ends within the
    experiment timeout plus its slack."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20000, 10))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
    frame["y"] = (X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(size=20000) > 0).astype(int)
    budget, per_iteration = 15.0, 4.0
    started = time.time()
    result = runner.run(frame, fast(label_column_name="y", iterations=100, n_cross_validations=5,
                                    allowed_models=["RandomForest", "ExtremeRandomTrees"],
                                    experiment_timeout_minutes=budget / 60,
                                    iteration_timeout_minutes=per_iteration / 60,
                                    enable_voting_ensemble=True, max_cores_per_iteration=2))
    wall = time.time() - started
    assert result.returncode == 0, result.stderr
    assert wall <= budget * (1 + SLACK_SHARE) + SLACK_SECONDS
    # the timeout, or FLAML ending the search itself when no learner's next trial fits the time left
    assert result.finished["stop_reason"] in ("timeout", "converged")
    iterations = result.of("iteration")
    assert iterations and all(e["duration_s"] <= per_iteration + 1.5 for e in iterations), \
        [e["duration_s"] for e in iterations]
    assert (result.out / "model_data").exists()


def test_a_step_where_every_iteration_times_out_fails_and_says_what_to_raise(runner):
    rows = 200_000  # no forest trains on 160,000 rows x 20 columns in 0.1 s
    rng = np.random.default_rng(1)
    X = rng.normal(size=(rows, 20)).astype(np.float32)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    frame["y"] = (X[:, 0] + rng.normal(size=rows) > 0).astype(int)
    result = runner.run(frame, fast(label_column_name="y", iterations=20, n_cross_validations=5,
                                    allowed_models=["RandomForest", "ExtremeRandomTrees"],
                                    experiment_timeout_minutes=10 / 60, iteration_timeout_minutes=0.1 / 60,
                                    enable_voting_ensemble=True))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "iteration_timeout_minutes" in result.stderr and "no model" in result.stderr, result.stderr
    assert result.finished["best_iteration"] == -1
    assert not (result.out / "model_data").exists()


def test_a_canceled_search_keeps_the_ensemble_built_during_it(runner):
    """Cancel right after the search has an ensemble ready: the step ends with that
    VotingEnsemble as its best iteration and model_data, and the model predicts."""
    base, args = runner.paths(titanic_frame(), fast(iterations=1000, n_cross_validations=5,
                                                    enable_voting_ensemble=True))
    events = base / "events.jsonl"
    proc = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 90
        while '"event": "ensemble_ready"' not in (events.read_text() if events.exists() else ""):
            assert proc.poll() is None, proc.stderr.read()
            assert time.time() < deadline, "no ensemble became ready during the search"
            time.sleep(0.05)
        (base / "stop").touch()
        proc.wait(timeout=30)
    finally:
        proc.kill()
    result = collect(base, proc.returncode, "")
    assert result.returncode == 0
    assert result.finished["stop_reason"] == "canceled"
    iterations = result.of("iteration")
    singles = [e for e in iterations if e["run_algorithm"] != "VotingEnsemble"]
    ready = result.of("ensemble_ready")[-1]
    summary = result.summary
    metric = summary["primary_metric"]
    best_single = max(e["metrics"][metric] for e in singles)
    model_iteration = iterations[summary["model_iteration"]]
    if ready["value"] > best_single:
        # the normal case: no trial after the last selection beat the ensemble
        assert model_iteration["run_algorithm"] == "VotingEnsemble"
        assert model_iteration["hyperparameters"]["ensembled_iterations"] == ready["members"]
        assert summary["best_metric"] == ready["value"] == result.finished["best_metric"]
    else:
        # a trial finishing after the selection beat it: that trial is the best, not a stale ensemble
        assert model_iteration["metrics"][metric] == best_single
    assert not (result.out / "model_data.ensemble").exists()
    with open(result.out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    X = titanic_frame().drop(columns=["Survived"])
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    if model_iteration["run_algorithm"] == "VotingEnsemble":
        assert type(model.steps[-1][1]).__name__ == "PreFittedSoftVotingClassifier"
        assert len(model.steps[-1][1].estimators) == len(ready["members"])


def test_a_finished_search_never_ends_with_a_worse_model_than_an_ensemble_it_held(runner):
    """The final ensembles choose among the best trials at the end; when the one kept ready
    during the search scored better, the step ends with that one."""
    result = runner.run(titanic_frame(), fast(iterations=40, n_cross_validations=5, enable_voting_ensemble=True))
    assert result.returncode == 0, result.stderr
    ready = result.of("ensemble_ready")
    assert ready, "no ensemble became ready during the search"
    summary = result.summary
    assert summary["best_metric"] >= max(e["value"] for e in ready)
    assert summary["best_metric"] == result.finished["best_metric"]
    model_iteration = result.of("iteration")[summary["model_iteration"]]
    assert model_iteration["metrics"][summary["primary_metric"]] == summary["best_metric"]
    assert not (result.out / "model_data.ensemble").exists()
