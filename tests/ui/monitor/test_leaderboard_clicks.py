"""The leaderboard as a user clicks it: a double-clicked row opens one details dialog."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.monitor.iteration_dialog import IterationDetailsDialog
from app.ui.monitor.run_view import RunViewWidget

from ..clicks import click_view_row


def open_details() -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, IterationDetailsDialog) and w.isVisible()]


def test_double_clicking_a_row_opens_one_dialog_and_again_reuses_it(qtbot, backend, runner):
    backend.add_run("done1", iterations=6)
    view = RunViewWidget(backend, "done1", runner, interval_ms=20)
    qtbot.addWidget(view)
    view.show()
    board = view.leaderboard
    qtbot.waitUntil(lambda: board.model.rowCount() == 6, timeout=10_000)
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(view.tabs.indexOf(board)).center())
    click_view_row(qtbot, board.view, 2, double=True)
    qtbot.waitUntil(lambda: len(open_details()) >= 1, timeout=5_000)
    click_view_row(qtbot, board.view, 2, double=True)
    assert len(open_details()) == 1
    click_view_row(qtbot, board.view, 3, double=True)
    qtbot.waitUntil(lambda: len(open_details()) == 2, timeout=5_000)
    for dialog in open_details():
        dialog.close()
    view.stop()


def test_test_split_score_is_shown_beside_the_validation_score(qtbot, backend, runner):
    backend.add_run("held1", iterations=5)
    backend._artifacts["held1"]["summary"] = {"test_score": 0.8312, "test_rows": 179}
    view = RunViewWidget(backend, "held1", runner, interval_ms=20)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(lambda: "test split" in view.overview.facts.text(), timeout=10_000)
    assert "Best: validation AUC_weighted" in view.overview.facts.text()
    assert "test split AUC_weighted 0.8312 (179 rows)" in view.overview.facts.text()
    facts = view.overview.facts
    qtbot.waitUntil(lambda: facts.height() >= 2 * facts.fontMetrics().height(), timeout=5_000)  # both lines show
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(view.tabs.indexOf(view.leaderboard)).center())
    summary = view.leaderboard.summary.text()
    assert "validation AUC_weighted" in summary and "best model on the test split AUC_weighted 0.8312" in summary
    view.stop()
