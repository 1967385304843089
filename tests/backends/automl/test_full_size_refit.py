"""The best iteration trained on a sample is trained again on as many training rows as the time allows."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd

from tests.backends.automl.conftest import ROOT, fast

ROWS = 150_000        # a 10 % holdout leaves 135,000 training rows; FLAML's first sample is 10,000 of them
TRAIN_ROWS = 135_000

# Runs the step as its process does, except that when the refit is about to start the
# experiment timeout is cut so that only SHARE of the refit's expected cost is left after the reserve.
SCENARIO = """
import sys
from app.backends.local import automl_step
from app.backends.local.automl import engine, fullsize

share = float(sys.argv[1])
original = fullsize.train_best_on_all_rows

def with_less_time(step):
    if share < 1:
        left = step.reports_cost() + step.ensembles_cost() + share * fullsize.cost(step)
        step.budget.seconds = step.budget.elapsed() + left
    original(step)

engine.fullsize.train_best_on_all_rows = with_less_time
sys.exit(automl_step.main(sys.argv[2:]))
"""


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(ROWS, 8)).astype(np.float32)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    frame["y"] = (X[:, 0] - X[:, 1] + X[:, 2] * X[:, 3] + rng.logistic(size=ROWS) > 0).astype(int)
    return frame


def _run(runner, share: float):
    base, args = runner.paths(_frame(), fast(label_column_name="y", iterations=3, n_cross_validations=None,
                                              allowed_models=["LightGBM"], experiment_timeout_minutes=2))
    done = subprocess.run([sys.executable, "-c", SCENARIO, str(share), *args[3:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    events = [json.loads(line) for line in (base / "events.jsonl").read_text().splitlines()]
    iterations = [e for e in events if e["event"] == "iteration"]
    warnings = [e["message"] for e in events if e["event"] == "warning"]
    statuses = [e["message"] for e in events if e["event"] == "status"]
    return iterations, warnings, statuses


def test_with_time_enough_the_sampled_best_is_trained_on_all_training_rows(runner):
    iterations, warnings, statuses = _run(runner, 1.0)
    searched, refit = iterations[:-1], iterations[-1]
    best = max(searched, key=lambda e: e["metrics"]["accuracy"])
    assert refit["hyperparameters"] == best["hyperparameters"]
    assert any(f"on all {TRAIN_ROWS:,} training rows" in s for s in statuses), statuses
    assert not any("skipped" in w for w in warnings), warnings


def test_with_half_the_time_it_needs_the_refit_trains_on_the_rows_that_fit(runner):
    iterations, warnings, statuses = _run(runner, 0.5)
    searched, refit = iterations[:-1], iterations[-1]
    best = max(searched, key=lambda e: e["metrics"]["accuracy"])
    assert refit["hyperparameters"] == best["hyperparameters"], (refit, warnings)
    said = [w for w in warnings if f"of the {TRAIN_ROWS:,} training rows" in w]
    assert len(said) == 1, warnings
    rows = int(said[0].split(" on ")[1].split(" of the ")[0].replace(",", ""))
    assert 2 * 10_000 <= rows < TRAIN_ROWS
    assert not any("ran out of time" in w for w in warnings), warnings


def test_with_too_little_time_the_refit_is_skipped_and_said_so(runner):
    iterations, warnings, _ = _run(runner, 0.05)
    assert len(iterations) == 3
    assert any("skipped training iteration" in w and "training rows" in w for w in warnings), warnings
