"""Forecasting charts from a forecasting run's artifacts, on a given Axes (never pyplot, never Qt).

- "Forecast — <series>": the series' recent history, the best model's rolling-origin forecasts
  and its forecast of the next horizon with the 90% interval (`forecast_table`).
- "Error by horizon step": mean absolute error of the rolling-origin forecasts at each step
  ahead (`forecast_horizon_error`).
- "Leaderboard vs baselines": the best score of each algorithm, naive baselines marked
  (`forecast_leaderboard`).
"""
from __future__ import annotations

from datetime import datetime

from app.core import catalog
from app.core.titles import set_bar_names, set_legend_below

FORECAST_PREFIX = "Forecast — "
HORIZON_CHART = "Error by horizon step"
LEADERBOARD_CHART = "Leaderboard vs baselines"
HISTORY_COLOUR, FOLD_COLOUR, FORECAST_COLOUR, BASELINE_COLOUR = "#1f77b4", "#ff7f0e", "#d62728", "#7f7f7f"


def _data(artifacts: dict, name: str) -> dict | None:
    value = artifacts.get(name)
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        value = value["data"]
    return value if isinstance(value, dict) else None


def chart_names(artifacts: dict) -> tuple[str, ...]:
    """One forecast chart per series in the table, then the horizon and leaderboard charts."""
    table = _data(artifacts, "forecast_table") or {}
    names = [FORECAST_PREFIX + str(s.get("series", "")) for s in table.get("series", [])]
    if _data(artifacts, "forecast_horizon_error"):
        names.append(HORIZON_CHART)
    if _data(artifacts, "forecast_leaderboard"):
        names.append(LEADERBOARD_CHART)
    return tuple(names)


def is_forecast_chart(name: str) -> bool:
    return name.startswith(FORECAST_PREFIX) or name in (HORIZON_CHART, LEADERBOARD_CHART)


def draw(ax, chart: str, artifacts: dict) -> bool:
    if chart == HORIZON_CHART:
        return _horizon(ax, artifacts)
    if chart == LEADERBOARD_CHART:
        return _leaderboard(ax, artifacts)
    return _forecast(ax, chart.removeprefix(FORECAST_PREFIX), artifacts)


def _times(values) -> list[datetime]:
    return [datetime.fromisoformat(str(v)) for v in values]


def _forecast(ax, series: str, artifacts: dict) -> bool:
    table = _data(artifacts, "forecast_table")
    entry = next((s for s in (table or {}).get("series", []) if str(s.get("series")) == series), None)
    if entry is None:
        return False
    ax.plot(_times(entry["times"]), entry["actual"], color=HISTORY_COLOUR, linewidth=1.2, label="actual")
    for i, fold in enumerate(entry.get("folds", [])):
        ax.plot(_times(fold["times"]), fold["forecast"], color=FOLD_COLOUR, linewidth=1.2, linestyle="--",
                label="rolling-origin forecasts" if i == 0 else None)
    horizon = entry.get("horizon") or {}
    if horizon.get("times"):
        times = _times(horizon["times"])
        ax.plot(times, horizon["forecast"], color=FORECAST_COLOUR, linewidth=1.6, label="forecast")
        if horizon.get("lower") and horizon.get("upper"):
            ax.fill_between(times, horizon["lower"], horizon["upper"], color=FORECAST_COLOUR, alpha=0.15,
                            label="90% interval")
    label = table.get("label", "value")
    ax.set_title(f"{series}: actual and forecast ({table.get('algorithm', '')})")
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)
    ax.figure.autofmt_xdate()
    set_legend_below(ax)            # inside, it covered the history of a chart in a short pane
    return True


def _horizon(ax, artifacts: dict) -> bool:
    from matplotlib.ticker import MaxNLocator

    data = _data(artifacts, "forecast_horizon_error")
    steps, mae = data["steps"], data["mean_absolute_error"]
    ax.bar(steps, mae, color=HISTORY_COLOUR)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))     # steps are whole periods, never 2.5
    ax.set_xlabel("periods ahead")
    ax.set_ylabel("mean absolute error")
    ax.set_title(f"Rolling-origin error by horizon step ({data.get('algorithm', '')})")
    ax.grid(True, axis="y", alpha=0.3)
    return bool(steps)


def _leaderboard(ax, artifacts: dict) -> bool:
    data = _data(artifacts, "forecast_leaderboard")
    names, values = list(data["algorithms"]), list(data["values"])
    if not names:
        return False
    baselines = set(data.get("baselines", []))
    rows = list(range(len(names)))[::-1]          # best at the top
    colours = [BASELINE_COLOUR if n in baselines else HISTORY_COLOUR for n in names]
    ax.barh(rows, values, color=colours)
    labels = [f"{n} (baseline)" if n in baselines else n for n in names]
    set_bar_names(ax, rows, labels)         # fitted to the room between the bars when drawn
    from app.core.artifact_plots import _room_for_labels   # late: artifact_plots imports this module

    _room_for_labels(ax, max(len(t) for t in labels))
    metric = data.get("metric", "")
    ax.set_xlabel(f"{metric} ({'lower' if catalog.is_minimised(metric) else 'higher'} is better)")
    ax.set_title("Best score per algorithm, baselines in grey")
    ax.grid(True, axis="x", alpha=0.3)
    return True
