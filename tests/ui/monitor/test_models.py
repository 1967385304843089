"""The monitor's table models pass Qt's model checks, including while rows are appended."""
from __future__ import annotations

from app.ui.monitor.leaderboard_model import LeaderboardModel
from app.ui.monitor.records_model import RecordsTableModel
from app.ui.monitor.runs_model import RunsTreeModel


def test_leaderboard_model_checks_while_growing(qtmodeltester, make_iteration):
    model = LeaderboardModel()
    iterations = [make_iteration("s_automl", n) for n in range(12)]
    model.set_iterations(iterations[:4], "log_loss")
    qtmodeltester.check(model)
    model.set_iterations(iterations, "log_loss")
    qtmodeltester.check(model)
    values = [it.metrics["log_loss"] for it in iterations]
    assert model.iteration_at(model.best_row()).metrics["log_loss"] == min(values)


def test_runs_and_records_models_check(qtmodeltester, backend):
    backend.add_run("r1")
    backend.add_run("r2", experiment="houses")
    runs = RunsTreeModel()
    runs.set_runs(backend.list_runs(), ["empty experiment"])
    qtmodeltester.check(runs)
    assert runs.rowCount() == 3 and runs.rowCount(runs.index(1, 0)) == 1
    records = RecordsTableModel(["name", "value"])
    records.set_rows([{"name": "a", "value": 1.5}, {"name": "b", "value": None}])
    qtmodeltester.check(records)


def test_the_runs_list_shows_the_best_value_before_the_metric_name(backend):
    # the dock is narrow: a long metric name first would push the value out of sight
    run = backend.add_run("r1", task="regression")
    runs = RunsTreeModel()
    runs.set_runs(backend.list_runs(), [])
    shown = runs.data(runs.index(0, 2, runs.index(0, 0)))
    assert run.best_metric is not None and shown.startswith(f"{run.best_metric:.4f}")
    assert shown.endswith("normalized_root_mean_squared_error")


def test_a_failed_iteration_says_failed_where_its_score_would_be(make_iteration):
    from dataclasses import replace

    from PySide6.QtCore import Qt

    iterations = [make_iteration("s_automl", n) for n in range(3)]
    iterations[1] = replace(iterations[1], status="Failed", metrics={})
    model = LeaderboardModel()
    model.set_iterations(iterations, "log_loss")
    assert model.data(model.index(1, 3)) == "Failed"
    assert "iteration 1 failed" in model.data(model.index(1, 3), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(0, 3)) not in ("Failed", "")
