"""The Models feature in the main window on a real local workspace: tab, actions, registering an
iteration from the leaderboard's context menu, deleting a dataset version with the runs that use it."""
from __future__ import annotations

import pytest

from app.ui.main_window import MainWindow

from .clicks import click, leaderboard_menu, open_run_from_dock

MODEL = "TitanicSurvivalInitial"


@pytest.fixture
def window(qtbot, ui_settings, backend):
    win = MainWindow(ui_settings, open_backend=lambda location, **o: backend)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.models.view.models_loaded, timeout=10_000):
        win.set_backend(backend, str(backend.root))
    yield win
    win.monitor.stop_polling()
    win.runner.shutdown()


def action_texts(window, menu: str) -> list[str]:
    return [a.text() for a in window.menus[menu].actions()]


def test_adds_the_models_tab_and_actions(window):
    controller = window.models
    tabs = window.central_tabs
    assert tabs.tabText(tabs.indexOf(controller.view)) == "Models"
    assert "&Register an iteration's model…" in action_texts(window, "Run")
    assert "&Delete selected runs…" in action_texts(window, "Run")
    assert {"Delete a dataset &version…", "Disk &usage…"} <= set(action_texts(window, "Workspace"))
    assert all(a.isEnabled() for a in controller.capability_actions)
    assert controller.view.model.rowCount() == 1 and controller.view.unavailable.isHidden()
    tabs.tabCloseRequested.emit(tabs.indexOf(controller.view))
    assert tabs.indexOf(controller.view) < 0
    controller.show_action.trigger()
    assert tabs.currentWidget() is controller.view


def test_register_an_iteration_from_the_leaderboard_menu(qtbot, window, shared):
    view = open_run_from_dock(qtbot, window, shared[1])
    qtbot.waitUntil(lambda: view.leaderboard.model.rowCount() > 1, timeout=10_000)
    menu = leaderboard_menu(qtbot, window, view, row=1)
    iteration = view.leaderboard.selected_iteration().iteration
    action = menu.actions()[0]
    assert action.text() == f"Register iteration {iteration}'s model…" and action.isEnabled()
    action.trigger()
    dialog = window.models.view.dialogs["register"]
    qtbot.waitUntil(lambda: dialog.register_button.isEnabled(), timeout=10_000)
    assert dialog.iteration_combo.currentData() == iteration and dialog.name_edit.text() == MODEL
    models_view = window.models.view
    with qtbot.waitSignal(models_view.models_loaded, timeout=60_000) as loaded:
        with qtbot.waitSignal(dialog.registered, timeout=60_000) as registered:
            click(qtbot, dialog.register_button)
    model = registered.args[0]
    assert (model.name, model.version, model.iteration) == (MODEL, 2, iteration)
    assert [m.version for m in loaded.args[0]] == [2, 1]
    assert models_view.selected_model().version == 2
    assert f"Registered {MODEL}:2" in dialog.status.text()
    dialog.close()


def test_deleting_a_dataset_takes_its_runs_and_their_tabs_along(qtbot, window, backend, shared, monkeypatch):
    view = open_run_from_dock(qtbot, window, shared[1])
    controller = window.models
    asked = []
    controller.deletion.confirm = lambda title, text: asked.append(text) or True
    monkeypatch.setattr("app.ui.registry.integration.QInputDialog.getItem",
                        lambda *args: ("titanic_ds:1", True))
    with qtbot.waitSignal(controller.deletion.deleted, timeout=10_000) as deleted:
        controller.delete_dataset_action.trigger()
    assert "is used by run(s)" in asked[0] and "Delete those 1 run(s) as well?" in asked[0]
    assert "titanic_ds:1" in asked[1] and "1 run(s)" in asked[1]
    assert deleted.args[0]["runs"] == [shared[1]]
    assert backend.list_runs() == [] and backend.list_datasets() == []
    assert [m.name for m in backend.list_models()] == [MODEL]
    qtbot.waitUntil(lambda: window.central_tabs.indexOf(view) < 0, timeout=5000)
    qtbot.waitUntil(lambda: shared[1] not in window.monitor.run_views, timeout=5000)
