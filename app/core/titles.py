"""Axes titles that fit their axes: wrapped at spaces, and smaller when one word is still too long.

A chart in a narrow pane (the run view's Charts tab beside the forecast) cut its title at both
ends: "normalized_root_mean_squared_error (lower is better)" is wider than the axes.
"""
from __future__ import annotations

import textwrap

CHAR_WIDTH = 0.56          # of the font size: DejaVu Sans' mean advance, close enough for a budget
SMALLEST_POINTS = 7.0


def fit_titles(figure) -> None:
    """Refit every axes' title to the axes' width at the figure's current size."""
    figure_px = figure.get_figwidth() * figure.dpi
    for ax in figure.axes:
        title = ax.title
        fitted = getattr(ax, "_title_fit", None)
        text = title.get_text()
        if fitted is None or text != fitted[1]:          # set since the last fit: that is the full title
            fitted = (text, text, title.get_fontsize())
        full, _, points = fitted
        chars = max(8, int(ax.get_position().width * figure_px / (points * figure.dpi / 72 * CHAR_WIDTH)))
        lines = textwrap.wrap(full, chars, break_long_words=False) if len(full) > chars else [full]
        longest = max((len(line) for line in lines), default=0)
        title.set_fontsize(max(SMALLEST_POINTS, points * chars / longest) if longest > chars else points)
        wrapped = "\n".join(lines)
        title.set_text(wrapped)
        ax._title_fit = (full, wrapped, points)
