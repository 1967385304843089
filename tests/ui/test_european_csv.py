"""A CSV as Excel saves it in most of Europe (semicolons, decimal commas, the Windows code page),
registered by clicks: the preview reads it and says how, and the dataset holds numbers."""
from __future__ import annotations

import pandas as pd
import pytest

from app.ui import main_window as mw
from app.ui.wizard import wizard as w

from .clicks import add_file_by_clicks, click, connect_local_by_clicks

pytestmark = pytest.mark.filterwarnings("ignore:.*AA_UseHighDpiPixmaps:DeprecationWarning")


@pytest.fixture
def european_csv(tmp_path):
    rows = "".join(f"Passagier {i};{i % 3 + 1};{7 + i % 5},{25 * (i % 4)};{i % 2}\r\n" for i in range(40))
    path = tmp_path / "passagiere.csv"
    path.write_bytes(f"Name;Klasse;Fahrpreis;Überlebt\r\n{rows}".encode("cp1252"))
    return path


def test_a_european_csv_registers_by_clicks_as_numbers(qtbot, ui_settings, tmp_path, european_csv):
    window = mw.MainWindow(ui_settings)
    window.show()
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    wizard = window.wizard
    connect_local_by_clicks(qtbot, wizard, str(tmp_path / "ws"))

    page = wizard.page(w.PAGE_DATASET)
    dialog = add_file_by_clicks(qtbot, wizard, str(european_csv))
    qtbot.waitUntil(lambda: dialog.preview.sample is not None and dialog.register_button.isEnabled(), timeout=20_000)
    assert ("Read as semicolon-separated Windows-1252 text with decimal commas; registering it makes a "
            "comma-separated UTF-8 copy.") in dialog.preview.note.text()
    assert list(dialog.preview.sample.columns) == ["Name", "Klasse", "Fahrpreis", "Überlebt"]
    assert dialog.preview.sample.Fahrpreis.tolist()[:3] == [7.0, 8.25, 9.5]

    click(qtbot, dialog.register_button)
    qtbot.waitUntil(lambda: page.label.findText("Überlebt") >= 0, timeout=30_000)
    qtbot.waitUntil(lambda: page.preview.sample is not None, timeout=30_000)
    assert "Read as" not in page.preview.note.text()          # the registered copy is in the usual form
    assert pd.api.types.is_float_dtype(page.preview.sample.Fahrpreis)
    profile = {p.name: p.dtype for p in page.preview.column_profile}
    assert profile["Fahrpreis"] == "decimal" and profile["Name"] == "text"
    dataset = window.backend.get_dataset("passagiere_ds", 1)
    assert dataset.rows == 40 and dataset.sources == [str(european_csv.resolve())]
