"""The one matplotlib canvas widget: a Figure on FigureCanvasQTAgg with the navigation toolbar
(zoom, pan, save PNG/SVG). Drawing is done by `app.core.plotting` on its axes."""
from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget


class PlotCanvasWidget(QWidget):
    """Hosts one Figure; callers draw on `axes()` then call `redraw()` (draw_idle)."""

    def __init__(self, parent: QWidget | None = None, toolbar: bool = True, width: float = 6, height: float = 4):
        super().__init__(parent)
        self.figure = Figure(figsize=(width, height), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(240, 180)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toolbar = NavigationToolbar2QT(self.canvas, self) if toolbar else None
        if self.toolbar is not None:
            layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)

    def axes(self, rows: int = 1, cols: int = 1) -> list:
        """Fresh axes: clears the figure when the layout changes, otherwise reuses the axes."""
        current = self.figure.axes
        if len(current) == rows * cols:
            return list(current)
        self.figure.clear()
        return [self.figure.add_subplot(rows, cols, i + 1) for i in range(rows * cols)]

    def single_axes(self):
        return self.axes()[0]

    def redraw(self) -> None:
        self.canvas.draw_idle()

    def draw_now(self) -> None:
        """Synchronous draw, for benchmarks and exports."""
        self.canvas.draw()

    def save(self, path: str) -> None:
        self.figure.savefig(path, dpi=120)
