"""File choosers open in the folder last used for that kind of file, as the user left it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QPushButton

from app.ui.wizard import wizard as w

from .clicks import click, click_next, when_modal


def test_add_files_opens_where_the_last_data_file_was_chosen(qtbot, fake_window, titanic_csv, tmp_path):
    window = fake_window()
    click(qtbot, window.start_page.new_button)
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=10_000)
    click_next(qtbot, window.wizard, w.PAGE_DATASET)
    page = window.wizard.page(w.PAGE_DATASET)
    folders = []

    def answer(path):
        def fill(dialog):
            folders.append(Path(dialog.directory().absolutePath()))
            if path:
                edit = dialog.findChild(QLineEdit, "fileNameEdit")
                edit.setText(path)
                qtbot.keyClick(edit, Qt.Key.Key_Return)
            else:
                dialog.reject()
        when_modal(fill, QFileDialog)

    for path in (titanic_csv, ""):
        click(qtbot, page.register_button)
        qtbot.waitUntil(lambda: page.register_dialog is not None and page.register_dialog.isVisible(), timeout=5_000)
        dialog = page.register_dialog
        add = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add files…")
        answer(path)
        click(qtbot, add)
        qtbot.waitUntil(lambda: len(folders) == (1 if path else 2), timeout=10_000)
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert folders[1] == Path(titanic_csv).parent and folders[0] != folders[1]
