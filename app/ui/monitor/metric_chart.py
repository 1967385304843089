"""Any metric per iteration as points with the best-so-far line, updated in place as a run grows."""
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
    def __init__(self, parent=None):
        super().__init__(parent)
        self.metric_combo = QComboBox()
        self.metric_combo.setMinimumContentsLength(24)
        self.metric_combo.currentTextChanged.connect(self._on_metric_chosen)
        self.canvas = PlotCanvasWidget(self)
        self._iterations: list[IterationRecord] = []
        self._plotted: tuple[str, int] | None = None
        self._artists: dict | None = None
        self.series: tuple = ([], [], [], None)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Metric"))
        bar.addWidget(self.metric_combo)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    def metric(self) -> str:
        return self.metric_combo.currentText()

    def set_iterations(self, iterations: list[IterationRecord], default_metric: str = "") -> None:
        self._iterations = iterations
        names = sorted({n for it in iterations for n in it.metrics})
        if names != [self.metric_combo.itemText(i) for i in range(self.metric_combo.count())]:
            current = self.metric() or default_metric
            self.metric_combo.blockSignals(True)
            self.metric_combo.clear()
            self.metric_combo.addItems(names)
            self.metric_combo.setCurrentText(current if current in names else
                                             metrics_io.guess_primary_metric({"_": dict.fromkeys(names, 0)}))
            self.metric_combo.blockSignals(False)
        self._draw()

    @Slot(str)
    def _on_metric_chosen(self, _text: str) -> None:
        self._plotted = None
        self._draw()

    def _draw(self) -> None:
        metric = self.metric()
        if not metric:
            ax = self.canvas.single_axes()
            ax.clear()
            plotting.draw_message(ax, "No iterations yet")
            self._artists, self._plotted = None, None
            self.canvas.redraw()
            return
        if self._plotted == (metric, len(self._iterations)):
            return
        self.series = xs, values, best, position = metric_series(self._iterations, metric)
        ax = self.canvas.single_axes()
        if self._artists is not None and self._plotted and self._plotted[0] == metric and self._plotted[1] > 0:
            plotting.update_metric_iterations(ax, self._artists, xs, values, best, position)
        else:
            self._artists = plotting.plot_metric_iterations(ax, xs, values, best, metric, position)
        self._plotted = (metric, len(self._iterations))
        self.canvas.redraw()
