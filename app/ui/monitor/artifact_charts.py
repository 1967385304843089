"""The best model's task charts (ROC, precision-recall, calibration, confusion matrix…)."""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core import artifact_plots, plotting
from app.ui.monitor.canvas import PlotCanvasWidget


class ArtifactChartsPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart_combo = QComboBox()
        self.chart_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)   # long series names
        self.chart_combo.currentTextChanged.connect(self._on_chart_chosen)
        self.note = QLabel()
        # Laid out around its texts: with fixed margins, a title wrapped into two lines and tick
        # labels like "10000" were cut at the edges of a short or narrow pane.
        self.canvas = PlotCanvasWidget(self)
        self._artifacts: dict = {}
        self._task = ""
        self._dirty = True
        self.drawn = False
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Best model"))
        bar.addWidget(self.chart_combo)
        bar.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.set_artifacts({}, "")

    def chart_names(self) -> list[str]:
        return [self.chart_combo.itemText(i) for i in range(self.chart_combo.count())]

    def set_artifacts(self, artifacts: dict, task: str, waiting: bool = False) -> None:
        self._artifacts, self._task = artifacts or {}, task
        names = list(artifact_plots.charts_for(task, self._artifacts))
        current = self.chart_combo.currentText()
        if names != self.chart_names():
            self.chart_combo.blockSignals(True)
            self.chart_combo.clear()
            self.chart_combo.addItems(names)
            if current in names:
                self.chart_combo.setCurrentText(current)
            self.chart_combo.blockSignals(False)
        if not self._artifacts:
            self.note.setText("Charts appear when the AutoML step has saved the best model's artifacts."
                              if waiting else "This run has no chart artifacts.")
        else:
            self.note.setText("")
        self._draw()

    def show_chart(self, name: str) -> None:
        self.chart_combo.setCurrentText(name)

    @Slot(str)
    def _on_chart_chosen(self, _name: str) -> None:
        self._draw()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._draw()

    def _draw(self) -> None:
        """Builds the chart only while shown; a hidden panel draws when it is shown."""
        self._dirty = not self.isVisible()
        if self._dirty:
            return
        self.canvas.clear()
        ax = self.canvas.figure.add_subplot()
        name = self.chart_combo.currentText()
        if not name or not self._artifacts:
            ax.set_axis_off()
            plotting.draw_message(ax, self.note.text() or "No charts")
            self.drawn = False
        else:
            self.drawn = artifact_plots.draw_chart(ax, name, self._artifacts)
        self.canvas.redraw()
