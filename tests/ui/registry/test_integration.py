"""install_models on the main window; registering an iteration; deleting runs and dataset versions."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from app.ui.main_window import MainWindow
from app.ui.registry.integration import install_models
from app.ui.registry.register_iteration_dialog import RegisterIterationDialog

MODEL = "TitanicSurvivalInitial"


@pytest.fixture
def window(qtbot, ui_settings, backend):
    win = MainWindow(ui_settings, open_backend=lambda location, **o: backend, with_monitor=False)
    qtbot.addWidget(win)
    controller = install_models(win)
    win.show()
    with qtbot.waitSignal(controller.view.models_loaded, timeout=10_000):
        win.set_backend(backend, str(backend.root))
    yield win
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
    assert all(a.isEnabled() for a in controller.local_actions)
    assert controller.view.model.rowCount() == 1
    tabs.tabCloseRequested.emit(tabs.indexOf(controller.view))
    assert tabs.indexOf(controller.view) < 0
    controller.show_action.trigger()
    assert tabs.currentWidget() is controller.view


def test_register_an_iteration_from_the_dialog(qtbot, window, shared):
    controller = window.models
    dialog = controller.open_register(shared[1], 1)
    assert isinstance(dialog, RegisterIterationDialog)
    qtbot.waitUntil(lambda: dialog.register_button.isEnabled(), timeout=10_000)
    assert dialog.iteration_combo.currentData() == 1
    assert dialog.name_edit.text() == MODEL
    assert dialog.iteration_combo.currentText().startswith("1 · ")
    with qtbot.waitSignal(controller.view.models_loaded, timeout=30_000) as loaded:
        with qtbot.waitSignal(dialog.registered, timeout=30_000) as registered:
            dialog.start()
    model = registered.args[0]
    assert (model.name, model.version, model.iteration) == (MODEL, 2, 1)
    assert [m.version for m in loaded.args[0]] == [2, 1]
    assert controller.view.selected_model().version == 2
    assert "Registered TitanicSurvivalInitial:2" in dialog.status.text()


def test_dataset_in_use_asks_to_take_its_runs_along(qtbot, window, backend, shared):
    controller = window.models
    asked = []
    controller.deletion.confirm = lambda title, text: asked.append(text) or True
    with qtbot.waitSignal(controller.deletion.deleted, timeout=10_000) as deleted:
        controller.deletion.delete_dataset("titanic_ds", 1)
    assert "is used by run(s)" in asked[0] and "Delete those 1 run(s) as well?" in asked[0]
    assert "titanic_ds:1" in asked[1] and "1 run(s)" in asked[1]
    assert deleted.args[0]["runs"] == [shared[1]]
    assert backend.list_runs() == [] and backend.list_datasets() == []
    assert [m.name for m in backend.list_models()] == [MODEL]


def test_leaderboard_rows_offer_registration(qtbot, window, shared):
    from app.ui.monitor.run_view import RunViewWidget

    view = RunViewWidget(window.backend, shared[1], window.runner)
    window.central_tabs.addTab(view, "Run")
    window.central_tabs.setCurrentWidget(view)
    board = view.leaderboard
    qtbot.waitUntil(lambda: board.model.rowCount() > 0, timeout=10_000)
    index = board.proxy.index(0, 0)
    menu = window.models._leaderboard_menu(view, board.view.visualRect(index).center())
    assert menu is not None and menu.actions()[0].text().startswith("Register iteration ")
    assert window.models._leaderboard_menu(view, QPoint(-5, -5)) is None
    board.view.selectRow(0)
    run_id, iteration = window.models._current_run_selection()
    assert run_id == shared[1] and iteration == board.model.iteration_at(board.proxy.mapToSource(index).row()).iteration
    menu.close()
    view.stop()
