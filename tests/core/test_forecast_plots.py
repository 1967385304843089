"""Forecasting charts from artifacts: one forecast chart per series, the horizon and leaderboard charts."""
from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from app.core import artifact_plots

TIMES = [f"2020-{m:02d}-01" for m in range(1, 13)]
ARTIFACTS = {
    "forecast_table": {"schema_type": "forecast_table", "data": {
        "label": "sales", "algorithm": "ExponentialSmoothing", "series": [
            {"series": "A", "times": TIMES[:9], "actual": list(range(9)),
             "folds": [{"times": TIMES[6:9], "forecast": [6.5, 7.5, 8.5]}],
             "horizon": {"times": TIMES[9:], "forecast": [9, 10, 11], "lower": [8, 9, 10], "upper": [10, 11, 12]}},
            {"series": "B", "times": TIMES[:9], "actual": list(range(9)), "folds": [], "horizon": {}}]}},
    "forecast_horizon_error": {"data": {"steps": [1, 2, 3], "mean_absolute_error": [0.5, 0.7, 0.9]}},
    "forecast_leaderboard": {"data": {"metric": "normalized_root_mean_squared_error",
                                      "algorithms": ["ExponentialSmoothing", "SeasonalNaive", "Naive"],
                                      "values": [0.01, 0.03, 0.05], "baselines": ["SeasonalNaive", "Naive"]}},
}


def test_forecasting_chart_list_waits_for_the_forecast_table():
    assert artifact_plots.charts_for("forecasting", {"residuals": {}}) == ()
    names = artifact_plots.charts_for("forecasting", ARTIFACTS)
    assert names[:4] == ("Forecast — A", "Forecast — B", "Error by horizon step", "Leaderboard vs baselines")


def test_forecast_chart_draws_history_folds_and_horizon():
    ax = Figure().add_subplot()
    assert artifact_plots.draw_chart(ax, "Forecast — A", ARTIFACTS)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["actual", "rolling-origin forecasts", "forecast"]
    assert len(ax.collections) == 1                      # the interval band
    assert not artifact_plots.draw_chart(Figure().add_subplot(), "Forecast — Z", ARTIFACTS)


def test_leaderboard_marks_the_baselines():
    ax = Figure().add_subplot()
    assert artifact_plots.draw_chart(ax, "Leaderboard vs baselines", ARTIFACTS)
    ticks = sorted((t.get_position()[1], t.get_text()) for t in ax.get_yticklabels())
    assert [text for _, text in ticks] == ["Naive (baseline)", "SeasonalNaive (baseline)", "ExponentialSmoothing"]
    assert artifact_plots.draw_chart(Figure().add_subplot(), "Error by horizon step", ARTIFACTS)


def test_error_by_horizon_step_ticks_whole_periods_only():
    figure = Figure()
    ax = figure.add_subplot()
    assert artifact_plots.draw_chart(ax, "Error by horizon step", ARTIFACTS)
    figure.canvas.draw()
    assert [t for t in ax.get_xticks() if 1 <= t <= 3] == [1, 2, 3]      # not 1.0, 1.5, 2.0, 2.5, 3.0


def test_a_leaderboard_x_label_wider_than_its_axes_is_wrapped_to_their_width():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from app.core.titles import fit_titles

    figure = Figure(figsize=(2.6, 3))
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    assert artifact_plots.draw_chart(ax, "Leaderboard vs baselines", ARTIFACTS)
    full = ax.get_xlabel()
    fit_titles(figure)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    assert ax.xaxis.label.get_window_extent(renderer).width <= ax.get_window_extent(renderer).width * 1.15
    assert ax.get_xlabel().replace("_\n", "_").replace("\n", " ") == full


ALGORITHMS = ["VotingEnsemble", "LightGBM", "ExponentialSmoothing", "AutoArima", "XGBoostRegressor", "ElasticNet",
              "RandomForest", "ExtremeRandomTrees", "Theta", "SeasonalAverage", "Average", "SeasonalNaive", "Naive"]
BAR_CHARTS = {
    "forecast_leaderboard": {"data": {"metric": "normalized_root_mean_squared_error", "algorithms": ALGORITHMS,
                                      "values": [0.01 * (i + 1) for i in range(len(ALGORITHMS))],
                                      "baselines": ["SeasonalNaive", "Naive"]}},
    "feature_importance": {"data": {f"sales_lag_{i}": 1.0 / i for i in range(1, 21)}},
}


@pytest.mark.parametrize("chart", ["Leaderboard vs baselines", "Feature importance"])
@pytest.mark.parametrize("height", [1.6, 2.5, 8.0])
def test_a_bar_charts_row_names_do_not_run_into_each_other(chart, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from app.core.titles import fit_titles

    figure = Figure(figsize=(6, height), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    assert artifact_plots.draw_chart(ax, chart, BAR_CHARTS)
    full = [t.get_text() for t in ax.get_yticklabels()]
    for _ in range(2):                      # fitted, laid out, fitted again: as the canvas does on a resize
        fit_titles(figure)
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    shown = sorted(((box.y0, box.y1, text) for box, text in
                    ((label.get_window_extent(renderer), label.get_text()) for label in ax.get_yticklabels())
                    if text), reverse=True)
    assert all(lower[1] <= upper[0] for upper, lower in zip(shown, shown[1:])), shown
    texts = [t.get_text() for t in ax.get_yticklabels()]
    assert [t for t in texts if t] == [name for name, t in zip(full, texts) if t]   # each name on its own bar
    ticks = list(ax.get_yticks())
    assert texts[ticks.index(max(ticks))] == full[ticks.index(max(ticks))]     # the top bar, the best, is named
    if height >= 8.0:
        assert texts == full


@pytest.mark.parametrize("width, height", [(6, 2.5), (3.2, 3.0)])
def test_the_forecast_charts_legend_is_under_its_slanted_dates(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from app.core.titles import fit_titles

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    assert artifact_plots.draw_chart(ax, "Forecast — A", ARTIFACTS)
    for _ in range(2):                      # fitted, laid out, fitted again: as the canvas does on a resize
        fit_titles(figure)
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    dates = ax.xaxis.get_tightbbox(renderer)
    assert legend.y1 <= dates.y0 and legend.y0 >= 0 and not legend.overlaps(ax.get_window_extent(renderer))
    assert 0 <= legend.x0 and legend.x1 <= figure.bbox.width
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "actual", "rolling-origin forecasts", "forecast", "90% interval"]
