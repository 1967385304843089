"""What a person does to reach the Models feature: click tabs, buttons and rows, right-click a row.

Each helper waits on a condition, never sleeps.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QTabWidget

from app.ui.monitor.runs_model import RUN_ID_ROLE


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), "a person cannot click a hidden or disabled widget"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_tab(qtbot, tabs: QTabWidget, widget) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(widget)).center())
    assert tabs.currentWidget() is widget


def click_row(qtbot, view, row: int, column: int = 0) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def open_run_from_dock(qtbot, window, run_id: str):
    """Double-click the run's row in the Runs dock; returns its run view, shown in a tab."""
    dock = window.monitor.dock
    qtbot.waitUntil(lambda: run_id in dock.proxy.run_ids(), timeout=10_000)
    index = dock.proxy.match(dock.proxy.index(0, 0), RUN_ID_ROLE, run_id, 1,
                             Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    dock.view.scrollTo(index)
    pos = dock.view.visualRect(index).center()
    # A person's double-click: the first press selects the row, the second makes it a double-click.
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: run_id in window.monitor.run_views, timeout=5000)
    view = window.monitor.run_views[run_id]
    assert window.central_tabs.currentWidget() is view
    return view


def leaderboard_menu(qtbot, window, view, row: int) -> QMenu:
    """Show the run's Leaderboard tab, click the row, right-click it; returns the context menu shown."""
    click_tab(qtbot, view.tabs, view.leaderboard)
    board = view.leaderboard.view
    click_row(qtbot, board, row)
    pos = board.visualRect(board.model().index(row, 0)).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, board.viewport().mapToGlobal(pos))
    QApplication.sendEvent(board.viewport(), event)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    return QApplication.activePopupWidget()
