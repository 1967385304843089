"""The review page's "Test on this machine" for an Azure target: the real dry run, by clicks."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.spec import copy_spec, load_spec
from app.locator import example_spec
from app.ui.wizard import wizard as w

from tests.ui.clicks import click_next


def azure_titanic_spec():
    spec = copy_spec(load_spec(example_spec()))
    spec.compute = "cpu-cluster"
    spec.automl.iterations = 3
    spec.automl.n_cross_validations = 3
    return spec


@pytest.fixture
def azure(make_fake_backend):
    return make_fake_backend(kind="azure", name="ml-ws", location="azure:cfg.json")


def walk_to_review(qtbot, make_wizard, titanic_csv, spec, azure):
    azure.register_dataset("titanic_ds", [titanic_csv])
    wizard = make_wizard(spec=spec, backend=azure, location="azure:cfg.json")
    return wizard, next_to_review(qtbot, wizard)


def next_to_review(qtbot, wizard):
    """Press Next from the first page to the review page; the review page."""
    wizard.show()
    for page_id in range(w.PAGE_DATASET, w.PAGE_REVIEW + 1):
        click_next(qtbot, wizard, page_id)
        qtbot.waitUntil(wizard.currentPage().isComplete, timeout=20_000)
    return wizard.currentPage()


def test_the_button_runs_the_azure_graph_here_and_shows_each_step(qtbot, make_wizard, titanic_csv, azure, tmp_path):
    wizard, page = walk_to_review(qtbot, make_wizard, titanic_csv, azure_titanic_spec(), azure)
    panel = page.dry_run
    assert panel.isVisibleTo(page) and panel.test_button.isEnabled()
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.finished, timeout=120_000) as finished:
        pass
    summary = finished.args[0]
    assert [(s["name"], s["status"]) for s in summary["steps"]] == [
        ("data_prep", "Completed"), ("automl", "Completed"), ("register", "Completed")]
    text = panel.status.text()
    assert text.startswith("✓ data_prep Completed") and "891 prepared rows; Model.register recorded: TitanicSurvivalInitial" in text
    assert "Model.register recorded: TitanicSurvivalInitial" in text
    assert "building the pipeline graph" in panel.log.toPlainText()
    assert panel.test_button.isEnabled() and not panel.cancel_button.isVisible()
    # the results get their room once the layout has run (the spec text gives way)
    qtbot.waitUntil(lambda: panel.status.height() >= panel.status.heightForWidth(panel.status.width()), timeout=5_000)
    qtbot.waitUntil(lambda: panel.height() >= panel.minimumSizeHint().height(), timeout=5_000)
    page.grab().save(str(tmp_path / "review_dry_run.png"))


def test_cancel_stops_the_test_and_says_so(qtbot, make_wizard, titanic_csv, azure):
    spec = azure_titanic_spec()
    spec.automl.iterations = 1000          # a long search, so Cancel arrives while AutoML runs
    spec.automl.enable_early_stopping = False
    wizard, page = walk_to_review(qtbot, make_wizard, titanic_csv, spec, azure)
    panel = page.dry_run
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "automl: Running" in panel.log.toPlainText(), timeout=60_000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.finished, timeout=60_000) as finished:
        pass
    steps = {s["name"]: s["status"] for s in finished.args[0]["steps"]}
    assert steps == {"data_prep": "Completed", "automl": "Canceled", "register": "NotStarted"}
    assert panel.status.text().startswith("✗ data_prep Completed") and "automl Canceled" in panel.status.text()


def test_the_button_is_not_offered_for_a_local_target(qtbot, make_wizard, fake_backend, titanic_csv):
    fake_backend.register_dataset("titanic_ds", [titanic_csv])
    wizard = make_wizard(spec=copy_spec(load_spec(example_spec())), backend=fake_backend, location="memory")
    next_to_review(qtbot, wizard)
    assert not wizard.currentPage().dry_run.isVisibleTo(wizard.currentPage())


def test_export_from_a_local_wizard_uses_the_clis_rule(qtbot, make_wizard, fake_backend, titanic_csv, tmp_path,
                                                       monkeypatch):
    """The same spec exports alike from the app and the CLI: 'local' becomes cpu-cluster, said so."""
    fake_backend.register_dataset("titanic_ds", [titanic_csv])
    wizard = make_wizard(spec=copy_spec(load_spec(example_spec())), backend=fake_backend, location="memory")
    next_to_review(qtbot, wizard)
    page = wizard.currentPage()
    target = tmp_path / "pipeline.py"
    monkeypatch.setattr("app.ui.file_dialogs.QFileDialog.getSaveFileName",
                        lambda *args, **kwargs: (str(target), "Python (*.py)"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.is_file, timeout=20_000)
    text = target.read_text()
    assert "COMPUTE_NAMES = ['cpu-cluster']" in text and "computes['local']" not in text
    assert "'local' exported as 'cpu-cluster'" in page.status.text()
    compile(text, str(target), "exec")


def test_a_dataset_with_no_local_source_asks_for_a_local_copy(qtbot, make_wizard, titanic_csv, monkeypatch, azure):
    asked = []

    def choose(parent, title, folder, filters):
        asked.append(title)
        return titanic_csv, filters

    monkeypatch.setattr("app.ui.file_dialogs.QFileDialog.getOpenFileName", choose)
    wizard, page = walk_to_review(qtbot, make_wizard, titanic_csv, azure_titanic_spec(), azure)
    wizard.backend.datasets[0].sources = ["https://example.org/data/titanic.csv"]   # registered from the web
    panel = page.dry_run
    qtbot.mouseClick(panel.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.running, timeout=10_000)
    assert asked == ["A local copy of dataset titanic_ds for the test"]
    assert panel.process.arguments()[-2:] == ["--data", titanic_csv]
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.finished, timeout=60_000):
        pass
