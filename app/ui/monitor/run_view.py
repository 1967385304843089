"""One run, live: Overview, Leaderboard, Charts, Logs and Outputs tabs, and Cancel."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from app.core import run_tables
from app.core import runs as rs
from app.core.scores import test_split_text
from app.ui.monitor.artifact_charts import ArtifactChartsPanel
from app.ui.monitor.leaderboard_panel import LeaderboardPanel
from app.ui.monitor.logs_tab import LogsTab
from app.ui.monitor.metric_chart import MetricChartPanel
from app.ui.monitor.outputs_tab import OutputsTab
from app.ui.monitor.overview_tab import OverviewTab
from app.ui.monitor.poller import PollWorker
from app.ui.monitor.snapshot import RunSnapshot, artifacts_due, artifacts_key, fetch_run_snapshot
from app.ui.monitor.status import run_headline, status_icon
from app.ui.wording import count

TABS = ("Overview", "Leaderboard", "Charts", "Logs", "Outputs")


def _fetch_outputs(backend, run_id: str, sink=None) -> dict:
    return backend.fetch_outputs(run_id)


def _cancel(backend, run_id: str, sink=None) -> None:
    backend.cancel(run_id)


class RunViewWidget(QWidget):
    """Polls its run until it ends; every widget update happens here on the GUI thread."""

    snapshot_applied = Signal(object)
    """A poll's RunSnapshot has been shown in every tab."""
    run_finished = Signal(str)
    """The run reached a terminal status (its final snapshot is shown)."""

    def __init__(self, backend, run_id: str, runner, parent=None, interval_ms: int = 1000,
                 column_widths: dict[str, int] | None = None):
        super().__init__(parent)
        self.backend, self.run_id, self.runner = backend, run_id, runner
        self.run: rs.RunRecord | None = None
        self._artifacts_for: tuple | None = None
        self._artifacts_at = 0.0
        self.artifacts: dict = {}
        self._outputs_fetched = False

        self.headline = QLabel(f"Loading run {run_id}…")
        self.headline.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._confirm_cancel)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b71c1c")
        self.problem.setWordWrap(True)

        self.overview = OverviewTab()
        self.leaderboard = LeaderboardPanel(widths=column_widths)
        self.metric_chart = MetricChartPanel()
        self.artifact_charts = ArtifactChartsPanel()
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.metric_chart)
        charts.addWidget(self.artifact_charts)
        self.logs = LogsTab()
        self.outputs = OutputsTab()
        self.outputs.export_requested.connect(self.export_metrics_csv)
        self.outputs.fetch_requested.connect(self._request_outputs)
        self.tabs = QTabWidget()
        for name, widget in zip(TABS, (self.overview, self.leaderboard, charts, self.logs, self.outputs)):
            self.tabs.addTab(widget, name)

        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.tabs, 1)
        self.problem.hide()

        self.poller = PollWorker(runner, fetch_run_snapshot, interval_ms, self, args_for=self._poll_args)
        self.poller.polled.connect(self.apply_snapshot)
        self.poller.poll_failed.connect(self._show_problem)
        self.poller.start()

    def _poll_args(self) -> tuple:
        want = self.run is None or artifacts_due(self.run, self._artifacts_for, self._artifacts_at, time.monotonic())
        return self.backend, self.run_id, want

    def stop(self) -> None:
        self.poller.stop()

    def resume(self) -> None:
        """Poll again after stop(), unless the run has ended (or does not exist)."""
        if self.run is None or self.run.status not in rs.TERMINAL:
            self.poller.start()

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)

    @Slot(object)
    def apply_snapshot(self, snapshot: RunSnapshot) -> None:
        if snapshot.run is None:
            self.poller.stop()
            self.headline.setText(f"Run {self.run_id} is not in this workspace.")
            self._show_problem("; ".join(snapshot.problems))
            return
        run = self.run = snapshot.run
        if snapshot.artifacts is not None:
            self.artifacts = snapshot.artifacts
            self._artifacts_for = artifacts_key(run)
            self._artifacts_at = time.monotonic()
        terminal = run.status in rs.TERMINAL
        self.headline.setText(f"<b>{run.experiment} / {run.run_id}</b> — {run_headline(run)}")
        self.setWindowIcon(status_icon(run.status))
        self.cancel_button.setEnabled(not terminal and run.status != rs.CANCEL_REQUESTED)
        self.overview.show_run(run, self.artifacts)
        self.leaderboard.set_iterations(run.iterations, run.primary_metric,
                                        test_split_text(self.artifacts.get("summary"), run.primary_metric))
        self.metric_chart.set_iterations(run.iterations, run.primary_metric, live=not terminal)
        if snapshot.artifacts is not None:
            self.artifact_charts.set_artifacts(self.artifacts, run.task, waiting=not terminal)
        self.logs.set_logs(snapshot.logs, run.steps)
        self._show_problem("; ".join(snapshot.problems))
        if terminal and not artifacts_due(run, self._artifacts_for):
            self.poller.stop()
            if not self._outputs_fetched:
                self._request_outputs()
            self.run_finished.emit(run.run_id)
        self.snapshot_applied.emit(snapshot)

    @Slot(str)
    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(bool(message))

    @Slot()
    def _request_outputs(self) -> None:
        self._outputs_fetched = True
        self.runner.start(_fetch_outputs, self.backend, self.run_id, on_result=self.outputs.set_outputs,
                          on_failed=lambda message, _details: self.outputs.message.setText(message))

    @Slot()
    def _confirm_cancel(self) -> None:
        answer = QMessageBox.question(self, "Cancel run", f"Stop run {self.run_id}? The best model so far is kept.")
        if answer == QMessageBox.StandardButton.Yes:
            self.request_cancel()

    def request_cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.headline.setText(self.headline.text() + " — cancel requested")
        self.runner.start(_cancel, self.backend, self.run_id, on_failed=lambda m, _d: self._show_problem(m),
                          on_finished=self.poller.poll_now)

    @Slot(str)
    def export_metrics_csv(self, path: str) -> None:
        """Write the leaderboard (every iteration, every metric, best so far) to `path`."""
        if self.run is None:
            return
        frame = run_tables.leaderboard(run_tables.iterations_frame(self.run.iterations), self.run.primary_metric)
        try:
            frame.to_csv(path, index=False)
        except OSError as exc:
            self._show_problem(f"Cannot write {path}: {exc.strerror}; choose another file.")
            return
        self.outputs.message.setText(f"Exported {count(len(frame), 'iteration')} to {path}")
