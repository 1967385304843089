"""Axes titles and y-axis labels that fit their axes: wrapped at spaces, smaller when one word
is still too long, and broken after underscores when even the smallest size does not fit it.

A chart in a narrow pane (the run view's Charts tab beside the forecast) cut its title at both
ends: "normalized_root_mean_squared_error (lower is better)" is wider than the axes. Compare's
y-axis label ("best normalized_root_mean_squared_error so far") was taller than its axes, and
in a window under about 480 px tall the metric's name alone did not fit its axes at 7 pt.
Compare's bar chart named its bars with slanted metric names in one line each, which ran into
each other and took most of a short window's height. The leaderboard's and feature importance's
bar names, one per row, ran into each other in a pane under about 330 px tall, and legends
inside small axes hid the iterations, curves, bars and history they named.
"""
from __future__ import annotations

import math
import re
import textwrap

CHAR_WIDTH = 0.56          # of the font size: DejaVu Sans' mean advance, close enough for a budget
SMALLEST_POINTS = 7.0
UPRIGHT_CHARS = 14          # per line of an x tick name stood on end
LINE_HEIGHT = 1.2           # of the font size, a line of text with linespacing 1
TICK_ROOM = 0.9             # of the space between two ticks, for one tick's name


def fit_titles(figure) -> bool:
    """Refit every axes' title and x-axis label to the axes' width, and its y-axis label to their
    height, at the figure's current size and axes positions. Whether any text changed."""
    width_px, height_px = figure.get_figwidth() * figure.dpi, figure.get_figheight() * figure.dpi
    changed = False
    for ax in figure.axes:
        box = ax.get_position()
        changed |= _fit(ax, ax.title, "_title_fit", box.width * width_px, figure.dpi)
        changed |= _fit(ax, ax.yaxis.label, "_ylabel_fit", box.height * height_px, figure.dpi)
        changed |= _fit(ax, ax.xaxis.label, "_xlabel_fit", box.width * width_px, figure.dpi)
        changed |= _fit_tick_names(ax, box.width * width_px, figure.dpi)
        changed |= _fit_bar_names(ax, box.height * height_px, figure.dpi)
        changed |= _fit_legend(ax, box.width * width_px, figure.dpi)
    return changed


def _char_px(points: float, dpi: float) -> float:
    """The budgeted width of one character at `points`, in pixels."""
    return points * dpi / 72 * CHAR_WIDTH


def set_tick_names(ax, names: list[str], points: float) -> None:
    """Name the x ticks 0..n-1 with `names` at `points`, refitted by `fit_titles` to the room
    between the ticks: broken after underscores, smaller, and stood on end when upright ones
    would still run into each other."""
    ax._tick_names = (list(names), points)
    ax.set_xticks(range(len(names)), labels=names, fontsize=points)
    ax._tick_fit = None


def _fit_tick_names(ax, width_px: float, dpi: float) -> bool:
    names, points = getattr(ax, "_tick_names", None) or ((), 0.0)
    fitted = getattr(ax, "_tick_fit", None)
    if not names or [t.get_text() for t in ax.get_xticklabels()] != (fitted[0] if fitted else names):
        return False            # the axes were cleared and drawn anew since: not these names' ticks
    room = TICK_ROOM * width_px / len(names)
    chars = max(1, int(room / _char_px(points, dpi)))
    texts = ["\n".join(wrap_at_underscores(name, max(chars, 3))) for name in names]
    longest = max(len(line) for text in texts for line in text.split("\n"))
    size, rotation = (points if longest <= chars else max(SMALLEST_POINTS, points * chars / longest)), 0
    if longest * _char_px(size, dpi) > room:
        # Too wide upright even at the smallest size: stood on end, a name takes the width of its
        # lines' height (slanted, it took about its length and ran into the next one).
        texts = ["\n".join(wrap_at_underscores(name, UPRIGHT_CHARS)) for name in names]
        lines = max(text.count("\n") + 1 for text in texts)
        size = max(SMALLEST_POINTS, min(points, room / (lines * LINE_HEIGHT * dpi / 72)))
        rotation = 90
    fit = (texts, size, rotation)
    if fit == fitted:
        return False
    ax.set_xticks(range(len(names)), labels=texts, fontsize=size, rotation=rotation, ha="center", linespacing=1.0)
    ax._tick_fit = fit
    return True


def set_bar_names(ax, rows: list[float], names: list[str], points: float = 9.0) -> None:
    """Name the y ticks at `rows` (a horizontal bar chart's bars) with `names` at `points`,
    refitted by `fit_titles` to the room between the rows: smaller, and when even the smallest
    size does not fit, only every k-th name is shown, counted from the top row (the best)."""
    ax._bar_names = (list(rows), list(names), points)
    ax.set_yticks(rows, labels=names, fontsize=points)
    ax._bar_fit = None


def _fit_bar_names(ax, height_px: float, dpi: float) -> bool:
    rows, names, points = getattr(ax, "_bar_names", None) or ((), (), 0.0)
    fitted = getattr(ax, "_bar_fit", None)
    if not names or [t.get_text() for t in ax.get_yticklabels()] != (fitted[0] if fitted else names):
        return False            # the axes were cleared and drawn anew since: not these names' ticks
    low, high = ax.get_ylim()
    step = min((abs(b - a) for a, b in zip(rows, rows[1:])), default=abs(high - low))
    room = TICK_ROOM * height_px * step / (abs(high - low) or 1.0)
    line_px = LINE_HEIGHT * dpi / 72            # per point of font size
    size = max(SMALLEST_POINTS, min(points, room / line_px))
    every = max(1, math.ceil(size * line_px / room)) if room > 0 else len(names)
    top = max(range(len(rows)), key=lambda i: rows[i])
    texts = [name if (top - i) % every == 0 else "" for i, name in enumerate(names)]
    fit = (texts, size)
    if fit == fitted:
        return False
    ax.set_yticks(rows, labels=texts, fontsize=size)
    ax._bar_fit = fit
    return True


