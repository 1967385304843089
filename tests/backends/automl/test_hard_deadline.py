"""A step stuck where the iteration alarm cannot reach still ends at its hard deadline, with its model."""
from __future__ import annotations

import pickle
import subprocess
import sys
import time

from app.backends.local.automl.budget import SLACK_SECONDS, SLACK_SHARE
from tests.backends.automl.conftest import ROOT, collect, fast, titanic_frame

BUDGET = 12.0

# Runs the step as its process does, except that the work after the search hangs the way a
# fit inside a C library can: with the alarm's signal blocked, nothing in the main thread wakes.
SCENARIO = """
import signal, sys, time
from app.backends.local import automl_step
from app.backends.local.automl import engine

def stuck(step):
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
    time.sleep(600)

engine.fullsize.train_best_on_all_rows = stuck
sys.exit(automl_step.main(sys.argv[1:]))
"""


def test_a_step_stuck_after_its_search_ends_at_the_hard_deadline_with_the_ensemble_it_kept(runner):
    base, args = runner.paths(titanic_frame(), fast(iterations=1000, n_cross_validations=5,
                                                    enable_voting_ensemble=True,
                                                    experiment_timeout_minutes=BUDGET / 60))
    started = time.time()
    done = subprocess.run([sys.executable, "-c", SCENARIO, *args[3:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    wall = time.time() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert wall <= BUDGET * (1 + SLACK_SHARE) + SLACK_SECONDS + 1.0, wall     # + 1 s: this interpreter's start
    result = collect(base, done.returncode, done.stderr)
    assert result.finished["stop_reason"] == "timeout"
    assert any("experiment timeout was reached" in e["message"] for e in result.of("warning")), result.of("warning")
    summary = result.summary
    iterations = result.of("iteration")
    assert summary["n_iterations"] == len(iterations) >= 2
    with open(result.out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    model_iteration = iterations[summary["model_iteration"]]
    ready = result.of("ensemble_ready")
    metric = summary["primary_metric"]
    best_single = max(e["metrics"][metric] for e in iterations if e["run_algorithm"] != "VotingEnsemble")
    if ready and ready[-1]["value"] > best_single:
        # the ensemble kept ready during the search becomes the step's model
        assert model_iteration["run_algorithm"] == "VotingEnsemble"
        assert model_iteration["hyperparameters"]["ensembled_iterations"] == ready[-1]["members"]
        assert type(model.steps[-1][1]).__name__ == "PreFittedSoftVotingClassifier"
    else:
        assert model_iteration["metrics"][metric] == best_single
    X = titanic_frame().drop(columns=["Survived"])
    assert model.predict_proba(X).shape == (len(X), 2)
