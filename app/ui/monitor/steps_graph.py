"""The pipeline's steps drawn as boxes joined by arrows: status colour, reuse marker, duration."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.runs import StepRunRecord
from app.ui.monitor.status import format_duration, status_colour

BOX_W, BOX_H, GAP = 150, 62, 36


class StepsGraphWidget(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._steps: list[StepRunRecord] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_steps(self, steps: list[StepRunRecord]) -> None:
        self._steps = list(steps)
        self.setToolTip("\n".join(f"{s.name}: {s.error}" for s in steps if s.error))
        self.updateGeometry()
        self.update()

    def step_labels(self) -> list[str]:
        """The text of each box (what a user reads), for tests."""
        return [" | ".join(_lines(s)) for s in self._steps]

    def sizeHint(self) -> QSize:
        n = max(len(self._steps), 1)
        return QSize(n * BOX_W + (n - 1) * GAP + 8, BOX_H + 8)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, step in enumerate(self._steps):
            x = 4 + i * (BOX_W + GAP)
            rect = QRectF(x, 4, BOX_W, BOX_H)
            colour = status_colour(step.status)
            painter.setPen(QPen(colour.darker(120), 2, Qt.PenStyle.DashLine if step.reused else Qt.PenStyle.SolidLine))
            fill = QColor(colour)
            fill.setAlpha(45)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 8, 8)
            painter.setPen(self.palette().text().color())
            painter.drawText(rect.adjusted(6, 4, -6, -4), Qt.AlignmentFlag.AlignCenter, "\n".join(_lines(step)))
            if i:
                _arrow(painter, QPointF(x - GAP + 4, 4 + BOX_H / 2), QPointF(x - 4, 4 + BOX_H / 2))
        painter.end()


def _lines(step: StepRunRecord) -> list[str]:
    second = step.status + (" · ♻ reused" if step.reused else "")
    duration = format_duration(step.duration_s)
    return [step.name, second, duration] if duration else [step.name, second]


def _arrow(painter: QPainter, start: QPointF, end: QPointF) -> None:
    painter.setPen(QPen(QColor("#777777"), 2))
    painter.drawLine(start, end)
    painter.setBrush(QColor("#777777"))
    painter.drawPolygon(QPolygonF([end, end + QPointF(-8, -5), end + QPointF(-8, 5)]))
