"""Driving the app the way a person does: mouse clicks on visible widgets, typed keys.

Each helper checks that the widget is visible and enabled first (a person cannot press a
hidden or greyed-out button) and waits on a condition afterwards, never sleeping.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QFileDialog, QLineEdit, QRadioButton, QWizard

from app.ui.wizard import wizard as w

TIMEOUT = 20_000


def click(qtbot, widget) -> None:
    assert widget.isVisible(), f"{widget.text() if hasattr(widget, 'text') else widget} is not visible"
    assert widget.isEnabled(), f"{widget.text() if hasattr(widget, 'text') else widget} is disabled"
    if isinstance(widget, (QCheckBox, QRadioButton)):  # only the box and its text take clicks, not the row
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_next(qtbot, wizard, page_id: int) -> None:
    """Press Next and wait for `page_id` to show."""
    qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.NextButton).isEnabled(), timeout=TIMEOUT)
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=TIMEOUT)


def click_back(qtbot, wizard, page_id: int) -> None:
    click(qtbot, wizard.button(QWizard.WizardButton.BackButton))
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=TIMEOUT)


def click_tree_row(qtbot, tree, text: str, double: bool = False) -> None:
    """Click the first top-level row whose first column reads `text`."""
    qtbot.waitUntil(lambda: bool(tree.findItems(text, Qt.MatchFlag.MatchExactly)), timeout=TIMEOUT)
    item = tree.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    tree.scrollToItem(item)
    point = tree.visualItemRect(item).center()
    mouse = qtbot.mouseDClick if double else qtbot.mouseClick
    if double:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
    mouse(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)


def click_view_row(qtbot, view, row: int, column: int = 0, double: bool = False) -> None:
    """Click a row of a QAbstractItemView (table or tree over a model)."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    point = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    if double:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def drag_section_edge(qtbot, header, section: int, dx: int) -> None:
    """Drag the right edge of a header section by `dx` pixels, as a user widens a column."""
    edge = header.sectionViewportPosition(section) + header.sectionSize(section) - 1
    y = header.height() // 2
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    qtbot.mouseMove(header.viewport(), QPoint(edge + dx, y))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + dx, y))


def choose(qtbot, combo, text: str) -> None:
    """Pick `text` in a combo box: open its list with a click and click the entry (emits `activated`)."""
    assert combo.isVisible() and combo.isEnabled()
    qtbot.waitUntil(lambda: combo.findText(text) >= 0, timeout=TIMEOUT)
    if combo.isEditable():
        type_into(qtbot, combo.lineEdit(), text)
        return
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=TIMEOUT)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the popup ignores a release that comes sooner
    index = view.model().index(combo.findText(text), combo.modelColumn())
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=TIMEOUT)
    assert combo.currentText() == text, f"clicking {text!r} chose {combo.currentText()!r}"


def type_into(qtbot, edit, text: str) -> None:
    """Replace the text of a line edit by selecting all and typing."""
    assert edit.isVisible() and edit.isEnabled()
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.text() == text


def when_modal(handle, kind=None, interval_ms: int = 50, attempts: int = 400) -> None:
    """Call `handle(dialog)` once a modal dialog (of `kind`) is up; for dialogs opened with exec().

    A repeating timer checks between event-loop turns, so the dialog's own loop keeps running.
    """
    timer = QTimer()
    timer.setInterval(interval_ms)
    left = [attempts]

    def check():
        dialog = QApplication.activeModalWidget()
        left[0] -= 1
        if dialog is not None and (kind is None or isinstance(dialog, kind)):
            timer.stop()
            handle(dialog)
        elif left[0] <= 0:
            timer.stop()

    timer.timeout.connect(check)
    timer.start()
    when_modal.timers.append(timer)


when_modal.timers = []


def answer_file_dialog(qtbot, path: str) -> None:
    """Type `path` into the next file dialog's name field and press Enter."""
    def fill(dialog):
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        edit.setText(path)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    when_modal(fill, QFileDialog)


def connect_local_by_clicks(qtbot, wizard, folder: str) -> None:
    """Workspace page: local folder typed in, Next pressed (it connects first)."""
    page = wizard.currentPage()
    click(qtbot, page.local_radio)
    type_into(qtbot, page.folder.lineEdit(), folder)
    click_next(qtbot, wizard, w.PAGE_DATASET)


def add_file_by_clicks(qtbot, wizard, path: str):
    """Dataset page: Register new… clicked, then Add files… with `path` typed into the file
    dialog; returns the register dialog."""
    page = wizard.page(w.PAGE_DATASET)
    click(qtbot, page.register_button)
    qtbot.waitUntil(lambda: page.register_dialog is not None and page.register_dialog.isVisible(), timeout=TIMEOUT)
    dialog = page.register_dialog
    add_files = next(b for b in dialog.findChildren(type(dialog.register_button)) if b.text() == "Add files…")
    answer_file_dialog(qtbot, path)
    click(qtbot, add_files)
    return dialog


def pick_dataset_and_label(qtbot, wizard, dataset: str, label: str) -> None:
    """Dataset page: click the dataset's row, wait for its preview, type the label column."""
    page = wizard.page(w.PAGE_DATASET)
    click_tree_row(qtbot, page.datasets, dataset)
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.sample is not None
                    and page.label.findText(label) >= 0, timeout=TIMEOUT)
    choose(qtbot, page.label, label)
    qtbot.waitUntil(page.isComplete, timeout=TIMEOUT)


def center(widget) -> QPoint:
    return widget.rect().center()
