"""The Guardrails table of a run's Overview shows each guardrail and its details whole: wrapped in the
width the pane leaves, each row as tall as its text, at any width the user drags the window to."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from app.core.runs import COMPLETED, RunRecord
from app.ui.monitor.overview_tab import OverviewTab, breakable_words

GUARDRAILS = [
    {"name": "Validation split handling", "status": "Done",
     "description": "Validation used rolling-origin cross-validation: 3 origins 12 period(s) apart, each "
                    "forecasting 12 period(s) ahead.", "details": []},
    {"name": "Missing timestamps imputation", "status": "Alerted",
     "description": "2 missing timestamps were filled on the 'QS-OCT' grid.",
     "details": [{"series": "north", "filled": 2, "first": "1990-01-01"}]},
    {"name": "Baseline comparison", "status": "Passed",
     "description": "The best model (VotingEnsemble) scores 0.01891 against Naive's 0.02898.", "details": []},
]


@pytest.mark.parametrize("width", [1100, 700, 560, 480])
def test_every_guardrails_details_are_shown_whole(qtbot, width):
    tab = OverviewTab()
    qtbot.addWidget(tab)
    tab.resize(1100, 700)
    tab.show()
    tab.show_run(RunRecord("r1", "exp", status=COMPLETED), {"guardrails": GUARDRAILS})
    tab.resize(width, 700)                       # as the user drags the window's edge
    qtbot.wait(50)
    view = next(v for v in tab.findChildren(QTableView) if v.model() is tab.guardrails)
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0, timeout=2000)
    cells = [tab.guardrails.index(row, column) for row in range(tab.guardrails.rowCount())
             for column in range(tab.guardrails.columnCount())]
    for index in cells:
        text, rect = index.data(), view.visualRect(index)
        assert text and rect.right() <= view.viewport().width()
        # As Qt lays the text out in the cell (wrapped at its current width), not cut at its bottom.
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = QRect(0, 0, rect.width(), 10_000)
        needed = view.itemDelegate().sizeHint(option, index).height()
        assert needed <= rect.height() + 1, (text, needed, rect.height())
        # and no word wider than the cell, which Qt would cut off with an ellipsis ("timesta…"); in
        # the narrowest pane a long word of the details may be, the names never are
        longest = max(view.fontMetrics().horizontalAdvance(word) for word in breakable_words(text))
        if index.column() < tab.guardrails.columnCount() - 1 or width >= 560:
            assert longest <= rect.width() - 6, (text, longest, rect.width())


def test_counts_in_the_details_have_thousands_separators(qtbot):
    tab = OverviewTab()
    qtbot.addWidget(tab)
    balance = {"name": "Class balancing detection", "status": "Passed",
               "description": "The classes are balanced enough in the training data.",
               "details": [{"class": 2024, "rows": 499384}, {"class": True, "rows": 500616}]}
    tab.show_run(RunRecord("r1", "exp", status=COMPLETED), {"guardrails": [balance]})
    assert tab.guardrails.index(0, 2).data() == ("The classes are balanced enough in the training data. "
                                                 "(class 2024, rows 499,384; class True, rows 500,616)")
