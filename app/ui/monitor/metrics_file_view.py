"""A metrics file opened from disk (Azure's extension-less `metrics_data` included), with no
workspace: the leaderboard and the metric chart. The file is JSON, read as data only."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.core import metrics as metrics_io
from app.core.runs import IterationRecord
from app.ui.monitor.leaderboard_panel import LeaderboardPanel
from app.ui.monitor.metric_chart import MetricChartPanel
from app.ui.wording import count


def load_metrics_file(path: str, sink=None) -> tuple[list[IterationRecord], str, str]:
    """(iterations, primary metric guess, resolved file path) — worker side."""
    resolved = metrics_io.find_metrics_file(path)
    data = metrics_io.read_metrics_file(resolved)
    if not data:
        from app.core.errors import UserInputError
        raise UserInputError(f"{resolved}: the metrics file has no iterations")
    iterations = [IterationRecord(run_id=run_id, iteration=n if n is not None else -1, metrics=values)
                  for run_id, values in data.items() for n in [metrics_io.iteration_of(run_id)]]
    iterations.sort(key=lambda it: it.iteration)
    return iterations, metrics_io.guess_primary_metric(data), str(resolved)


class MetricsFileView(QWidget):
    loaded = Signal(str)
    """The file at this path is shown."""
    load_failed = Signal(str)
    """The message saying why the file could not be shown."""

    def __init__(self, path: str, runner, parent=None):
        super().__init__(parent)
        self.path = path
        self.title = QLabel(f"Reading {path}…")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.leaderboard = LeaderboardPanel()
        self.metric_chart = MetricChartPanel()
        self.metric_chart.metric_combo.currentTextChanged.connect(self._rank_by)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.leaderboard)
        split.addWidget(self.metric_chart)
        split.setSizes([450, 550])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        runner.start(load_metrics_file, path, on_result=self._on_loaded, on_failed=self._on_failed)

    @Slot(object)
    def _on_loaded(self, result) -> None:
        iterations, metric, resolved = result
        self.iterations = iterations
        self.leaderboard.set_iterations(iterations, metric)
        self.metric_chart.set_iterations(iterations, metric)
        self.title.setText(f"<b>{Path(resolved).name}</b> — {resolved} · {count(len(iterations), 'iteration')}")
        self.loaded.emit(resolved)

    @Slot(str)
    def _rank_by(self, metric: str) -> None:
        """With no run to name a primary metric, the chart's metric ranks the leaderboard."""
        if metric and hasattr(self, "iterations"):
            self.leaderboard.set_iterations(self.iterations, metric)

    @Slot(str, str)
    def _on_failed(self, message: str, _details: str) -> None:
        self.title.setText(f"<span style='color:#b71c1c'>{message}</span>")
        self.load_failed.emit(message)
