"""The Predict dialog: runs in the background, shows progress, can be canceled, reports failures."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.ui.registry.predict_dialog import PredictDialog, default_output

MODEL = "TitanicSurvivalInitial"


def choose_data(qtbot, dialog, path, monkeypatch) -> None:
    """Browse… for the data file, as a person does; the file dialog answers `path`."""
    monkeypatch.setattr("app.ui.registry.predict_dialog.QFileDialog.getOpenFileName", lambda *a: (str(path), ""))
    qtbot.mouseClick(dialog.inputs[0].findChild(QPushButton), Qt.MouseButton.LeftButton)


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def make_dialog(qtbot, runner, backend):
    def make():
        dialog = PredictDialog(backend, backend.get_model(MODEL, 1), runner)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def test_predicts_in_the_background_and_reports_the_result(qtbot, make_dialog, raw_csv, monkeypatch):
    dialog = make_dialog()
    assert not dialog.predict_button.isEnabled()
    assert "probability_0, probability_1" in dialog.about.text() and "label column may be left out" in dialog.about.text()
    choose_data(qtbot, dialog, raw_csv, monkeypatch)
    assert dialog.output_edit.text() == default_output(str(raw_csv)) == str(raw_csv.with_name("raw_predictions.csv"))
    assert dialog.predict_button.isEnabled()
    with qtbot.waitSignal(dialog.predicted, timeout=20_000) as done:
        click(qtbot, dialog.predict_button)
        assert dialog.cancel_button.isVisible() and not dialog.close_button.isVisible()
        assert not dialog.data_edit.isEnabled()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=5000)
    assert done.args[0]["rows"] == 891
    assert len(pd.read_csv(dialog.output_edit.text())) == 891
    assert dialog.progress.value() == 1000 and "Wrote 891 rows" in dialog.status.text()
    assert dialog.close_button.isVisible() and not dialog.cancel_button.isVisible()
    assert dialog.warnings.isHidden()


def test_cancel_stops_and_writes_nothing(qtbot, make_dialog, raw_csv, monkeypatch):
    dialog = make_dialog()
    choose_data(qtbot, dialog, raw_csv, monkeypatch)
    with qtbot.waitSignal(dialog.ended, timeout=20_000) as ended:
        click(qtbot, dialog.predict_button)
        click(qtbot, dialog.cancel_button)
    assert ended.args == ["canceled"]
    assert "no output file was written" in dialog.status.text()
    assert sorted(p.name for p in raw_csv.parent.iterdir()) == ["raw.csv", "ws"]
    assert dialog.predict_button.isEnabled()


def test_a_failure_is_shown_in_the_dialog(qtbot, make_dialog, raw_csv, backend, monkeypatch):
    with open(backend.get_model(MODEL, 1).path, "ab") as fh:
        fh.write(b"x")
    dialog = make_dialog()
    choose_data(qtbot, dialog, raw_csv, monkeypatch)
    with qtbot.waitSignal(dialog.ended, timeout=20_000) as ended:
        click(qtbot, dialog.predict_button)
    assert ended.args == ["failed"]
    assert "changed after registration" in dialog.status.text() and "c62828" in dialog.status.styleSheet()
    assert not dialog.progress.isVisible()


def test_closing_while_predicting_cancels_and_joins(qtbot, make_dialog, raw_csv, monkeypatch):
    dialog = make_dialog()
    choose_data(qtbot, dialog, raw_csv, monkeypatch)
    click(qtbot, dialog.predict_button)
    handle = dialog.handle
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closing the dialog
    assert not handle.is_running()
    assert not raw_csv.with_name("raw_predictions.csv.partial").exists()
