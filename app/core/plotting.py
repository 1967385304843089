"""Drawing functions: each takes a matplotlib `Axes` and plain data, never pyplot, never Qt.

The GUI hosts them on a Qt canvas; the CLI on a `Figure` with the Agg canvas
(`save_figure`). Artifact charts (ROC, confusion matrix…) live in `app.core.artifact_plots`.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

from app.core import catalog
from app.core.titles import set_legend_below, set_tick_names

POINT_COLOUR = "#1f77b4"
BEST_COLOUR = "#d62728"
LINE_COLOUR = "#ff7f0e"
TICK_POINTS = 8.0          # a bar chart's metric names, before they are fitted to the room between the bars


def direction_label(metric: str) -> str:
    return f"{metric} ({'lower' if catalog.is_minimised(metric) else 'higher'} is better)"


def finite_pairs(xs: Sequence, ys: Sequence) -> tuple[list, list]:
    pairs = [(x, y) for x, y in zip(xs, ys)
             if y is not None and not (isinstance(y, float) and math.isnan(y))]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def plot_metric_iterations(ax, iterations: Sequence[int], values: Sequence[float | None],
                           best_so_far: Sequence[float | None], metric: str,
                           best_position: int | None = None, title: str = "") -> dict:
    """Each iteration's value as a point, the running best as a step line, the best point ringed.

    Returns the artists by role ("points", "best_line", "best_marker") so callers can update
    them in place instead of redrawing the axes.
    """
    ax.clear()
    xs, ys = finite_pairs(iterations, values)
    points, = ax.plot(xs, ys, "o", color=POINT_COLOUR, markersize=4, alpha=0.8, label="iteration", zorder=3,
                      linestyle="none")
    bx, by = finite_pairs(iterations, best_so_far)
    best_line, = ax.plot(bx, by, drawstyle="steps-post", color=LINE_COLOUR, linewidth=2, label="best so far")
    # not clipped: the best is often the last iteration or the top value, on the axes' edge
    marker, = ax.plot([], [], "o", markersize=11, markerfacecolor="none", markeredgecolor=BEST_COLOUR,
                      markeredgewidth=2, label="best", linestyle="none", clip_on=False)
    if best_position is not None and values[best_position] is not None:
        marker.set_data([iterations[best_position]], [values[best_position]])
    ax.margins(x=0.03, y=0.08)
    ax.set_xlabel("iteration")
    ax.set_ylabel(metric)
    ax.set_title(title or direction_label(metric))
    ax.grid(True, alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if xs:
        # Iterations fall anywhere: a legend in the corner "opposite the climb" hid the points of a
        # search that did not climb, and "best" placement scans every point on each draw.
        set_legend_below(ax)
    else:
        draw_message(ax, f"No values of {metric} yet")
    return {"points": points, "best_line": best_line, "best_marker": marker}


def update_metric_iterations(ax, artists: dict, iterations: Sequence[int], values: Sequence[float | None],
                             best_so_far: Sequence[float | None], best_position: int | None,
                             rescale: bool = True) -> None:
    """Live update of `plot_metric_iterations` artists: cheaper than clearing the axes."""
    artists["points"].set_data(*finite_pairs(iterations, values))
    artists["best_line"].set_data(*finite_pairs(iterations, best_so_far))
    if best_position is not None and values[best_position] is not None:
        artists["best_marker"].set_data([iterations[best_position]], [values[best_position]])
    if rescale:
        ax.relim()
        ax.autoscale_view()


def live_limits(iterations: Sequence[int], values: Sequence[float | None]) -> tuple[tuple, tuple] | None:
    """Axis limits with room to grow, so a live chart can add points without a full redraw:
    x to half as far again as the run so far (rounded up), y padded by a sixth of its range."""
    xs, ys = finite_pairs(iterations, values)
    if not xs:
        return None
    top = max(max(xs), 10)
    step = 10 ** math.floor(math.log10(top))
    low, high = min(ys), max(ys)
    pad = (high - low) / 6 or abs(high) * 0.05 or 0.05
    return (min(xs) - 0.5, math.ceil(top * 1.5 / step) * step), (low - pad, high + pad)


def fits(limits: tuple[tuple, tuple], iterations: Sequence[int], values: Sequence[float | None]) -> bool:
    """Whether every point lies inside `limits` ((x0, x1), (y0, y1))."""
    (x0, x1), (y0, y1) = limits
    xs, ys = finite_pairs(iterations, values)
    return not xs or (x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1)


def plot_best_so_far_curves(ax, curves: dict[str, tuple[Sequence[int], Sequence[float | None]]],
                            metric: str) -> None:
    """One best-so-far step line per run (label → (iterations, best-so-far values))."""
    ax.clear()
    for label, (iterations, values) in curves.items():
        xs, ys = finite_pairs(iterations, values)
        ax.plot(xs, ys, drawstyle="steps-post", linewidth=2, label=label, marker="." if len(xs) < 60 else None)
    ax.set_xlabel("iteration")
    ax.set_ylabel(f"best {metric} so far")
    ax.set_title(direction_label(metric))
    ax.grid(True, alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)      # iterations are whole: never 2.5
    if curves:
        set_legend_below(ax)                # inside, the runs' labels covered the curves of a small chart
    else:
        draw_message(ax, "Choose runs to compare")


def plot_grouped_bars(ax, values: dict[str, dict[str, float | None]], metrics: Sequence[str]) -> None:
    """Bars grouped by metric, one colour per run (run label → metric → value), in the runs' order.
    No legend: the best-so-far chart beside it names the runs in the same colours (inside these
    axes, a legend covered the bars of a small chart)."""
    ax.clear()
    if not values or not metrics:
        draw_message(ax, "Choose runs and metrics")
        return
    runs = list(values)
    width = 0.8 / len(runs)
    for k, label in enumerate(runs):
        xs = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(metrics))]
        heights = [values[label].get(m) for m in metrics]
        heights = [h if h is not None and not math.isnan(h) else 0.0 for h in heights]
        bars = ax.bar(xs, heights, width=width * 0.95, label=label)
        if len(runs) * len(metrics) <= 24:  # past that the value labels run into each other
            ax.bar_label(bars, fmt="%.3f", fontsize="xx-small", rotation=90, padding=2)
    set_tick_names(ax, list(metrics), TICK_POINTS)      # fitted to the room between the bars when drawn
    _zoom_to_bars(ax, [values[label].get(m) for label in runs for m in metrics])
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title("best iteration of each run")


def _zoom_to_bars(ax, heights) -> None:
    """Bars of close scores (AUC 0.86 against 0.87) look equal from 0: start the axis near the data."""
    seen = [h for h in heights if h is not None and not math.isnan(h)]
    if not seen:
        return
    low, high = min(seen), max(seen)
    span = (high - low) or abs(high) * 0.1 or 1.0
    bottom = low - span * 0.5 if low > 0 and low - span * 0.5 > 0 else min(0.0, low - span * 0.2)
    ax.set_ylim(bottom, high + span * 0.6)


def draw_message(ax, text: str) -> None:
    """A centred note on empty axes (no data, missing artifact)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666", wrap=True)


def new_figure(width: float = 8.0, height: float = 5.0):
    """A Figure attached to the Agg canvas, for headless use (the CLI, tests)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure, path: str | Path) -> Path:
    """PNG, SVG or PDF by suffix."""
    path = Path(path)
    figure.savefig(path, dpi=120)
    return path
