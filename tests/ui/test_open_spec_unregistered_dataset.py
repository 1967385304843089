"""Opening a spec whose dataset this workspace lacks (the bundled forecasting example on a new
workspace): the dataset page says which one and how to get it, Register new… offers that name,
and once registered the spec's label column still holds — all by clicks."""
from __future__ import annotations

from app.locator import resource
from app.ui import main_window as mw
from app.ui.wizard import wizard as w

from .clicks import answer_file_dialog, click, click_next, connect_local_by_clicks


def test_an_opened_spec_names_its_missing_dataset_and_registering_it_keeps_the_label(qtbot, ui_settings, tmp_path):
    window = mw.MainWindow(ui_settings)
    window.show()
    answer_file_dialog(qtbot, str(resource("examples/us_macro_forecast.yaml")))
    click(qtbot, window.start_page.open_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    connect_local_by_clicks(qtbot, wizard, str(tmp_path / "ws"))
    page = wizard.page(w.PAGE_DATASET)
    qtbot.waitUntil(lambda: "names dataset 'us_macro_ds', which this workspace does not have"
                    in page.messages.text("dataset"), timeout=10_000)
    assert not page.isComplete()

    click(qtbot, page.register_button)
    qtbot.waitUntil(lambda: page.register_dialog is not None and page.register_dialog.isVisible(), timeout=10_000)
    dialog = page.register_dialog
    assert dialog.name.text() == "us_macro_ds"
    add_files = next(b for b in dialog.findChildren(type(dialog.register_button)) if b.text() == "Add files…")
    answer_file_dialog(qtbot, str(resource("us_macro_quarterly.csv")))
    click(qtbot, add_files)
    qtbot.waitUntil(dialog.register_button.isEnabled, timeout=20_000)
    assert dialog.name.text() == "us_macro_ds"             # the file's own name did not replace it
    click(qtbot, dialog.register_button)
    qtbot.waitUntil(page.isComplete, timeout=30_000)
    assert page.label.currentText() == "value" and page.messages.text("dataset") == ""
    click_next(qtbot, wizard, w.PAGE_COMPUTE)
    assert wizard.spec.dataset == "us_macro_ds" and wizard.spec.automl.forecasting["time_column_name"] == "quarter"
