"""The one matplotlib canvas widget: a Figure on FigureCanvasQTAgg with the navigation toolbar
(zoom, pan, save PNG/SVG). Drawing is done by `app.core.plotting` on its axes."""
from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from app.core.titles import fit_titles


LAYOUT_PASSES = 3          # layouts after a resize at most: each refits the texts to the axes it placed


class PlotCanvasWidget(QWidget):
    """Hosts one Figure; callers draw on `axes()` then call `redraw()` (draw_idle)."""

    def __init__(self, parent: QWidget | None = None, toolbar: bool = True, width: float = 6, height: float = 4):
        super().__init__(parent)
        self.figure = Figure(figsize=(width, height), layout="constrained")
        self._stale = False
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(240, 180)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toolbar = NavigationToolbar2QT(self.canvas, self) if toolbar else None
        if self.toolbar is not None:
            layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        self._frozen_after_draw = False
        self._layout_passes = 0
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("resize_event", lambda _event: fit_titles(self.figure))

    def axes(self, rows: int = 1, cols: int = 1) -> list:
        """Fresh axes: clears the figure when the layout changes, otherwise reuses the axes."""
        current = self.figure.axes
        if len(current) == rows * cols:
            return list(current)
        self.figure.clear()
        self.relayout()
        return [self.figure.add_subplot(rows, cols, i + 1) for i in range(rows * cols)]

    def clear(self) -> None:
        """An empty figure, laid out anew around the next chart drawn on it."""
        self.figure.clear()
        self.relayout()

    def single_axes(self):
        return self.axes()[0]

    def redraw(self) -> None:
        """Draw soon; a hidden canvas (another tab) draws when it is shown instead."""
        if not self.isVisible():
            self._stale = True
            return
        fit_titles(self.figure)
        self.canvas.draw_idle()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            fit_titles(self.figure)
            self.canvas.draw_idle()

    def relayout(self) -> None:
        """Lay the figure out once (constrained layout), then keep those positions for later
        draws: the layout costs more than drawing thousands of points, so live updates skip it."""
        self.figure.set_layout_engine("constrained")
        self._frozen_after_draw = True
        self._layout_passes = 0

    def _on_draw(self, _event) -> None:
        if self._frozen_after_draw:
            self._frozen_after_draw = False
            self.figure.set_layout_engine("none")
            self._layout_passes += 1
            # The layout may have moved the axes since the texts were fitted (a resize fits them
            # to the old positions): fit them to the laid-out axes. If that changed one, lay out
            # again around the refitted texts (a label wrapped into more lines is wider, and the
            # margins kept from before cut it at the figure's edge; a title in more lines takes
            # height from its axes), a bounded number of times so the draws settle.
            if fit_titles(self.figure):
                if self._layout_passes < LAYOUT_PASSES:
                    self.figure.set_layout_engine("constrained")
                    self._frozen_after_draw = True
                self.canvas.draw_idle()
                return
        self._layout_passes = 0

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.relayout()

    def draw_now(self) -> None:
        """Synchronous draw, for benchmarks and exports."""
        self.canvas.draw()

    def save(self, path: str) -> None:
        self.figure.savefig(path, dpi=120)
