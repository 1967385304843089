"""The whole path through the widgets only, on a real local workspace with a tiny budget:
Start page → wizard pages → Submit → the run tab → Compare → Models → Predict."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.core.runs import TERMINAL
from app.ui import main_window as mw
from app.ui.wizard import wizard as w
from app.ui.wizard.dataprep_page import COL_NAME, COL_TYPE

from .clicks import add_file_by_clicks, choose, click, click_next, connect_local_by_clicks, type_into

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*AA_UseHighDpiPixmaps:DeprecationWarning")]


@pytest.fixture
def raw_csv(tmp_path):
    """The Titanic file without its label, as new data to predict on."""
    import pandas as pd

    from app import locator

    path = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(path, index=False)
    return path


def click_tab(qtbot, tabs, widget) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(widget)).center())
    assert tabs.currentWidget() is widget


def test_start_page_to_predictions_by_clicks(qtbot, ui_settings, tmp_path, titanic_csv, raw_csv):
    window = mw.MainWindow(ui_settings)
    window.show()
    reports = []
    window.reporter.reported.connect(lambda message, details: reports.append(message))

    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    connect_local_by_clicks(qtbot, wizard, str(tmp_path / "ws"))

    dataset_page = wizard.page(w.PAGE_DATASET)
    dialog = add_file_by_clicks(qtbot, wizard, titanic_csv)
    qtbot.waitUntil(lambda: dialog.name.text() == "titanic_ds" and dialog.register_button.isEnabled(),
                    timeout=20_000)
    click(qtbot, dialog.register_button)
    qtbot.waitUntil(lambda: dataset_page.label.findText("Survived") >= 0, timeout=30_000)
    choose(qtbot, dataset_page.label, "Survived")
    qtbot.waitUntil(dataset_page.isComplete, timeout=30_000)

    click_next(qtbot, wizard, w.PAGE_COMPUTE)
    click_next(qtbot, wizard, w.PAGE_DATAPREP)
    prep = wizard.currentPage()
    click(qtbot, prep.bundled)
    embarked = next(r for r in range(prep.table.rowCount())
                    if prep.table.item(r, COL_NAME).data(Qt.ItemDataRole.UserRole) == "Embarked")
    assert prep.table.item(embarked, COL_TYPE).text() == "text, 0.2% missing, 3 distinct"     # 2 gaps in 891 rows
    click(qtbot, prep.suggest_button)
    click_next(qtbot, wizard, w.PAGE_AUTOML)
    automl = wizard.currentPage()
    type_into(qtbot, automl.numbers["iterations"], "3")
    type_into(qtbot, automl.numbers["n_cross_validations"], "")
    choose(qtbot, automl.timeout_unit, "minutes")
    type_into(qtbot, automl.timeout, "1")
    click_next(qtbot, wizard, w.PAGE_REGISTER)
    click_next(qtbot, wizard, w.PAGE_REVIEW)
    assert wizard.currentPage().experiment.text() == "titanic_automl"
    with qtbot.waitSignal(window.run_submitted, timeout=60_000) as submitted:
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    run_id = submitted.args[0]

    monitor = window.monitor
    qtbot.waitUntil(lambda: run_id in monitor.run_views, timeout=10_000)
    view = monitor.run_views[run_id]
    assert window.central_tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.run is not None and view.run.status in TERMINAL, timeout=180_000)
    assert view.run.status == "Completed", view.run.error
    click_tab(qtbot, view.tabs, view.leaderboard)
    qtbot.waitUntil(lambda: view.leaderboard.model.rowCount() >= 1, timeout=20_000)

    dock = monitor.dock
    qtbot.waitUntil(lambda: dock.proxy.rowCount() > 0 and dock.proxy.rowCount(dock.proxy.index(0, 0)) > 0,
                    timeout=20_000)
    row = dock.proxy.index(0, 0, dock.proxy.index(0, 0))
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=dock.view.visualRect(row).center())
    assert dock.selected_run_ids() == [run_id]
    monitor.compare_action.trigger()
    qtbot.waitUntil(lambda: type(window.central_tabs.currentWidget()).__name__ == "CompareView", timeout=10_000)
    compare = window.central_tabs.currentWidget()
    qtbot.waitUntil(lambda: compare.runs_list.count() == 1, timeout=20_000)

    models = window.models.view
    click_tab(qtbot, window.central_tabs, models)
    click(qtbot, models.refresh_button)
    qtbot.waitUntil(lambda: models.view.model().rowCount() == 1, timeout=20_000)
    index = models.view.model().index(0, 0)
    qtbot.mouseClick(models.view.viewport(), Qt.MouseButton.LeftButton, pos=models.view.visualRect(index).center())
    qtbot.waitUntil(models.predict_button.isEnabled, timeout=10_000)
    click(qtbot, models.predict_button)
    qtbot.waitUntil(lambda: "predict" in models.dialogs and models.dialogs["predict"].isVisible(), timeout=10_000)
    predict = models.dialogs["predict"]
    output = tmp_path / "predictions.csv"
    type_into(qtbot, predict.data_edit, str(raw_csv))
    type_into(qtbot, predict.output_edit, str(output))
    with qtbot.waitSignal(predict.predicted, timeout=60_000) as done:
        click(qtbot, predict.predict_button)
    assert done.args[0]["rows"] == 891
    assert output.read_text(encoding="utf-8").splitlines()[0].endswith(",prediction,probability_0,probability_1")
    assert reports == []
    window.run_control.set_backend(None)
    window.close()
    window.deleteLater()
