"""State that must not lag: the dock row follows the open run's tab; the status bar names the run viewed."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core import runs as rs
from app.ui import main_window as mw

from tests.ui.clicks import drag_section_edge


@pytest.fixture
def window(qtbot, ui_settings, backend):
    backend.add_run("done_run", iterations=4)
    backend.add_live_run("live_run", total=6, per_poll=2)
    win = mw.MainWindow(ui_settings, open_backend=lambda location, **o: backend)
    win.show()
    with qtbot.waitSignal(win.workspace_changed, timeout=10_000):
        win.connect_workspace("/memory")
    # an active run found on opening a workspace is followed in its own tab; wait for that before clicking
    qtbot.waitUntil(lambda: "live_run" in win.monitor.run_views, timeout=10_000)
    yield win
    win.run_control.set_backend(None)
    win.close()
    win.deleteLater()


def dock_status(dock, run_id):
    model = dock.model
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        for row in range(model.rowCount(parent)):
            if model.run_at(model.index(row, 0, parent)).run_id == run_id:
                return model.index(row, 1, parent).data()
    return None


def open_from_dock(qtbot, window, run_id):
    dock = window.monitor.dock
    qtbot.waitUntil(lambda: dock_status(dock, run_id) is not None, timeout=10_000)
    dock.view.expandAll()
    proxy = dock.proxy
    for top in range(proxy.rowCount()):
        parent = proxy.index(top, 0)
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            if proxy.data(index, Qt.ItemDataRole.DisplayRole) and run_id.startswith(str(index.data())[:8]):
                rect = dock.view.visualRect(index)
                qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                qtbot.waitUntil(lambda: run_id in window.monitor.run_views, timeout=10_000)
                return window.monitor.run_views[run_id]
    raise AssertionError(f"{run_id} is not in the dock")


def test_dock_row_says_what_the_run_tab_says(qtbot, window):
    view = open_from_dock(qtbot, window, "live_run")
    seen = []
    view.snapshot_applied.connect(lambda s: seen.append((s.run.status, dock_status(window.monitor.dock, "live_run"))))
    qtbot.waitUntil(lambda: view.run is not None and view.run.status == rs.COMPLETED, timeout=20_000)
    assert seen and all(tab == dock for tab, dock in seen), seen


def test_status_bar_names_the_run_being_viewed(qtbot, window):
    live = open_from_dock(qtbot, window, "live_run")
    done = open_from_dock(qtbot, window, "done_run")
    tabs = window.central_tabs
    qtbot.waitUntil(lambda: window.run_label.text().startswith("Run done_run"), timeout=10_000)
    assert "Completed" in window.run_label.text()
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(live)).center())
    qtbot.waitUntil(lambda: window.run_label.text().startswith("Run live_run"), timeout=10_000)
    assert tabs.currentWidget() is live and done is not live


def two_sessions(qtbot, ui_settings, backend):
    """(0, window), then (1, window): the app opened on the workspace, closed after each turn."""
    for session in range(2):
        win = mw.MainWindow(ui_settings, open_backend=lambda location, **o: backend)
        win.show()
        with qtbot.waitSignal(win.workspace_changed, timeout=10_000):
            win.connect_workspace("/memory")
        yield session, win
        win.run_control.set_backend(None)
        win.close()
        win.deleteLater()


def test_leaderboard_widths_the_user_sets_come_back_next_session(qtbot, ui_settings, backend):
    backend.add_run("done_run", iterations=4)
    widths = []
    for session, win in two_sessions(qtbot, ui_settings, backend):
        view = open_from_dock(qtbot, win, "done_run")
        board = view.leaderboard
        qtbot.waitUntil(lambda: board.model.rowCount() == 4, timeout=10_000)
        header = board.view.horizontalHeader()
        pipeline = 1
        assert not header.stretchLastSection()
        if session == 0:
            fitted = header.sectionSize(pipeline)
            drag_section_edge(qtbot, header, pipeline, 120)
            assert header.sectionSize(pipeline) > fitted + 60, (fitted, header.sectionSize(pipeline))
        widths.append(header.sectionSize(pipeline))
    assert widths[1] == widths[0], widths


def test_runs_dock_widths_the_user_sets_come_back_next_session(qtbot, ui_settings, backend):
    backend.add_run("done_run", iterations=4)
    widths = []
    for session, win in two_sessions(qtbot, ui_settings, backend):
        dock = win.monitor.dock
        qtbot.waitUntil(lambda: dock_status(dock, "done_run") is not None, timeout=10_000)
        header = dock.view.header()
        column = 1
        if session == 0:
            fitted = header.sectionSize(column)
            drag_section_edge(qtbot, header, column, 90)
            assert header.sectionSize(column) > fitted + 40, (fitted, header.sectionSize(column))
            with qtbot.waitSignal(dock.poller.polled, timeout=10_000):
                dock.refresh()  # as the dock's timer does: the poll refits the columns, the user's width stays
        widths.append(header.sectionSize(column))
    assert widths[1] == widths[0], widths


def test_an_open_run_is_polled_once_by_its_view_not_twice(qtbot, window, backend):
    import sys

    view = window.monitor.run_views["live_run"]
    qtbot.waitUntil(lambda: "live_run" in window.run_control.fed, timeout=10_000)
    callers = []
    plain = backend.get_run

    def get_run(run_id):
        callers.append(sys._getframe(1).f_code.co_name)
        return plain(run_id)

    backend.get_run = get_run
    qtbot.waitUntil(lambda: view.run.status == rs.COMPLETED, timeout=20_000)
    qtbot.waitUntil(lambda: window.run_control.statuses.get("live_run") == rs.COMPLETED, timeout=5_000)
    assert callers and "call" not in callers, callers  # RunControl polls through `call`; the view does not
