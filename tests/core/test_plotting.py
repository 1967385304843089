"""Drawing functions on Agg: what they draw, and that the core imports neither Qt nor pyplot."""
from __future__ import annotations

import subprocess
import sys

import pytest

from app.core import artifact_plots, plotting
from app.core.metrics import best_index, best_so_far


@pytest.fixture
def ax():
    return plotting.new_figure().add_subplot()


def test_metric_points_best_line_and_best_marker(ax):
    values = [0.5, None, 0.7, 0.6, 0.8]
    artists = plotting.plot_metric_iterations(ax, [0, 1, 2, 3, 4], values, best_so_far(values, "accuracy"),
                                              "accuracy", best_index(values, "accuracy"))
    assert list(artists["points"].get_xdata()) == [0, 2, 3, 4]
    assert list(artists["best_line"].get_ydata()) == [0.5, 0.5, 0.7, 0.7, 0.8]
    assert list(artists["best_marker"].get_xdata()) == [4]
    assert "higher is better" in ax.get_title()


def test_update_in_place_extends_the_series(ax):
    artists = plotting.plot_metric_iterations(ax, [0], [0.4], [0.4], "log_loss", 0)
    values = [0.4, 0.3, 0.35]
    plotting.update_metric_iterations(ax, artists, [0, 1, 2], values, best_so_far(values, "log_loss"), 1)
    assert list(artists["best_line"].get_ydata()) == [0.4, 0.3, 0.3]
    assert ax.get_ylim()[0] <= 0.3


def test_empty_metric_chart_says_so(ax):
    plotting.plot_metric_iterations(ax, [], [], [], "accuracy")
    assert [t.get_text() for t in ax.texts] == ["No values of accuracy yet"]


def test_curves_and_grouped_bars(ax):
    plotting.plot_best_so_far_curves(ax, {"a": ([0, 1], [0.5, 0.6]), "b": ([0, 1, 2], [0.4, 0.7, 0.7])}, "AUC_weighted")
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    plotting.plot_grouped_bars(ax, {"a": {"m1": 1.0, "m2": 2.0}, "b": {"m1": 3.0, "m2": None}}, ["m1", "m2"])
    assert [round(p.get_height(), 3) for p in ax.patches] == [1.0, 2.0, 3.0, 0.0]


def _accuracy_table(perfect: bool):
    thresholds = [0.0, 0.5, 1.0]
    if perfect:
        positive = [[10, 10, 0, 0], [10, 0, 10, 0], [0, 0, 10, 10]]
    else:
        positive = [[10, 10, 0, 0], [5, 5, 5, 5], [0, 0, 10, 10]]
    return {"schema_type": "accuracy_table",
            "data": {"class_labels": ["0", "1"], "probability_thresholds": thresholds,
                     "probability_tables": [positive, positive]}}


def test_roc_of_a_perfect_classifier_reaches_the_corner(ax):
    assert artifact_plots.draw_chart(ax, "ROC", {"accuracy_table": _accuracy_table(perfect=True)})
    roc = ax.get_lines()[0]
    assert (0.0, 1.0) in list(zip(roc.get_xdata(), roc.get_ydata()))


def test_calibration_bins_from_threshold_counts(ax):
    assert artifact_plots.draw_chart(ax, "Calibration", {"accuracy_table": _accuracy_table(perfect=False)})
    curve = ax.get_lines()[0]
    assert list(curve.get_xdata()) == [0.25, 0.75]
    assert list(curve.get_ydata()) == [0.5, 0.5]


def test_calibration_merges_fine_thresholds_into_about_ten_bins(ax):
    thresholds = [i / 100 for i in range(101)]
    table = [[100 - i, 100 - i, i, i] for i in range(101)]
    art = {"accuracy_table": {"data": {"class_labels": ["0", "1"], "probability_thresholds": thresholds,
                                       "probability_tables": [table, table]}}}
    assert artifact_plots.draw_chart(ax, "Calibration", art)
    assert len(ax.get_lines()[0].get_xdata()) == 10


