"""Any metric per iteration as points with the best-so-far line, updated in place as a run grows.

Live updates blit: the axes, ticks and labels are drawn once into a cached background and only
the three data artists are redrawn on it, until the data outgrows the limits (which are set
with room to grow) and a full draw recaches the background.
"""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core import metrics as metrics_io
from app.core import plotting
from app.core.runs import IterationRecord
from app.ui.monitor.canvas import PlotCanvasWidget


def metric_series(iterations: list[IterationRecord], metric: str):
    """(iteration numbers, values, best so far, position of the best)."""
    xs = [it.iteration for it in iterations]
    values = [it.metrics.get(metric) for it in iterations]
    return xs, values, metrics_io.best_so_far(values, metric), metrics_io.best_index(values, metric)


class MetricChartPanel(QWidget):
    """`series` always follows the data; the artists follow it only while the panel is shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.metric_combo = QComboBox()
        self.metric_combo.setMinimumContentsLength(24)
        self.metric_combo.currentTextChanged.connect(self._on_metric_chosen)
        self.canvas = PlotCanvasWidget(self)
        self.canvas.canvas.mpl_connect("draw_event", self._on_full_draw)
        self._iterations: list[IterationRecord] = []
        self._plotted_metric: str | None = None
        self._dirty = True
        self._artists: dict | None = None
        self._limits = None           # the limits this panel set; others mean the user zoomed or panned
        self._background = None
        self._live = False
        self.full_draws = 0
        self.series: tuple = ([], [], [], None)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Metric"))
        bar.addWidget(self.metric_combo)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    def current_metric(self) -> str:
        return self.metric_combo.currentText()

    def set_iterations(self, iterations: list[IterationRecord], default_metric: str = "", live: bool = False) -> None:
        """`live`: the run is still adding iterations, so leave room on the axes for them."""
        grew = len(iterations) != len(self._iterations) or live != self._live
        if live != self._live:
            self._limits = None          # a finished run gets tight limits, a live one room to grow
        self._iterations, self._live = iterations, live
        names = sorted({n for it in iterations for n in it.metrics})
        if names != [self.metric_combo.itemText(i) for i in range(self.metric_combo.count())]:
            current = self.current_metric() or default_metric
            self.metric_combo.blockSignals(True)
            self.metric_combo.clear()
            self.metric_combo.addItems(names)
            self.metric_combo.setCurrentText(current if current in names else
                                             metrics_io.guess_primary_metric({"_": dict.fromkeys(names, 0)}))
            self.metric_combo.blockSignals(False)
        if grew or self._plotted_metric != self.current_metric():
            self._refresh()

    @Slot(str)
    def _on_metric_chosen(self, _text: str) -> None:
        self._refresh()

    def _refresh(self) -> None:
        metric = self.current_metric()
        self.series = metric_series(self._iterations, metric) if metric else ([], [], [], None)
        self._dirty = True
        if self.isVisible():
            self._draw()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._draw()

    def _draw(self) -> None:
        self._dirty = False
        metric = self.current_metric()
        ax = self.canvas.single_axes()
        if not metric:
            ax.clear()
            plotting.draw_message(ax, "No iterations yet")
            self._artists, self._plotted_metric = None, None
            self.canvas.redraw()
            return
        if self._artists is None or self._plotted_metric != metric:
            self._artists = plotting.plot_metric_iterations(ax, *self.series[:3], metric, self.series[3])
            for artist in self._artists.values():
                artist.set_animated(True)
            self._plotted_metric, self._limits, self._background = metric, None, None
            self.canvas.relayout()
        else:
            plotting.update_metric_iterations(ax, self._artists, *self.series, rescale=False)
        self._place(ax)

    def _place(self, ax) -> None:
        xs, values = self.series[0], self.series[1]
        user_moved = self._limits is not None and (ax.get_xlim(), ax.get_ylim()) != self._limits
        if user_moved or (self._limits is not None and plotting.fits(self._limits, xs, values)):
            if self._background is not None:
                self._blit(ax)
                return
        else:
            limits = plotting.live_limits(xs, values) if self._live else None
            if limits is None:
                ax.relim()
                ax.autoscale_view()
            else:
                ax.set_xlim(*limits[0])
                ax.set_ylim(*limits[1])
            self._limits = (ax.get_xlim(), ax.get_ylim())
        self._background = None
        self.canvas.redraw()

    def _blit(self, ax) -> None:
        canvas = self.canvas.canvas
        canvas.restore_region(self._background)
        for artist in self._artists.values():
            ax.draw_artist(artist)
        canvas.blit(self.canvas.figure.bbox)

    def _on_full_draw(self, _event) -> None:
        """Cache everything but the data artists, then draw them on top."""
        self.full_draws += 1
        if self._artists is None:
            return
        canvas = self.canvas.canvas
        self._background = canvas.copy_from_bbox(self.canvas.figure.bbox)
        ax = self.canvas.single_axes()
        for artist in self._artists.values():
            ax.draw_artist(artist)