LEGEND_POINTS = 8.33        # matplotlib's "small" at 10 pt
LEGEND_DROP_POINTS = 36.0   # below the axes' bottom before the x axis is measured: past ticks and a label
LEGEND_GAP_POINTS = 3.0     # between the x axis' texts and the legend
# a legend entry's handle, the gap after it and the space to the next entry, in font sizes
HANDLE_EMS, HANDLE_GAP_EMS, COLUMN_GAP_EMS = 2.0, 0.4, 1.2


def set_legend_below(ax) -> None:
    """The axes' legend in one row under the x axis' tick labels and label, where it hides no
    data; refitted by `fit_titles` to as many columns as the axes' width holds (in rows of fewer
    when narrow) and to the x axis' height (slanted dates take more)."""
    _legend_below(ax, len(ax.get_legend_handles_labels()[1]), LEGEND_DROP_POINTS)


def _legend_below(ax, ncols: int, drop_points: float) -> None:
    from matplotlib.transforms import ScaledTranslation   # late: the module is imported by code without charts

    below = ax.transAxes + ScaledTranslation(0, -drop_points / 72, ax.figure.dpi_scale_trans)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncols=ncols,
              fontsize=LEGEND_POINTS, frameon=False, borderaxespad=0.0, handletextpad=HANDLE_GAP_EMS,
              handlelength=HANDLE_EMS, columnspacing=COLUMN_GAP_EMS)
    ax._legend_below = (ncols, drop_points)


def _fit_legend(ax, width_px: float, dpi: float) -> bool:
    placed = getattr(ax, "_legend_below", None)
    legend = ax.get_legend()
    if placed is None or legend is None:
        return False
    labels = [t.get_text() for t in legend.get_texts()]
    em = LEGEND_POINTS * dpi / 72
    entries = [(HANDLE_EMS + HANDLE_GAP_EMS) * em + len(label) * _char_px(LEGEND_POINTS, dpi) for label in labels]
    ncols = next((n for n in range(len(labels), 1, -1)
                  if _row_width(entries, n, COLUMN_GAP_EMS * em) <= width_px), 1)
    drop = _x_axis_depth_points(ax, dpi)
    if ncols == placed[0] and (drop is None or abs(drop - placed[1]) < 1.0):
        return False
    _legend_below(ax, ncols, placed[1] if drop is None else drop)
    return True


def _x_axis_depth_points(ax, dpi: float) -> float | None:
    """How far below the axes the x axis' tick labels and label reach, plus a gap, in points
    (None without a renderer to measure them)."""
    renderer = getattr(ax.figure.canvas, "get_renderer", lambda: None)()
    if renderer is None:
        return None
    texts = ax.xaxis.get_tightbbox(renderer)
    if texts is None:
        return None
    return max(0.0, ax.get_window_extent(renderer).y0 - texts.y0) * 72 / dpi + LEGEND_GAP_POINTS


def _row_width(entries: list[float], ncols: int, gap: float) -> float:
    """The widest row of a legend laid out in `ncols` columns (matplotlib fills them column by column)."""
    rows = math.ceil(len(entries) / ncols)
    columns = [entries[i * rows:(i + 1) * rows] for i in range(ncols)]
    return sum(max(column, default=0.0) for column in columns) + gap * (ncols - 1)


def _fit(ax, text, memo: str, room_px: float, dpi: float) -> bool:
    """Wrap `text` to `room_px` along its run; `memo` on the axes keeps the unwrapped text and size."""
    fitted = getattr(ax, memo, None)
    current = text.get_text()
    if fitted is None or current != fitted[1]:          # set since the last fit: that is the full text
        fitted = (current, current, text.get_fontsize())
    full, _, points = fitted
    chars = max(8, int(room_px / _char_px(points, dpi)))
    lines = textwrap.wrap(full, chars, break_long_words=False) if len(full) > chars else [full]
    longest = max((len(line) for line in lines), default=0)
    if longest > chars and points * chars / longest < SMALLEST_POINTS:
        lines = wrap_at_underscores(full, int(chars * points / SMALLEST_POINTS))
        longest = max(len(line) for line in lines)
    size = max(SMALLEST_POINTS, points * chars / longest) if longest > chars else points
    wrapped = "\n".join(lines)
    changed = (wrapped, size) != (current, text.get_fontsize())
    text.set_fontsize(size)
    text.set_text(wrapped)
    setattr(ax, memo, (full, wrapped, points))
    return changed


def wrap_at_underscores(full: str, chars: int) -> list[str]:
    """`full` in lines of at most `chars` (where it can), breaking at spaces and after underscores:
    metric names are long snake_case words that textwrap keeps whole. Packed as tightly as
    textwrap packs words, so the label takes no more lines than it must."""
    lines, current = [], ""
    for word in full.split():
        for i, part in enumerate(re.findall(r"[^_]*_|[^_]+", word)):
            joiner = "" if i else " "
            if current and len(current) + len(joiner) + len(part) > chars:
                lines.append(current)
                current = part
            else:
                current = current + joiner + part if current else part
    return [*lines, current] if current else lines
