"""The Models view: what it lists and shows, deleting a version, the disk-usage dialog."""
from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import Qt

from app.ui.registry.models_table import COLUMNS, MODEL_ROLE, human_size
from app.ui.registry.usage_dialog import DiskUsageDialog

MODEL = "TitanicSurvivalInitial"


@pytest.fixture
def view(open_models_view, backend):
    return open_models_view(backend)


def cell(view, row: int, column: str) -> str:
    return view.proxy.index(row, COLUMNS.index(column)).data()


def test_lists_versions_with_lineage_size_and_creation(view, shared):
    assert view.proxy.rowCount() == 1
    assert cell(view, 0, "Model") == MODEL and cell(view, 0, "Version") == "1"
    assert cell(view, 0, "Source run").startswith(shared[1][:8])
    assert cell(view, 0, "Dataset") == "titanic_ds:1" and cell(view, 0, "Metric") == "AUC_weighted"
    assert cell(view, 0, "Size") == human_size(view.selected_model().size_bytes)
    assert re.fullmatch(r"\d+\.\d (KB|MB)", cell(view, 0, "Size")) and cell(view, 0, "Created").startswith("20")
    assert view.selected_model().version == 1  # the newest is selected on load
    html = view.details.toHtml()
    assert "Trained with" in html and "scikit-learn" in html and "saved parameters are applied" in html
    assert view.predict_button.isEnabled() and view.delete_button.isEnabled()
    assert view.message.text() == "1 model version"


def test_details_mark_package_versions_that_differ(view):
    model = view.selected_model()
    older = dataclasses.replace(model, version=2, properties={
        **model.properties, "packages": {**model.properties["packages"], "lightgbm": "0.0.1"}})
    view.model.set_models([older, model])
    view.select(MODEL, 2)
    html = view.details.toHtml()
    assert "0.0.1" in html and "1 package version(s) differ from training" in html
    view.select(MODEL, 1)
    assert "differ from training" not in view.details.toHtml()


def test_filter_and_sort(view):
    model = view.selected_model()
    other = dataclasses.replace(model, name="Other", version=7, metric_value=0.5)
    view.model.set_models([model, other])
    view.view.sortByColumn(COLUMNS.index("Value"), Qt.SortOrder.AscendingOrder)
    assert [view.proxy.index(r, 0).data(MODEL_ROLE).name for r in range(2)] == ["Other", MODEL]
    view.filter.setText("oth")
    assert view.proxy.rowCount() == 1 and cell(view, 0, "Model") == "Other"


def test_delete_asks_then_removes_the_version(qtbot, view, backend):
    questions = []
    view.deletion.confirm = lambda title, text: questions.append(text) or False
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=5000)
    assert f"{MODEL}:1" in questions[0] and "cannot be undone" in questions[0]
    assert backend.list_models()

    view.deletion.confirm = lambda title, text: True
    with qtbot.waitSignal(view.models_loaded, timeout=10_000) as loaded:
        qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert loaded.args[0] == [] and backend.list_models() == []
    assert not (backend.layout.models / MODEL).exists()
    assert view.message.text().startswith(f"Deleted {MODEL}:1.")
    assert not view.predict_button.isEnabled()


def test_disk_usage_dialog(qtbot, runner, backend):
    dialog = DiskUsageDialog(backend, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000) as loaded:
        dialog.show()
    usage = loaded.args[0]
    assert dialog.categories.rowCount() == 6 and dialog.largest.rowCount() == len(usage["largest"]) >= 3
    names = {dialog.categories.item(r, 0).text() for r in range(6)}
    assert {"datasets", "models", "AutoML outputs"} <= names
    assert backend.root.name in dialog.total.text()
