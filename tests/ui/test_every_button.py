"""Every visible, enabled button and every menu action, pressed from a fresh state: no error may surface.

An error is anything that reaches the reporter (the error dialog) or the excepthook; an
exception inside a Qt slot fails the test through pytest-qt as well.
"""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWizard

from app.ui import main_window as mw
from app.ui.wizard import wizard as w

from .clicks import click, click_next, click_view_row, pick_dataset_and_label
from .press_everything import BlockingDialogCloser, Explorer

pytestmark = [pytest.mark.filterwarnings("ignore:.*AA_UseHighDpiPixmaps:DeprecationWarning"),
              # matplotlib's subplot tool offers Tight layout on a figure laid out by constrained layout
              pytest.mark.filterwarnings("ignore:This figure was using a layout engine:UserWarning")]


@pytest.fixture
def errors(monkeypatch):
    found: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: found.append(f"excepthook: {kind.__name__}: {exc}"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)  # no file manager in tests
    closer = BlockingDialogCloser()
    yield found
    closer.stop()


def open_window(qtbot, ui_settings, backend, errors, with_monitor=True):
    window = mw.MainWindow(ui_settings, open_backend=lambda location, **o: backend, with_monitor=with_monitor)
    window.reporter.reported.connect(lambda message, details: errors.append(f"reported: {message}"))
    window.show()
    with qtbot.waitSignal(window.workspace_changed, timeout=20_000):
        window.connect_workspace("/workspace")
    return window


def close_window(window) -> None:
    window.run_control.set_backend(None)
    window.close()
    window.deleteLater()


def menu_actions(menu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from menu_actions(action.menu())
        elif not action.isSeparator():
            yield action


def idle(window):
    return lambda: window.runner.running() == 0


def test_every_menu_action_of_the_main_window(qtbot, ui_settings, backend, errors):
    window = open_window(qtbot, ui_settings, backend, errors)
    explorer = Explorer(qtbot, idle=idle(window), depth=1)
    click_view_row(qtbot, window.monitor.dock.view, 0)  # a run selected, as for Compare or Clone
    triggered = []
    for menu in window.menus.values():
        for action in list(menu_actions(menu)):
            if action is window.actions["quit"] or not action.isEnabled() or not action.isVisible():
                continue
            triggered.append(action.text())
            explorer.trigger(action, 0)
    assert len(triggered) >= 12, triggered
    assert errors == [], errors
    close_window(window)


def test_every_button_of_the_main_window_and_a_run_view(qtbot, ui_settings, backend, errors):
    window = open_window(qtbot, ui_settings, backend, errors)
    qtbot.waitUntil(lambda: window.monitor.dock.proxy.rowCount() > 0, timeout=20_000)
    explorer = Explorer(qtbot, idle=idle(window), depth=1)
    explorer.explore(window)
    dock = window.monitor.dock
    dock.view.expandAll()
    run_row = dock.proxy.index(0, 0, dock.proxy.index(0, 0))
    dock.view.scrollTo(run_row)
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=dock.view.visualRect(run_row).center())
    qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=dock.view.visualRect(run_row).center())
    qtbot.waitUntil(lambda: bool(window.monitor.run_views), timeout=20_000)
    view = next(iter(window.monitor.run_views.values()))
    explorer.settle()
    explorer.explore(view)
    assert len(explorer.pressed) >= 10, explorer.pressed
    assert errors == [], errors
    close_window(window)


def test_every_button_of_each_wizard_page(qtbot, ui_settings, fake_backend, titanic_csv, errors):
    fake_backend.register_dataset("titanic_ds", [titanic_csv])
    window = open_window(qtbot, ui_settings, fake_backend, errors, with_monitor=False)
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    explorer = Explorer(qtbot, idle=idle(window), depth=1)
    pages = [w.PAGE_WORKSPACE, w.PAGE_DATASET, w.PAGE_COMPUTE, w.PAGE_DATAPREP, w.PAGE_AUTOML, w.PAGE_REGISTER,
             w.PAGE_REVIEW]
    for page_id, next_id in zip(pages, pages[1:] + [None]):
        if page_id == w.PAGE_DATASET:
            pick_dataset_and_label(qtbot, wizard, "titanic_ds", "Survived")
        explorer.explore(wizard.page(page_id))
        if page_id == w.PAGE_WORKSPACE:  # pressing its buttons may have picked another folder
            wizard.page(page_id).folder.setCurrentText("/workspace")
        if page_id == w.PAGE_DATASET:
            pick_dataset_and_label(qtbot, wizard, "titanic_ds", "Survived")
        if page_id == w.PAGE_DATAPREP:
            prep = wizard.page(page_id)
            for mode in (prep.bundled, prep.custom, prep.off):  # each mode shows its own buttons
                click(qtbot, mode)
                explorer.explore(prep)
        if next_id is not None:
            click_next(qtbot, wizard, next_id)
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert len(explorer.pressed) >= 10, explorer.pressed
    assert errors == [], errors
    close_window(window)
