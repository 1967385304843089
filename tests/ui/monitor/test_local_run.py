"""The run view and the CLI on a real finished run of the local workspace (one tiny FLAML search)."""
from __future__ import annotations

import pytest

from app.backends.local.workspace import LocalBackend
from app.cli import main
from app.core import metrics as metrics_io
from app.ui.monitor.run_view import RunViewWidget
from tests.finished_run import finished_run_workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    return finished_run_workspace(tmp_path_factory)


def test_run_view_of_a_finished_local_run_agrees_with_its_metrics_file(qtbot, runner, finished):
    root, run_id = finished
    backend = LocalBackend(root, recover=False)
    view = RunViewWidget(backend, run_id, runner, interval_ms=50)
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(view.run_finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: view.outputs.model.rowCount() == 2, timeout=5000)

    run = view.run
    table = metrics_io.tidy_frame(metrics_io.read_metrics_file(view.outputs.outputs["metrics_data"]))
    values = list(table[run.primary_metric])
    best = metrics_io.best_index(values, run.primary_metric)
    model = view.leaderboard.model
    assert model.rowCount() == len(table)
    assert model.iteration_at(model.best_row()).iteration == int(table["iteration"][best]) == run.best_iteration
    assert model.best_so_far() == pytest.approx(metrics_io.best_so_far(values, run.primary_metric))
    assert view.metric_chart.series[2] == pytest.approx(model.best_so_far())
    assert [label.split(" | ")[0] for label in view.overview.steps.step_labels()] == ["data_prep", "automl", "register"]
    assert view.overview.guardrails.rowCount() > 0
    assert view.artifact_charts.chart_names()[0] == "ROC" and view.artifact_charts.drawn


def test_metrics_command_on_the_local_run(finished, capsys):
    root, run_id = finished
    assert main(["--workspace", str(root), "metrics", run_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ITERATION  PIPELINE") and sum(line.endswith("*") for line in lines) == 1
