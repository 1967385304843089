"""End-to-end runs on a local workspace with the real engine (small budgets)."""
from __future__ import annotations

import json
import pickle
import time

import pandas as pd

from app.core import runs as rs

from tests.backends.local.runs_helpers import (kill_quietly, processes_with, small_spec, wait_done, wait_for,
                                               wait_processes_gone)


def test_titanic_pipeline_runs_and_reuses(titanic_ws):
    spec = small_spec(iterations=10)
    run = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert run.status == rs.COMPLETED, run.error
    assert [s.name for s in run.steps] == ["data_prep", "automl", "register"]
    assert all(s.status == rs.COMPLETED for s in run.steps)
    assert len(run.iterations) >= 5
    assert all(len(it.metrics) >= 10 for it in run.iterations if it.status == rs.COMPLETED)
    automl = run.step("automl")
    frame = pd.DataFrame(json.loads(open(automl.outputs["metrics_data"]).read()))
    assert "AUC_weighted" in frame.index
    assert all(col.startswith(automl.run_id + "_") for col in frame.columns)
    prepared = pd.read_parquet(run.step("data_prep").outputs["prepared_data"])
    with open(automl.outputs["model_data"], "rb") as fh:
        model = pickle.load(fh)
    proba = model.predict_proba(prepared.drop(columns=["Survived"]))
    assert proba.shape == (891, 2)
    model_v1 = titanic_ws.get_model("TitanicSurvivalInitial")
    assert model_v1.version == 1 and model_v1.run_id == run.run_id
    assert run.properties["reproducibility"]["dataset_hash"].startswith("4a437f")

    again = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert again.status == rs.COMPLETED, again.error
    assert again.step("data_prep").reused and again.step("data_prep").reused_from == run.step("data_prep").run_id
    assert again.step("automl").reused
    assert len(again.iterations) == len(run.iterations)
    assert titanic_ws.get_model("TitanicSurvivalInitial").version == 2


def test_cancel_ends_within_two_seconds_and_keeps_best_model(titanic_ws):
    spec = small_spec(iterations=500, minutes=10)
    spec.data_prep.allow_reuse = False
    run_id = titanic_ws.submit(spec)
    wait_for(titanic_ws, run_id, lambda r: len(r.iterations) >= 2, timeout=120)
    started = time.monotonic()
    titanic_ws.cancel(run_id)
    run = wait_for(titanic_ws, run_id, lambda r: rs.is_terminal(r.status), timeout=10)
    assert time.monotonic() - started < 2.0
    assert run.status == rs.CANCELED
    assert run.step("automl").status == rs.CANCELED
    assert run.step("register").status == rs.CANCELED
    model_file = titanic_ws.layout.automl_dir(run.step("automl").run_id) / "model_data"
    assert model_file.is_file() and model_file.stat().st_size > 0


def test_crashing_step_fails_the_run_with_its_log(titanic_ws, tmp_path):
    script = tmp_path / "prep.py"
    script.write_text("import sys\nprint('reading input')\nprint('boom: column X is broken', file=sys.stderr)\n"
                      "sys.exit(3)\n")
    spec = small_spec()
    spec.data_prep.script, spec.data_prep.options = str(script), {}
    run = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert run.status == rs.FAILED
    assert "boom: column X is broken" in run.error and "exit code 3" in run.error
    assert [s.status for s in run.steps] == [rs.FAILED, rs.CANCELED, rs.CANCELED]
    from app.cli import main

    assert main(["--workspace", str(titanic_ws.root), "runs", "show", run.run_id]) == 0


def test_killed_executor_leaves_no_running_run(titanic_ws):
    from app.backends.local.workspace import LocalBackend

    spec = small_spec(iterations=500, minutes=10)
    spec.data_prep.allow_reuse = False
    run_id = titanic_ws.submit(spec)
    wait_for(titanic_ws, run_id, lambda r: r.step("automl").status == rs.RUNNING, timeout=60)
    killed = kill_quietly(processes_with(run_id))
    wait_processes_gone(run_id, also=killed)
    run = LocalBackend(titanic_ws.root).get_run(run_id)
    assert run.status == rs.FAILED and "interrupted" in run.error
    assert all(s.status in rs.TERMINAL for s in run.steps)


def test_runs_queue_and_start_in_the_order_they_were_submitted(titanic_ws):
    spec = small_spec(iterations=4)
    spec.data_prep.allow_reuse = spec.automl.allow_reuse = False
    submitted = [titanic_ws.submit(spec) for _ in range(3)]
    queued = wait_for(titanic_ws, submitted[1], lambda r: r.status == rs.QUEUED, timeout=30)
    assert "queued" in queued.phase
    finished = [wait_done(titanic_ws, run_id) for run_id in submitted]
    assert [r.status for r in finished] == [rs.COMPLETED] * 3
    for earlier, later in zip(finished, finished[1:]):
        assert later.started_at >= earlier.ended_at - 0.5


def test_warm_start_seeds_a_rerun_from_earlier_runs(titanic_ws):
    spec = small_spec(iterations=6)
    spec.data_prep.allow_reuse = spec.automl.allow_reuse = False
    first = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert first.status == rs.COMPLETED and not any(it.seeded for it in first.iterations)
    second = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert second.status == rs.COMPLETED, second.error
    assert any(it.seeded for it in second.iterations)
    spec.automl.local = {"warm_start": False}
    third = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert not any(it.seeded for it in third.iterations)
