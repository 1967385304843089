"""Compare view on two finished runs; a downloaded (extension-less) metrics file opened without a workspace."""
from __future__ import annotations

import json

import matplotlib.colors
import pytest
from PySide6.QtCore import Qt

from app.core import metrics as metrics_io
from app.core import run_tables
from app.ui.monitor.compare_view import CompareView
from app.ui.monitor.metrics_file_view import MetricsFileView


@pytest.fixture
def compare(qtbot, backend, runner):
    backend.add_run("runA", iterations=8, seed=1)
    backend.add_run("runB", iterations=15, seed=2)
    backend.add_run("other", experiment="houses", iterations=5, task="regression")
    view = CompareView(backend, runner, ["runA", "runB"])
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.compared, timeout=5000):
        pass
    return view


def _best(backend, run_id, metric):
    its = backend.full_iterations(run_id)
    values = [it.metrics[metric] for it in its]
    return its[metrics_io.best_index(values, metric)].metrics


def test_two_finished_runs_show_both_curves_and_the_right_differences(compare, backend):
    assert compare.chosen_runs() == ["runA", "runB"]
    assert compare.baseline_combo.currentText() == "runA"
    assert compare.metric_combo.currentText() == "AUC_weighted"
    curves_ax, bars_ax = compare.canvas.figure.axes
    assert [line.get_label() for line in curves_ax.get_lines()] == ["runA", "runB"]
    runB_curve = curves_ax.get_lines()[1].get_ydata()
    assert max(runB_curve) == pytest.approx(_best(backend, "runB", "AUC_weighted")["AUC_weighted"])

    rows = {r["metric"]: r for r in compare.table.rows()}
    a, b = _best(backend, "runA", "AUC_weighted"), _best(backend, "runB", "AUC_weighted")
    for metric in ("AUC_weighted", "log_loss", "accuracy"):
        assert rows[metric]["runB - runA"] == pytest.approx(b[metric] - a[metric])
    assert len(bars_ax.patches) == 2 * 4


def test_changing_the_baseline_flips_the_differences(qtbot, compare, backend):
    before = {r["metric"]: r["runB - runA"] for r in compare.table.rows()}
    with qtbot.waitSignal(compare.compared, timeout=5000):
        compare.baseline_combo.setCurrentText("runB")
    after = {r["metric"]: r["runA - runB"] for r in compare.table.rows()}
    assert after["accuracy"] == pytest.approx(-before["accuracy"])


def test_compare_exports_png_and_csv(compare, tmp_path):
    compare.export_png(str(tmp_path / "c.png"))
    compare.export_csv(str(tmp_path / "c.csv"))
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    header = (tmp_path / "c.csv").read_text().splitlines()[0]
    assert header == "metric,runA,runB,runB - runA"


def test_downloaded_metrics_file_plots_without_a_workspace(qtbot, runner, tmp_path, backend):
    backend.add_run("dl", iterations=9, seed=3)
    folder = tmp_path / "azureml" / "dl_automl"
    folder.mkdir(parents=True)
    payload = metrics_io.to_metrics_json(backend.full_iterations("dl"))
    (folder / "metrics_data").write_text(json.dumps(dict(reversed(payload.items()))), encoding="utf-8")

    view = MetricsFileView(str(tmp_path), runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        pass
    frame = run_tables.metrics_file_frame(metrics_io.read_metrics_file(folder / "metrics_data"))
    assert view.leaderboard.model.rowCount() == 9
    xs, values, best, position = view.metric_chart.series
    assert view.metric_chart.current_metric() == "AUC_weighted"
    assert xs == list(range(9))
    assert values == pytest.approx(list(frame["AUC_weighted"]))
    assert best == pytest.approx(metrics_io.best_so_far(list(frame["AUC_weighted"]), "AUC_weighted"))
    assert view.leaderboard.model.best_row() == position


def test_a_file_that_is_not_metrics_says_so(qtbot, runner, tmp_path):
    bad = tmp_path / "metrics_data"
    bad.write_text("[1, 2]")
    view = MetricsFileView(str(bad), runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.load_failed, timeout=5000) as blocker:
        pass
    assert "not an AutoML metrics file" in blocker.args[0]


def test_runs_of_another_task_are_left_out_and_said_why(qtbot, backend, runner):
    from app.ui.monitor.compare_view import CompareView

    backend.add_run("c1", iterations=6, seed=0)
    backend.add_run("c2", iterations=6, seed=1)
    backend.add_run("r1", iterations=6, task="regression")
    view = CompareView(backend, runner, ["c1", "c2", "r1"])
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    with qtbot.waitSignal(view.compared, timeout=10_000):
        pass
    assert sorted(view.frames()) == ["c1", "c2"] and view.left_out() == ["r1"]
    text = view.message.text()
    assert text.startswith("2 runs;") and "Left out 1 run of another task (regression)" in text, text
    bars = view.canvas.figure.axes[1]
    assert bars.get_ylim()[0] > 0, "bars of scores must be zoomed to the data, not start at 0"


def test_regression_runs_compare_by_default_on_scores_of_one_scale(qtbot, backend, runner):
    backend.add_run("r1", iterations=6, seed=0, task="regression")
    backend.add_run("r2", iterations=6, seed=1, task="regression")
    view = CompareView(backend, runner, ["r1", "r2"])
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.compared, timeout=10_000):
        pass
    ticked = {view.bar_metrics.item(i).text() for i in range(view.bar_metrics.count())
              if view.bar_metrics.item(i).checkState() == Qt.CheckState.Checked}
    # not mean_absolute_error: in the label's units, its bar would dwarf the normalised ones
    assert ticked == {"normalized_root_mean_squared_error", "r2_score", "spearman_correlation"}


