"""Column widths the user set by dragging, kept by column name and restored in the next session.

Tables here are reset as runs progress (and their metric columns vary), so a saved header
state would not fit; widths by name survive resets and apply to any table showing that column.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics

SETTINGS_KEY = "columns/widths"
MEASURED_ROWS = 200       # of a batch of appended rows, the last ones measured: a poll adds a few
CELL_MARGIN = 12          # px around a cell's text (the styles keep 6-9) and its grid line


def load_widths(settings) -> dict[str, dict[str, int]]:
    """{table name: {column title: width}} from the UI settings (empty when none or unreadable)."""
    if settings is None:
        return {}
    try:
        data = json.loads(str(settings.value(SETTINGS_KEY, "") or "{}"))
    except ValueError:
        return {}
    return {t: {c: int(w) for c, w in cols.items()} for t, cols in data.items() if isinstance(cols, dict)}


def save_widths(settings, widths: dict[str, dict[str, int]]) -> None:
    if settings is not None:
        settings.set_value(SETTINGS_KEY, json.dumps(widths))


class RememberedWidths(QObject):
    """Follows a table's header: records the widths the user drags, re-applies them after each refit."""

    def __init__(self, view, widths: dict[str, int], parent=None):
        super().__init__(parent or view)
        self.view, self.widths = view, widths
        self._fitting = False
        self.header = view.header() if hasattr(view, "header") else view.horizontalHeader()  # tree or table
        self.header.sectionResized.connect(self._resized)

    def _title(self, section: int) -> str:
        return str(self.view.model().headerData(section, Qt.Orientation.Horizontal))

    def _resized(self, section: int, _old: int, new: int) -> None:
        if self.header.stretchLastSection() and section == self.header.count() - 1:
            return  # the stretched last column follows the view's width, not the user
        if not self._fitting and new > 0:  # a drag by the user, not our own fitting
            self.widths[self._title(section)] = new

    def fit(self) -> None:
        """Size columns to their contents, then give each the width the user last chose for it."""
        self._fitting = True
        try:
            for section in range(self.header.count()):
                width = self.widths.get(self._title(section))
                if width:
                    self.header.resizeSection(section, width)
                else:
                    self.view.resizeColumnToContents(section)
        finally:
            self._fitting = False

    def widen_for_rows(self, parent: QModelIndex, first: int, last: int) -> None:
        """Widen, never narrow, the columns the user did not size for rows appended since the fit
        (a live run's new iterations): sized to the first iterations only, a later and longer
        pipeline name was cut to "StandardScalerWrapper …", hiding its algorithm. Measured as
        text (about a tenth of what asking the delegate costs, on every poll of a live run)."""
        bold = QFont(self.view.font())
        bold.setBold(True)                # as the best row is drawn
        model, metrics = self.view.model(), QFontMetrics(bold)
        rows = range(max(first, last - MEASURED_ROWS + 1), last + 1)
        self._fitting = True
        try:
            for section in range(self.header.count()):
                if self.header.isSectionHidden(section) or self.widths.get(self._title(section)):
                    continue
                texts = {str(model.index(r, section, parent).data() or "") for r in rows}
                needed = max(metrics.horizontalAdvance(text) for text in texts) + CELL_MARGIN if texts else 0
                if needed > self.header.sectionSize(section):
                    self.header.resizeSection(section, needed)
        finally:
            self._fitting = False
