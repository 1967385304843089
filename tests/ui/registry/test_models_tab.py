"""The Models tab driven by clicks against the shared fake backend: it needs only the Backend protocol."""
from __future__ import annotations

import pandas as pd
import pytest

from app.ui.main_window import MainWindow

from .clicks import click, click_row, click_tab, leaderboard_menu, open_run_from_dock

MODEL = "TitanicModel"


@pytest.fixture
def make_window(qtbot, ui_settings):
    made = []

    def make(backend) -> MainWindow:
        win = MainWindow(ui_settings, open_backend=lambda location, **o: backend)
        qtbot.addWidget(win)
        win.resize(1300, 800)
        win.show()
        with qtbot.waitSignal(win.models.view.models_loaded, timeout=10_000):
            win.set_backend(backend, backend.location)
        made.append(win)
        return win

    yield make
    for win in made:
        win.monitor.stop_polling()
        win.runner.shutdown()


@pytest.fixture
def fake(make_fake_backend):
    fake = make_fake_backend()
    fake.add_run("run_a", iterations=6)
    fake.add_model(MODEL, "run_a", 3, properties={"class_labels": [0, 1], "label_column": "Survived",
                                                   "test_score": 0.8312, "test_rows": 179})
    return fake


def models_tab(qtbot, window):
    view = window.models.view
    assert window.central_tabs.currentWidget() is not view
    with qtbot.waitSignal(view.models_loaded, timeout=10_000):  # coming to the tab lists the models again
        click_tab(qtbot, window.central_tabs, view)
    click_row(qtbot, view.view, 0)
    assert view.selected_model() is not None
    return view


def test_details_show_the_test_split_score_beside_the_validation_score(qtbot, make_window, fake, tmp_path):
    window = make_window(fake)
    view = models_tab(qtbot, window)
    text = view.details.toPlainText()
    assert "validation 0.8500 · test split 0.8312 on 179 held-out rows" in text
    window.grab().save(str(tmp_path / "models_tab_fake.png"))


def test_predict_from_the_models_tab(qtbot, make_window, fake, tmp_path):
    data, out = tmp_path / "new.csv", tmp_path / "scored.csv"
    pd.DataFrame({"Age": [22, 38, 26], "Sex": ["male", "female", "female"]}).to_csv(data, index=False)
    window = make_window(fake)
    view = models_tab(qtbot, window)
    click(qtbot, view.predict_button)
    dialog = view.dialogs["predict"]
    qtbot.keyClicks(dialog.data_edit, str(data))
    qtbot.keyClicks(dialog.output_edit, str(out))
    with qtbot.waitSignal(dialog.predicted, timeout=10_000):
        click(qtbot, dialog.predict_button)
    assert fake.predicted[0][:4] == (MODEL, 1, str(data), str(out))
    assert list(pd.read_csv(out)["prediction"]) == [0, 1, 0]
    assert "Wrote 3 rows" in dialog.status.text()
    dialog.close()


def test_register_the_iteration_selected_in_a_run_tab(qtbot, make_window, fake, tmp_path):
    window = make_window(fake)
    run_view = open_run_from_dock(qtbot, window, "run_a")
    qtbot.waitUntil(lambda: run_view.leaderboard.model.rowCount() == 6, timeout=10_000)
    menu = leaderboard_menu(qtbot, window, run_view, row=4)
    menu.grab().save(str(tmp_path / "leaderboard_menu.png"))
    menu.close()
    chosen = run_view.leaderboard.selected_iteration().iteration
    window.models.register_action.trigger()
    dialog = window.models.view.dialogs["register"]
    qtbot.waitUntil(lambda: dialog.register_button.isEnabled(), timeout=10_000)
    assert dialog.iteration_combo.currentData() == chosen
    dialog.grab().save(str(tmp_path / "register_iteration_dialog.png"))
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Chosen")
    with qtbot.waitSignal(window.models.view.models_loaded, timeout=10_000) as loaded:
        click(qtbot, dialog.register_button)
    assert [(m.name, m.iteration) for m in loaded.args[0]] == [("Chosen", chosen), (MODEL, 3)]
    assert window.models.view.selected_model().name == "Chosen"
    dialog.close()


def test_delete_a_model_version_from_the_models_tab(qtbot, make_window, fake):
    window = make_window(fake)
    view = models_tab(qtbot, window)
    asked = []
    view.deletion.confirm = lambda title, text: asked.append(text) or True
    with qtbot.waitSignal(view.models_loaded, timeout=10_000) as loaded:
        click(qtbot, view.delete_button)
    assert f"{MODEL}:1" in asked[0] and loaded.args[0] == [] and fake.models == []
    assert view.message.text().startswith(f"Deleted {MODEL}:1.")


def test_a_model_a_finished_run_registered_shows_without_refresh(qtbot, make_window, fake):
    window = make_window(fake)
    fake.add_live_run("live", total=3)
    fake.add_model(MODEL, "live", 2)  # what the run's register step does before the run ends
    loaded = qtbot.waitSignal(window.models.view.models_loaded, timeout=15_000)
    open_run_from_dock(qtbot, window, "live")  # the Models tab is not shown: only the run's end refreshes it
    loaded.wait()
    assert [m.version for m in loaded.args[0]] == [2, 1]
    click_tab(qtbot, window.central_tabs, window.models.view)
    assert window.models.view.model.rowCount() == 2


def test_an_azure_workspace_says_plainly_what_it_cannot_do(qtbot, make_window, make_fake_backend, tmp_path):
    azure = make_fake_backend(kind="azure", name="ml-ws", location="azure:config.json")
    azure.add_run("run_a", iterations=3)
    azure.add_model(MODEL, "run_a", 1)
    window = make_window(azure)
    view = models_tab(qtbot, window)
    why = azure.capabilities.why_not("predict")
    assert not view.predict_button.isEnabled() and view.predict_button.toolTip() == why
    assert view.unavailable.isVisible() and why in view.unavailable.text()
    assert "Predict" in view.unavailable.text()
    assert view.delete_button.isEnabled() and view.register_button.isEnabled()
    usage = window.models.usage_action
    assert not usage.isEnabled() and usage.statusTip() == azure.capabilities.why_not("disk_usage")
    assert not window.models.delete_runs_action.isEnabled() and window.models.register_action.isEnabled()
    window.grab().save(str(tmp_path / "models_tab_azure.png"))
