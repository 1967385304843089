"""Helpers for tests that drive real runs on a local workspace."""
from __future__ import annotations

import time

from app import locator
from app.core import runs as rs
from app.core.spec import load_spec


def small_spec(iterations=6, minutes=1.0, folds=3):
    spec = load_spec(locator.example_spec())
    spec.automl.iterations = iterations
    spec.automl.experiment_timeout_hours = None
    spec.automl.experiment_timeout_minutes = minutes
    spec.automl.iteration_timeout_minutes = None
    spec.automl.n_cross_validations = folds
    return spec


def wait_for(backend, run_id, predicate, timeout=120.0, poll=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        run = backend.get_run(run_id)
        if predicate(run):
            return run
        time.sleep(poll)
    raise AssertionError(f"timed out; run is {backend.get_run(run_id).status}: {backend.get_run(run_id).phase}")


def wait_done(backend, run_id, timeout=180.0):
    return wait_for(backend, run_id, lambda r: rs.is_terminal(r.status), timeout)