def test_confusion_matrix_raw_and_normalised():
    figure = plotting.new_figure()
    cm = {"confusion_matrix": {"data": {"class_labels": ["no", "yes"], "matrix": [[3, 1], [2, 6]]}}}
    ax = figure.add_subplot()
    assert artifact_plots.draw_chart(ax, "Confusion matrix (normalised)", cm)
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.25", "0.75"]


def test_regression_charts_and_bare_feature_importance(ax):
    art = {"residuals": {"data": {"bin_edges": [-1, 0, 1], "bin_counts": [4, 6], "mean": 0.1, "stddev": 0.5}},
           "predicted_true": {"data": {"bin_edges": [0, 1, 2, 3], "bin_averages": [0.6, None, 2.4],
                                       "bin_errors": [0.1, None, 0.2]}},
           "feature_importance": {"Age": 0.2, "Fare": 0.5}}
    assert artifact_plots.charts_for("regression", art) == artifact_plots.REGRESSION_CHARTS
    for chart in artifact_plots.REGRESSION_CHARTS:
        assert artifact_plots.draw_chart(ax, chart, art), chart
    assert [p.get_width() for p in ax.patches] == [0.2, 0.5]


def test_missing_or_malformed_artifacts_draw_a_note(ax):
    assert not artifact_plots.draw_chart(ax, "ROC", {})
    assert not artifact_plots.draw_chart(ax, "Residuals", {"residuals": {"data": {"bin_edges": "x"}}})
    assert "not available" in ax.texts[0].get_text()


def test_save_figure_writes_svg(tmp_path):
    figure = plotting.new_figure()
    plotting.plot_metric_iterations(figure.add_subplot(), [0, 1], [0.1, 0.2], [0.1, 0.2], "r2_score", 1)
    assert plotting.save_figure(figure, tmp_path / "c.svg").read_text().lstrip().startswith("<?xml")


