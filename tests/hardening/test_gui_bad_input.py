"""Bad input through the GUI on a real local workspace: the message on screen, the workspace unchanged."""
from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest
from PySide6.QtWidgets import QWizard

from app import locator
from app.backends.local.workspace import LocalBackend
from app.core.spec import PipelineSpec, load_spec
from app.ui.wizard import wizard as w
from app.ui.wizard.preview_widget import PreviewWidget
from app.ui.wizard.register_dataset_dialog import RegisterDatasetDialog
from app.ui.workers import JobRunner

from tests.ui.wizard_steps import walk_to

from .workspace_checks import fingerprint

BIG_FILE_BYTES = 2 * 1024 ** 3


@pytest.fixture
def runner():
    runner = JobRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def dialog(qtbot, ws, runner):
    dialog = RegisterDatasetDialog(LocalBackend(ws), runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _preview_settled(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog.preview.loading, timeout=10_000)


@pytest.mark.parametrize("content, fragment", [
    ("", "cannot be read as CSV"),
    ("a,b\n", "has a header but no data rows"),
    ("just_one\n1\n2\n", "only one column was found"),
    (b"PK\x03\x04\x14\x00" + bytes(64), "is a spreadsheet workbook or a ZIP archive, not delimited text"),
    (b"PAR1\x00\x01garbage", "cannot be read as Parquet"),
], ids=["empty", "header-only", "one-column", "workbook", "broken-parquet"])
def test_unreadable_file_blocks_registration(qtbot, dialog, ws, write_file, content, fragment):
    before = fingerprint(ws)
    suffix = "parquet" if isinstance(content, bytes) and content.startswith(b"PAR1") else "csv"
    dialog.add_sources([write_file(f"bad.{suffix}", content)])
    _preview_settled(qtbot, dialog)
    assert fragment in dialog.message.text()
    assert not dialog.register_button.isEnabled()
    assert fingerprint(ws) == before


@pytest.mark.parametrize("name", ["../evil", "a/b", "x" * 300, " "], ids=["dotdot", "slash", "very-long", "blank"])
def test_bad_dataset_name_blocks_registration(qtbot, dialog, ws, name):
    dialog.add_sources([str(locator.sample_dataset())])
    dialog.name.setText(name)
    _preview_settled(qtbot, dialog)
    assert "Name the dataset: letters, digits" in dialog.message.text()
    assert not dialog.register_button.isEnabled()


def test_refusal_from_the_backend_is_shown_and_the_dialog_stays(qtbot, dialog, ws, write_file):
    """A file without a header previews (its first row looks like names) but registering refuses it."""
    before = fingerprint(ws)
    dialog.add_sources([write_file("numbers.csv", "1,2,3\n4,5,6\n7,8,9\n")])
    dialog.name.setText("numbers")
    qtbot.waitUntil(dialog.register_button.isEnabled, timeout=10_000)
    dialog.register_button.click()
    qtbot.waitUntil(lambda: "holds numbers, not column names" in dialog.message.text(), timeout=10_000)
    assert dialog.isVisible() and dialog.dataset is None
    qtbot.waitUntil(dialog.register_button.isEnabled, timeout=10_000)
    assert fingerprint(ws) == before


@pytest.fixture(scope="session")
def two_gigabytes(tmp_path_factory) -> Path:
    """A 2 GB CSV that costs no disk: real rows first, then a sparse tail."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with open(path, "w") as fh:
        fh.write("id,value,label\n")
        fh.writelines(f"{i},{i * 0.5},{i % 2}\n" for i in range(20_000))
        fh.truncate(BIG_FILE_BYTES)
    return path


def test_two_gigabyte_file_previews_without_loading_it(qtbot, runner, two_gigabytes):
    assert two_gigabytes.stat().st_size == BIG_FILE_BYTES
    me = psutil.Process()
    rss_before = me.memory_info().rss
    widget = PreviewWidget(runner)
    qtbot.addWidget(widget)
    started = time.perf_counter()
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.load_file(str(two_gigabytes))
    assert time.perf_counter() - started < 5
    assert list(widget.sample.columns) == ["id", "value", "label"] and len(widget.sample) >= 5000
    assert (me.memory_info().rss - rss_before) < 200 * 1024 ** 2


# -- wizard pages on a real workspace ---------------------------------------------------------

def _spec() -> PipelineSpec:
    spec = load_spec(locator.example_spec())
    spec.automl.iterations = 4
    return spec


@pytest.fixture
def wizard_on(qtbot, ws, tmp_path):
    from app.ui.settings import UiSettings
    from app.ui.wizard.wizard import SetupWizard

    made = []

    def go(page_id: int, spec: PipelineSpec | None = None):
        wizard = SetupWizard(lambda location, **options: LocalBackend(Path(location)), spec=spec or _spec(),
                             settings=UiSettings(tmp_path / "ui.ini"))
        qtbot.addWidget(wizard)
        wizard.show()
        made.append(wizard)
        walk_to(qtbot, wizard, str(ws), page_id)
        return wizard, wizard.currentPage()

    yield go
    for wizard in made:
        wizard.runner.shutdown()


def _message(page, path: str) -> str:
    label = page.messages.label_for(path)
    return label.text() if label is not None and label.isVisible() else ""


def _blocked(qtbot, wizard, page, path: str, fragment: str) -> None:
    qtbot.waitUntil(lambda: fragment in _message(page, path), timeout=10_000)
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


@pytest.mark.parametrize("value, fragment", [
    ("a", "'y' has a single value ('a') in every row"),
    ("", "'y' has no values (every row is missing)"),
], ids=["one-class", "all-missing"])
def test_unlearnable_label_is_refused_on_the_dataset_page(qtbot, wizard_on, ws, write_file, value, fragment):
    rows = "".join(f"{i},{value}\n" for i in range(30))
    LocalBackend(ws).register_dataset("odd", [write_file("odd.csv", "x,y\n" + rows)])
    wizard, page = wizard_on(w.PAGE_DATASET, _spec())
    qtbot.waitUntil(lambda: page.datasets.topLevelItemCount() == 2, timeout=10_000)
    page.select_dataset("odd")
    qtbot.waitUntil(lambda: page.label.count() > 1, timeout=10_000)
    page.choose_label("y")
    _blocked(qtbot, wizard, page, "automl.label_column_name", fragment)


@pytest.mark.parametrize("field, text, fragment", [
    ("iterations", str(10 ** 9), "must be at most 1000 (Azure's limit), got 1000000000"),
    ("iterations", "0", "must be at least 1, got 0"),
    ("iteration_timeout_minutes", "0", "must be greater than 0"),
], ids=["iterations-1e9", "iterations-0", "iteration-timeout-0"])
def test_absurd_limits_are_blocked_on_the_automl_page(qtbot, wizard_on, field, text, fragment):
    wizard, page = wizard_on(w.PAGE_AUTOML)
    page.numbers[field].setText(text)
    _blocked(qtbot, wizard, page, f"automl.{field}", fragment)


def test_experiment_timeout_of_zero_is_blocked(qtbot, wizard_on):
    wizard, page = wizard_on(w.PAGE_AUTOML)
    page.numbers["iteration_timeout_minutes"].setText("")
    page.timeout_unit.setCurrentText("minutes")
    page.timeout.setText("0")
    _blocked(qtbot, wizard, page, "automl.experiment_timeout_minutes", "must be greater than 0")


def test_missing_dataprep_script_is_blocked(qtbot, wizard_on, tmp_path):
    wizard, page = wizard_on(w.PAGE_DATAPREP)
    page.custom.setChecked(True)
    page.script.setText(str(tmp_path / "nowhere" / "prepare.py"))
    _blocked(qtbot, wizard, page, "data_prep.script", "script not found")


@pytest.mark.parametrize("text, fragment", [
    ("a: &a [x, x, x]\nb: [*a, *a, *a]\n", "YAML anchors (&a) are not allowed in a spec"),
    ("experiment: x\n\tdataset: y\n", "does not allow tab characters for indentation; use spaces"),
    ("experiment: x\n" + "# padding\n" * 110_000, "file is larger than 1000 kB"),
    ("experiment: x\nautoml: {iterations: ten}\n", "automl.iterations: must be a whole number, got 'ten'"),
], ids=["alias", "tab", "huge", "wrong-type"])
def test_opening_a_bad_spec_in_the_main_window(qtbot, tmp_path, ws, text, fragment):
    from app.ui import main_window as mw
    from app.ui.settings import UiSettings

    window = mw.MainWindow(UiSettings(tmp_path / "ui.ini"), open_backend=lambda location, **o: LocalBackend(ws),
                           with_monitor=False)
    qtbot.addWidget(window)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with qtbot.waitSignal(window.reporter.reported, timeout=5_000) as blocker:
        assert window.open_spec(str(path)) is None
    assert fragment in blocker.args[0] and window.spec is None
    window.reporter.last_dialog.close()
