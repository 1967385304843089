"""install_monitor on a minimal main window with the attributes the real one exposes."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QTabBar, QTabWidget

from app.core import runs as rs
from app.ui.monitor.integration import install_monitor
from app.ui.monitor.run_view import RunViewWidget
from app.ui.monitor.runs_model import EXPERIMENT_ROLE, RUN_ID_ROLE


class MiniWindow(QMainWindow):
    workspace_changed = Signal(object)
    run_submitted = Signal(str)

    def __init__(self, runner):
        super().__init__()
        self.runner, self.backend = runner, None
        self.central_tabs = QTabWidget()
        self.setCentralWidget(self.central_tabs)
        self.menus = {name: self.menuBar().addMenu(name) for name in ("File", "Workspace", "Run", "View", "Help")}


@pytest.fixture
def window(qtbot, runner):
    win = MiniWindow(runner)
    qtbot.addWidget(win)
    controller = install_monitor(win)
    yield win
    controller.dock.poller.stop()
    for view in list(controller.run_views.values()):
        view.stop()


def test_runs_dock_lists_runs_and_filters_by_experiment_and_status(qtbot, window, backend):
    backend.add_run("a1", experiment="titanic")
    backend.add_run("a2", experiment="titanic", status=rs.FAILED)
    backend.add_run("h1", experiment="houses", task="regression")
    window.backend = backend
    window.workspace_changed.emit(backend)
    dock = window.monitor.dock
    qtbot.waitUntil(lambda: len(dock.proxy.run_ids()) == 3, timeout=5000)
    assert [dock.proxy.index(r, 0).data(EXPERIMENT_ROLE) for r in range(dock.proxy.rowCount())] == ["houses", "titanic"]
    assert dock.view.isExpanded(dock.proxy.index(1, 0))
    dock.experiment_combo.setCurrentText("titanic")
    assert sorted(dock.proxy.run_ids()) == ["a1", "a2"]
    dock.status_combo.setCurrentText("Failed")
    assert dock.proxy.run_ids() == ["a2"]
    dock.experiment_combo.setCurrentText("houses")
    assert dock.proxy.rowCount() == 0, "an experiment with no run of that status is hidden"


def test_run_submitted_opens_a_live_run_view_tab_once(qtbot, window, backend):
    backend.add_live_run("live", total=4)
    window.backend = backend
    window.workspace_changed.emit(backend)
    window.run_submitted.emit("live")
    window.run_submitted.emit("live")
    tabs = window.central_tabs
    assert tabs.count() == 1 and isinstance(tabs.currentWidget(), RunViewWidget)
    view = tabs.currentWidget()
    qtbot.waitUntil(lambda: view.run is not None, timeout=5000)
    tabs.tabCloseRequested.emit(0)
    qtbot.waitUntil(lambda: tabs.count() == 0 and "live" not in window.monitor.run_views, timeout=2000)


def test_menus_get_open_metrics_file_and_compare(window):
    file_texts = [a.text() for a in window.menus["File"].actions()]
    assert "Open &metrics file…" in file_texts
    assert "C&ompare runs…" in [a.text() for a in window.menus["Run"].actions()]


def test_works_on_a_bare_main_window(qtbot, runner):
    bare = QMainWindow()
    qtbot.addWidget(bare)
    controller = install_monitor(bare)
    assert controller.dock.parent() is bare
    assert controller.open_run("x") is None


def test_closing_the_window_stops_polling(qtbot, window, backend):
    backend.add_live_run("live", total=400)
    window.backend = backend
    window.workspace_changed.emit(backend)
    window.show()
    view = window.monitor.open_run("live")
    qtbot.waitUntil(lambda: view.run is not None, timeout=5000)
    window.close()
    qtbot.waitUntil(lambda: not view.poller.is_active() and not window.monitor.dock.poller.is_active(),
                    timeout=2000)


def test_tab_close_button_closes_a_run_view(qtbot, window, backend):
    backend.add_run("done")
    window.backend = backend
    window.workspace_changed.emit(backend)
    view = window.monitor.open_run("done")
    tabs = window.central_tabs
    button = tabs.tabBar().tabButton(tabs.indexOf(view), QTabBar.ButtonPosition.RightSide)
    button.click()
    assert tabs.count() == 0


def test_compare_the_runs_selected_in_the_dock(qtbot, window, backend):
    from PySide6.QtCore import QItemSelectionModel

    from app.ui.monitor.compare_view import CompareView

    for run_id in ("r1", "r2", "r3"):
        backend.add_run(run_id)
    window.backend = backend
    window.workspace_changed.emit(backend)
    dock = window.monitor.dock
    qtbot.waitUntil(lambda: len(dock.proxy.run_ids()) == 3, timeout=5000)
    parent = dock.proxy.index(0, 0)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(dock.proxy.rowCount(parent)):
        index = dock.proxy.index(row, 0, parent)
        if index.data(RUN_ID_ROLE) in ("r1", "r3"):
            dock.view.selectionModel().select(index, flags)
    assert sorted(dock.selected_run_ids()) == ["r1", "r3"]
    view = window.monitor.compare_selected()
    assert isinstance(window.central_tabs.currentWidget(), CompareView)
    with qtbot.waitSignal(view.compared, timeout=5000):
        pass
    assert sorted(view.chosen_runs()) == ["r1", "r3"]


def test_a_refused_close_keeps_polling(qtbot, window, backend):
    from PySide6.QtGui import QCloseEvent

    backend.add_live_run("live", total=400)
    window.backend = backend
    window.workspace_changed.emit(backend)
    window.show()
    view = window.monitor.open_run("live")
    window.closeEvent = lambda event: event.ignore()
    QApplication.sendEvent(window, QCloseEvent())
    assert not view.poller.is_active()
    qtbot.waitUntil(lambda: view.poller.is_active() and window.monitor.dock.poller.is_active(), timeout=2000)
