"""Press every visible, enabled button of a window (and of what it opens), as a curious user does.

Buttons are push and tool buttons: actions. Check boxes and radio buttons are settings,
whose combinations the form tests cover.

Blocking dialogs (file choosers, questions, input boxes) are answered with Cancel by a
repeating timer, so a button that opens one with exec() returns; other windows that a
button opens are explored in turn and then closed.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox, QFileDialog, QInputDialog,
                               QMessageBox, QPushButton, QTabWidget, QToolButton, QWidget)
from shiboken6 import isValid

BLOCKING = (QFileDialog, QMessageBox, QInputDialog)


class BlockingDialogCloser:
    """Cancels every blocking dialog that comes up, and remembers their titles."""

    def __init__(self):
        self.seen: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._check)
        self._timer.start()

    def _check(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not isinstance(dialog, BLOCKING):
            for widget in QApplication.topLevelWidgets():  # window-modal boxes shown with show()
                if isinstance(widget, QMessageBox) and widget.isVisible():
                    dialog = widget
                    break
            else:
                return
        self.seen.append(f"{type(dialog).__name__}: {dialog.windowTitle()}")
        dialog.done(QDialog.DialogCode.Rejected)

    def stop(self) -> None:
        self._timer.stop()


def _visible_windows() -> set[int]:
    return {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}


def _usable(widget) -> bool:
    return isValid(widget) and widget.isVisible() and widget.isEnabled()


def _last_if_closing(button: QAbstractButton) -> int:
    return 1 if isinstance(button.parent(), QDialogButtonBox) else 0


class Explorer:
    """Presses buttons under a root widget; `settle()` waits until the app is idle again."""

    def __init__(self, qtbot, idle=lambda: True, skip=lambda button: False, depth: int = 2):
        self.qtbot, self.idle, self.skip, self.depth = qtbot, idle, skip, depth
        self.pressed: list[str] = []

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None or
                             not isinstance(QApplication.activeModalWidget(), BLOCKING), timeout=20_000)
        self.qtbot.waitUntil(self.idle, timeout=30_000)

    def press(self, button: QAbstractButton, depth: int) -> None:
        before = _visible_windows()
        self.pressed.append(f"{button.window().windowTitle()}: {button.text() or button.toolTip()}")
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
        self.settle()
        self._explore_new(before, depth)

    def trigger(self, action, depth: int) -> None:
        """Trigger a menu action, then explore and close what it opened."""
        before = _visible_windows()
        self.pressed.append(f"action: {action.text()}")
        action.trigger()
        self.settle()
        self._explore_new(before, depth)

    def _explore_new(self, before: set[int], depth: int) -> None:
        for window in list(QApplication.topLevelWidgets()):
            if not isValid(window) or id(window) in before or not window.isVisible() or isinstance(window, BLOCKING):
                continue
            if depth < self.depth:
                self.explore(window, depth + 1)
            if isValid(window) and window.isVisible():
                window.close()
                self.settle()

    def explore(self, root: QWidget, depth: int = 0) -> None:
        """Press every button under `root`, on every page of its tab widgets."""
        self._press_all(root, depth)
        if not isValid(root):
            return
        for tabs in root.findChildren(QTabWidget):
            if not _usable(tabs):
                continue
            for index in range(tabs.count()):
                if not isValid(tabs) or index >= tabs.count() or not tabs.isTabEnabled(index):
                    continue
                bar = tabs.tabBar()
                self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
                self.settle()
                if isValid(tabs) and tabs.currentIndex() == index:
                    self._press_all(tabs.currentWidget(), depth)

    def _press_all(self, root: QWidget, depth: int) -> None:
        done: set[int] = set()
        for _ in range(3):  # pressing a button can show others (a radio button's group)
            if not isValid(root):
                return
            window = root.window()
            buttons = [b for b in root.findChildren(QAbstractButton)
                       if isinstance(b, (QPushButton, QToolButton)) and _usable(b) and id(b) not in done and b.window() is window and not self.skip(b)]
            if not buttons:
                return
            for button in sorted(buttons, key=_last_if_closing):
                if _usable(button) and isValid(root) and root.isVisible():
                    done.add(id(button))
                    self.press(button, depth)