def test_core_plotting_imports_neither_qt_nor_pyplot():
    code = ("import sys, app.core.plotting, app.core.artifact_plots, app.core.run_tables; "
            "print('PySide6' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def _agg_axes():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = plotting.new_figure()
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _fits(figure, ax, text, along: str) -> bool:
    """Whether `text` spans no more than its axes along `along` ("width" or "height"), within margins."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return getattr(text.get_window_extent(renderer), along) <= getattr(ax.get_window_extent(renderer), along) * 1.15


def test_a_title_wider_than_its_axes_is_wrapped_and_shrunk_to_fit_and_unwrapped_when_room_returns():
    from app.core.titles import fit_titles

    figure, ax = _agg_axes()
    plotting.plot_metric_iterations(ax, [0, 1], [0.2, 0.1], [0.2, 0.1], "normalized_root_mean_squared_error", 1)
    full = ax.get_title()
    figure.set_size_inches(2.6, 3)
    assert not _fits(figure, ax, ax.title, "width")       # as drawn before: cut at both ends
    for _ in range(2):                      # fitted, laid out, fitted again: as the canvas does on a resize
        fit_titles(figure)
        figure.canvas.draw()
    assert _fits(figure, ax, ax.title, "width") and ax.get_title().replace("_\n", "_").replace("\n", " ") == full
    figure.set_size_inches(12, 3)
    fit_titles(figure)
    assert ax.get_title() == full
    ax.set_title("feature importance")                    # a new title replaces the fitted one
    fit_titles(figure)
    assert ax.get_title() == "feature importance"


def test_a_y_axis_label_taller_than_its_axes_is_wrapped_to_their_height():
    from app.core.titles import fit_titles

    figure, ax = _agg_axes()
    curves = {"a": ([0, 1], [0.2, 0.1]), "b": ([0, 1], [0.3, 0.2])}
    plotting.plot_best_so_far_curves(ax, curves, "normalized_root_mean_squared_error")
    full = ax.get_ylabel()
    figure.set_size_inches(6, 2.6)
    assert not _fits(figure, ax, ax.yaxis.label, "height")   # as drawn before: cut at the top and bottom
    for _ in range(2):                      # fitted, laid out, fitted again: as the canvas does on a resize
        fit_titles(figure)
        figure.canvas.draw()
    assert _fits(figure, ax, ax.yaxis.label, "height")
    assert ax.get_ylabel().replace("_\n", "_").replace("\n", " ") == full
    figure.set_size_inches(6, 12)
    fit_titles(figure)
    assert ax.get_ylabel() == full


def test_a_metric_name_too_long_for_its_axes_at_the_smallest_size_is_broken_after_underscores():
    from app.core.titles import fit_titles

    figure, ax = _agg_axes()
    curves = {"a": ([0, 1], [0.2, 0.1]), "b": ([0, 1], [0.3, 0.2])}
    plotting.plot_best_so_far_curves(ax, curves, "normalized_root_mean_squared_error")
    full = ax.get_ylabel()
    figure.set_size_inches(6, 1.6)                # axes about 65 px high, as in Compare under 480 px tall
    fit_titles(figure)
    figure.canvas.draw()                          # then again once the layout has placed the axes, as the canvas does
    fit_titles(figure)
    label = ax.get_ylabel()
    assert "_\n" in label and label.replace("_\n", "_").replace("\n", " ") == full
    assert _fits(figure, ax, ax.yaxis.label, "height")
    figure.set_size_inches(6, 12)
    fit_titles(figure)
    assert ax.get_ylabel() == full


@pytest.mark.parametrize("width", [2.5, 4.0, 8.0])
def test_a_bar_charts_metric_names_do_not_run_into_each_other(width):
    from app.core.titles import fit_titles

    figure, ax = _agg_axes()
    figure.set_layout_engine("constrained")
    names = ["normalized_mean_absolute_error", "normalized_root_mean_squared_error", "r2_score", "spearman_correlation"]
    plotting.plot_grouped_bars(ax, {"a": dict.fromkeys(names, 0.5), "b": dict.fromkeys(names, 0.6)}, names)
    figure.set_size_inches(width, 3)
    for _ in range(2):                      # fitted, laid out, fitted again: as the canvas does on a resize
        fit_titles(figure)
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in ax.get_xticklabels()]
    assert all(left.x1 <= right.x0 for left, right in zip(boxes, boxes[1:])), [b.bounds for b in boxes]
    assert [label.get_text().replace("\n", "") for label in ax.get_xticklabels()] == names


@pytest.mark.parametrize("width, height", [(3.6, 2.2), (3.6, 4.0), (2.6, 3.0)])
def test_the_metric_charts_legend_hides_no_iteration(width, height):
    # A search that does not climb: late iterations low on the right, where a legend in the
    # corner "opposite the climb" covered them.
    from app.core.titles import fit_titles

    figure, ax = _agg_axes()
    figure.set_layout_engine("constrained")
    figure.set_size_inches(width, height)
    values = [0.82, 0.80, 0.81, 0.79, 0.825, 0.7935, 0.7935, 0.7935, 0.815, 0.833]
    best = [max(values[:i + 1]) for i in range(len(values))]
    plotting.plot_metric_iterations(ax, list(range(10)), values, best, "accuracy", 9)
    for _ in range(2):
        fit_titles(figure)
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    points = ax.transData.transform(list(zip(range(10), values)))
    assert not any(legend.contains(x, y) for x, y in points)
    assert not legend.overlaps(ax.get_window_extent(renderer))
    label = ax.xaxis.label.get_window_extent(renderer)
    assert legend.y1 <= label.y0 and legend.y0 >= 0          # under the "iteration" label, inside the figure
    assert 0 <= legend.x0 and legend.x1 <= width * figure.dpi  # in fewer columns when the figure is narrow


def test_the_best_so_far_curves_tick_whole_iterations_only():
    figure, ax = _agg_axes()
    plotting.plot_best_so_far_curves(ax, {"a": (list(range(20)), [0.5 + i / 100 for i in range(20)])}, "accuracy")
    figure.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())
