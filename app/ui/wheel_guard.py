"""The mouse wheel over a choice that does not have the focus scrolls the page, not the choice.

Without this, scrolling the AutoML page or the data-prep table with the wheel changes whichever
combo box or spin box passes under the pointer (the task, the time column, a column's fill
rule) and the user never sees it happen. Click or Tab into the field and the wheel works on it
again, as in browsers' forms.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        area = _scroll_area_around(watched)
        if area is not None:
            # handed on explicitly: Qt passes an ignored wheel event to the parent only when the
            # window system sent it, and the page must scroll however the event came
            viewport = area.viewport()
            position = viewport.mapFromGlobal(event.globalPosition())
            QApplication.sendEvent(viewport, QWheelEvent(
                position, event.globalPosition(), event.pixelDelta(), event.angleDelta(), event.buttons(),
                event.modifiers(), event.phase(), event.inverted(), event.source()))
        return True


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def guard_wheel(*widgets: QWidget) -> None:
    """Guard `widgets` and every combo box and spin box inside them."""
    for root in widgets:
        targets = [root] if isinstance(root, GUARDED) else []
        targets += [w for kind in GUARDED for w in root.findChildren(kind)]
        for widget in targets:
            if widget.property("wheel_guarded"):
                continue
            # the wheel itself must not give the focus (a combo box's default, Qt.WheelFocus)
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(WheelGuard(widget))
            widget.setProperty("wheel_guarded", True)
