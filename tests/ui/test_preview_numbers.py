"""The preview shows decimals as pandas prints them, six significant digits, with the value as
read in the cell's tooltip: a random float's 17 digits made every numeric column three times
as wide, and a 15-column file showed five columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt

from app.ui.wizard import wizard as w

from .clicks import add_file_by_clicks, click, click_next


def test_decimals_are_shown_short_and_read_whole_in_the_tooltip(qtbot, fake_window, tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=50) for i in range(12)})
    frame["age"] = [22.0, 38.5] * 25
    frame["count"] = range(50)
    path = tmp_path / "floats.csv"
    frame.to_csv(path, index=False)
    window = fake_window()
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    click_next(qtbot, window.wizard, w.PAGE_DATASET)
    dialog = add_file_by_clicks(qtbot, window.wizard, str(path))   # Register new… then Add files…
    widget = dialog.preview
    qtbot.waitUntil(lambda: widget.sample is not None, timeout=10_000)
    dialog.resize(dialog.width() + 900 - widget.width(), dialog.height())    # a 900 px preview
    qtbot.waitUntil(lambda: widget.width() == 900, timeout=5_000)
    model, view = widget.rows_view.model(), widget.rows_view
    first = model.index(0, 0)
    as_read = str(pd.read_csv(path).x0[0])
    assert model.data(first, Qt.ItemDataRole.DisplayRole) == f"{float(as_read):.6g}"
    assert model.data(first, Qt.ItemDataRole.ToolTipRole) == as_read
    assert [model.data(model.index(r, 12)) for r in (0, 1)] == ["22.0", "38.5"]
    assert model.data(model.index(3, 13)) == "3"
    full_width = view.fontMetrics().horizontalAdvance(as_read)
    assert view.columnWidth(0) < full_width                           # sized to the short text
    shown = sum(1 for c in range(model.columnCount()) if view.columnViewportPosition(c) + view.columnWidth(c)
                <= view.viewport().width())
    assert shown >= 8, f"only {shown} of 14 columns fit a 900 px preview"
