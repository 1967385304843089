"""The run view on a live (fake) run: leaderboard and chart fill in while it runs."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QStyleOptionViewItem

from app.core import metrics as metrics_io
from app.core import runs as rs
from app.ui.monitor.leaderboard_model import IS_BEST_ROLE
from app.ui.monitor.run_view import RunViewWidget


def _open_live(qtbot, backend, runner, run_id: str, per_poll: int, tab: int) -> RunViewWidget:
    backend.add_live_run(run_id, total=12, per_poll=per_poll)
    view = RunViewWidget(backend, run_id, runner, interval_ms=20)
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentIndex(tab)
    return view


@pytest.fixture
def live_view(qtbot, backend, runner):
    view = _open_live(qtbot, backend, runner, "live1", per_poll=3, tab=2)
    yield view
    view.stop()


def test_live_run_fills_leaderboard_and_chart_while_running(qtbot, live_view):
    seen = []
    live_view.snapshot_applied.connect(lambda s: seen.append((s.run.status, len(s.run.iterations),
                                                              live_view.leaderboard.model.rowCount(),
                                                              len(live_view.metric_chart.series[0]))))
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    running = [s for s in seen if s[0] == rs.RUNNING]
    assert any(0 < n < 12 for _, n, _, _ in running), "saw the run only once it had finished"
    assert all(rows == n and points == n for _, n, rows, points in seen)
    assert live_view.leaderboard.model.rowCount() == 12
    assert not live_view.poller.is_active()


def test_pipeline_names_of_later_iterations_are_shown_whole(qtbot, backend, runner):
    # The first poll brings "MaxAbsScaler LightGBM"; later ones longer names such as
    # "StandardScalerWrapper ExtremeRandomTrees", which the column sized at the start cut off.
    view = _open_live(qtbot, backend, runner, "live2", per_poll=1, tab=1)
    with qtbot.waitSignal(view.run_finished, timeout=10_000):
        pass
    table, proxy = view.leaderboard.view, view.leaderboard.proxy
    pipeline = next(c for c in range(proxy.columnCount()) if proxy.headerData(c, Qt.Orientation.Horizontal) == "Pipeline")
    names = [proxy.index(r, pipeline).data() for r in range(proxy.rowCount())]
    assert len(set(names)) > 3
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    needed = max(table.itemDelegate().sizeHint(option, proxy.index(r, pipeline)).width()    # bold for the best
                 for r in range(proxy.rowCount()))
    assert needed <= table.columnWidth(pipeline), (needed, table.columnWidth(pipeline))
    view.stop()


def test_best_row_and_best_so_far_line_agree_with_the_metrics_file(qtbot, live_view, backend, tmp_path):
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    metric = live_view.run.primary_metric
    outputs = backend.fetch_outputs("live1", dest=tmp_path)
    table = metrics_io.tidy_frame(metrics_io.read_metrics_file(outputs["metrics_data"]))
    expected_best = metrics_io.best_so_far(list(table[metric]), metric)
    best_iteration = int(table["iteration"][metrics_io.best_index(list(table[metric]), metric)])

    model = live_view.leaderboard.model
    assert model.best_so_far() == pytest.approx(expected_best)
    assert model.iteration_at(model.best_row()).iteration == best_iteration
    proxy = live_view.leaderboard.proxy
    marked = [proxy.index(r, 0).data() for r in range(proxy.rowCount()) if proxy.index(r, 0).data(IS_BEST_ROLE)]
    assert marked == [f"★ {best_iteration}"]

    xs, _values, line, position = live_view.metric_chart.series
    assert line == pytest.approx(expected_best)
    assert xs[position] == best_iteration
    artists = live_view.metric_chart._artists
    assert list(artists["best_line"].get_ydata()) == pytest.approx(expected_best)


def test_sorting_by_metric_keeps_the_best_marked(qtbot, live_view):
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    view, proxy = live_view.leaderboard.view, live_view.leaderboard.proxy
    metric = live_view.run.primary_metric
    view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    top = proxy.index(0, 0)
    assert top.data(IS_BEST_ROLE), f"best {metric} should sort to the top"


def test_overview_steps_logs_outputs_and_artifact_charts(qtbot, live_view):
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: live_view.outputs.model.rowCount() == 2, timeout=5000)
    labels = live_view.overview.steps.step_labels()
    assert labels[0].startswith("data_prep | Completed · ♻ reused")
    assert "Completed" in live_view.overview.headline.text()
    assert not live_view.logs.views, "a hidden Logs tab should not lay out text"
    live_view.tabs.setCurrentIndex(3)
    assert "iteration 11" in live_view.logs.views["automl"].toPlainText()
    assert "did not run again" in live_view.logs.views["data_prep"].toPlainText()
    assert live_view.artifact_charts.chart_names()[:3] == ["ROC", "Precision-recall", "Calibration"]
    for chart in live_view.artifact_charts.chart_names():
        live_view.artifact_charts.show_chart(chart)
        assert live_view.artifact_charts.drawn, chart


def test_export_metrics_csv(qtbot, live_view, tmp_path):
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    out = tmp_path / "m.csv"
    live_view.export_metrics_csv(str(out))
    lines = out.read_text().splitlines()
    assert len(lines) == 13 and lines[0].startswith("iteration,run_id,pipeline")


def test_cancel_asks_the_backend(qtbot, backend, runner):
    backend.add_live_run("slow", total=500, per_poll=1)
    view = RunViewWidget(backend, "slow", runner, interval_ms=20)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.cancel_button.isEnabled(), timeout=5000)
    view.request_cancel()
    qtbot.waitUntil(lambda: view.run is not None and view.run.status == rs.CANCEL_REQUESTED, timeout=5000)
    assert backend.cancelled == ["slow"]
    assert not view.cancel_button.isEnabled()
    view.stop()


def test_activating_a_row_opens_the_iteration_details(qtbot, live_view):
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    panel = live_view.leaderboard
    with qtbot.waitSignal(panel.iteration_opened, timeout=1000) as blocker:
        panel.view.activated.emit(panel.proxy.index(panel.best_proxy_row(), 1))
    iteration = blocker.args[0]
    dialog = next(w for w in panel.findChildren(QDialog) if w.isVisible())
    assert dialog.windowTitle().startswith(f"Iteration {iteration.iteration}:")
    assert {r["name"] for r in dialog.hyperparameters.rows()} == {"n_estimators", "learning_rate"}
    assert len(dialog.metrics.rows()) == 5
    dialog.close()


def test_headline_says_why_a_run_waits(backend):
    from app.ui.monitor.status import run_headline

    run = backend.add_run("q", status=rs.QUEUED)
    run.phase = ""
    assert "queued: waiting for the compute" in run_headline(run)
    run.phase = "queued behind run abc"
    assert "queued behind run abc" in run_headline(run)


def test_an_unknown_run_stops_polling_and_says_so(qtbot, backend, runner):
    view = RunViewWidget(backend, "nope", runner, interval_ms=20)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.poller.is_active(), timeout=5000)
    assert "not in this workspace" in view.headline.text()
    assert "no run 'nope'" in view.problem.text()


def test_an_artifact_chart_in_a_short_pane_keeps_its_title_and_tick_labels_inside(qtbot, live_view):
    with qtbot.waitSignal(live_view.run_finished, timeout=10_000):
        pass
    panel = live_view.artifact_charts
    qtbot.waitUntil(lambda: panel.drawn, timeout=5000)
    live_view.resize(720, 400)                      # as a user makes the window small
    figure = panel.canvas.figure

    def texts_inside() -> bool:
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        ax = figure.axes[0]
        texts = [ax.title, ax.yaxis.label, *ax.get_yticklabels()]
        boxes = [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]
        return all(b.x0 >= 0 and b.y1 <= figure.bbox.height for b in boxes)
    qtbot.waitUntil(texts_inside, timeout=5000)
    for index in range(1, len(panel.chart_names())):
        qtbot.keyClick(panel.chart_combo, Qt.Key.Key_Down)     # the next chart, as the arrow key picks it
        assert panel.chart_combo.currentIndex() == index
        qtbot.waitUntil(texts_inside, timeout=5000)