def test_the_best_so_far_axis_label_fits_the_chart_when_the_window_is_made_shorter(qtbot, backend, runner):
    backend.add_run("r1", iterations=6, seed=0, task="regression")
    backend.add_run("r2", iterations=6, seed=1, task="regression")
    view = CompareView(backend, runner, ["r1", "r2"])
    qtbot.addWidget(view)
    view.resize(1000, 900)
    view.show()
    with qtbot.waitSignal(view.compared, timeout=10_000):
        pass
    figure = view.canvas.figure
    curves_ax = figure.axes[0]
    full = "best normalized_root_mean_squared_error so far"
    qtbot.waitUntil(lambda: curves_ax.get_ylabel() == full, timeout=5000)

    view.resize(1000, 600)                          # as a user drags the window's edge up

    def label_fits() -> bool:
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        return curves_ax.yaxis.label.get_window_extent(renderer).height \
            <= curves_ax.get_window_extent(renderer).height * 1.15
    qtbot.waitUntil(lambda: "\n" in curves_ax.get_ylabel() and label_fits(), timeout=5000)
    assert curves_ax.get_ylabel().replace("_\n", "_").replace("\n", " ") == full

    view.resize(1000, 440)                          # shorter still: the metric's name alone is taller than the axes
    qtbot.waitUntil(lambda: "_\n" in curves_ax.get_ylabel() and label_fits(), timeout=5000)
    assert curves_ax.get_ylabel().replace("_\n", "_").replace("\n", " ") == full
    figure.canvas.draw()
    assert curves_ax.yaxis.label.get_window_extent(figure.canvas.get_renderer()).x0 >= 0, \
        "the wrapped label is wider: the layout must make room for it within the figure"
    boxes = [t.get_window_extent(figure.canvas.get_renderer()) for t in figure.axes[1].get_xticklabels()]
    assert len(boxes) >= 2 and all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:])), "bar names run into each other"


@pytest.mark.parametrize("width", [1000, 560])
def test_the_runs_legend_covers_no_curve_or_bar(qtbot, backend, runner, width):
    # In a window beside the runs dock the charts are small: a legend inside either one
    # covered its curves or bars. One legend under the curves names the runs of both.
    for n in range(4):
        backend.add_run(f"run{n}", iterations=12, seed=n)
    view = CompareView(backend, runner, [f"run{n}" for n in range(4)])
    qtbot.addWidget(view)
    view.resize(width, 640)
    view.show()
    with qtbot.waitSignal(view.compared, timeout=10_000):
        pass
    qtbot.wait(100)                                  # the canvas lays the figure out after the resize
    figure = view.canvas.figure
    curves_ax, bars_ax = figure.axes
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = curves_ax.get_legend().get_window_extent(renderer)
    assert bars_ax.get_legend() is None
    for ax in (curves_ax, bars_ax):
        assert not legend.overlaps(ax.get_window_extent(renderer))
    assert 0 <= legend.x0 and legend.x1 <= figure.bbox.width and legend.y0 >= 0
    curve_colours = [line.get_color() for line in curves_ax.get_lines()]
    bar_colours = list(dict.fromkeys(matplotlib.colors.to_hex(p.get_facecolor()) for p in bars_ax.patches))
    assert bar_colours == [matplotlib.colors.to_hex(c) for c in curve_colours]      # the same run, the same colour
