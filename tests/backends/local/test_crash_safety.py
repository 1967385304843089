"""SIGKILL the app, the executor or the AutoML process at random points; nothing recorded is lost."""
from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time

import pytest

from app.backends.local.workspace import LocalBackend
from app.core import runs as rs
from app.core.spec import save_spec
from tests.backends.local.runs_helpers import (descendants_with, kill_quietly, processes_with, small_spec,
                                               wait_done, wait_processes_gone)

ROUNDS = 20


EXECUTOR = "app.backends.local.executor"


def executor_of(run_id):
    found = processes_with(EXECUTOR, run_id)
    return found[0] if found else None


def file_hash(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.mark.slow
def test_random_kills_leave_a_consistent_workspace(titanic_ws, tmp_path):
    rng = random.Random(7)
    spec = small_spec(iterations=12, folds=3)
    spec.data_prep.allow_reuse = spec.automl.allow_reuse = False
    baseline = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert baseline.status == rs.COMPLETED
    spec_path = tmp_path / "spec.yaml"
    save_spec(spec, spec_path)
    victims = []
    for _ in range(ROUNDS):
        victim = rng.choice(["app", "executor", "automl"])
        app = subprocess.Popen([sys.executable, "-m", "app", "--workspace", str(titanic_ws.root), "run",
                                str(spec_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 30
        run_id = None
        while run_id is None and time.monotonic() < end:
            runs = [r for r in titanic_ws.list_runs() if r.run_id not in victims and r.run_id != baseline.run_id]
            run_id = runs[0].run_id if runs else None
            time.sleep(0.02)
        assert run_id is not None
        victims.append(run_id)
        time.sleep(rng.uniform(0.0, 2.5))
        executor = executor_of(run_id)
        killed = []
        if victim == "app":
            app.kill()
        elif executor is not None:
            killed = kill_quietly([executor] if victim == "executor" else descendants_with(executor, "automl_step"))
        app.kill()
        app.wait()
        wait_processes_gone(EXECUTOR, run_id, timeout=60, also=killed)

    reopened = LocalBackend(titanic_ws.root)
    assert reopened.store.integrity_ok()
    runs = reopened.list_runs()
    assert not [r for r in runs if r.status in rs.ACTIVE]
    again = reopened.get_run(baseline.run_id)
    assert again.status == rs.COMPLETED and len(again.iterations) == len(baseline.iterations)
    for model in reopened.list_models():
        assert file_hash(model.path) == model.content_hash
    for run in runs:
        if run.status == rs.COMPLETED:
            assert reopened.get_model("TitanicSurvivalInitial", None)
            assert all(s.status == rs.COMPLETED for s in run.steps)
        for step in run.steps:
            assert step.status in rs.TERMINAL
