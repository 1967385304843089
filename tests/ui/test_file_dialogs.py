"""File choosers open in the folder last used for that kind of file, as the user left it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QPushButton

from app.ui.wizard import wizard as w

from .clicks import click, click_next, when_modal


def answer_noting_folder(qtbot, folders: list, path: str) -> None:
    """The next file dialog: note the folder it opened in, then type `path` (or cancel when empty)."""
    def fill(dialog):
        folders.append(Path(dialog.directory().absolutePath()))
        if path:
            edit = dialog.findChild(QLineEdit, "fileNameEdit")
            edit.setText(path)
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        else:
            dialog.reject()
    when_modal(fill, QFileDialog)


def test_add_files_opens_where_the_last_data_file_was_chosen(qtbot, fake_window, titanic_csv, tmp_path):
    window = fake_window()
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    click_next(qtbot, window.wizard, w.PAGE_DATASET)
    page = window.wizard.page(w.PAGE_DATASET)
    folders = []

    for path in (titanic_csv, ""):
        click(qtbot, page.register_button)
        qtbot.waitUntil(lambda: page.register_dialog is not None and page.register_dialog.isVisible(), timeout=5_000)
        dialog = page.register_dialog
        add = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add files…")
        answer_noting_folder(qtbot, folders, path)
        click(qtbot, add)
        qtbot.waitUntil(lambda: len(folders) == (1 if path else 2), timeout=10_000)
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert folders[1] == Path(titanic_csv).parent and folders[0] != folders[1]


def test_the_review_pages_save_spec_opens_where_specs_were_last_saved(qtbot, make_wizard, fake_backend,
                                                                      titanic_csv, tmp_path):
    """Save spec… on the review page remembers its folder, as the main window's does."""
    from app.core.spec import copy_spec, load_spec
    from app.locator import example_spec
    from tests.ui.test_review_dry_run import next_to_review

    fake_backend.register_dataset("titanic_ds", [titanic_csv])
    wizard = make_wizard(spec=copy_spec(load_spec(example_spec())), backend=fake_backend, location="memory")
    page = next_to_review(qtbot, wizard)
    target = tmp_path / "specs" / "mine.yaml"
    target.parent.mkdir()
    folders = []

    answer_noting_folder(qtbot, folders, str(target))
    click(qtbot, page.save_button)
    qtbot.waitUntil(target.is_file, timeout=10_000)
    assert "experiment: titanic_automl" in target.read_text()
    answer_noting_folder(qtbot, folders, "")
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: len(folders) == 2, timeout=10_000)
    assert folders[1] == target.parent and folders[0] != target.parent


def test_the_first_open_spec_opens_where_the_bundled_examples_are(qtbot, fake_window):
    from app.locator import resource

    window = fake_window()
    folders = []
    answer_noting_folder(qtbot, folders, "")
    click(qtbot, window.start_page.open_button)
    qtbot.waitUntil(lambda: len(folders) == 1, timeout=10_000)
    assert folders[0] == resource("examples").resolve()
