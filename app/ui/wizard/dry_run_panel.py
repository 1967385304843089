"""The review page's "Test on this machine": the Azure pipeline's dry run, in its own process.

It runs `automl-desk dry-run` (the same command as the CLI, so the graph and the steps are
exactly what the command line tests) with the spec as it stands and a local copy of the dataset,
shows its progress lines as they come, and then each step's status from the run's summary.json.
Cancel stops the process, which stops its step and keeps what was written.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QProcess, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from app.core.spec import PipelineSpec, save_spec

CANCEL_WAIT_MS = 15_000


def dry_run_root() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("automl-desk", appauthor=False)) / "dry-runs"


def local_copy(dataset) -> str | None:
    """A source file of the dataset record that exists on this machine (registration records them)."""
    for source in getattr(dataset, "sources", None) or []:
        if not str(source).lower().startswith(("http://", "https://")) and Path(source).is_file():
            return str(source)
    return None


class DryRunPanel(QWidget):
    finished = Signal(dict)
    """The dry run ended; its summary (empty when it wrote none)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.test_button = QPushButton("Test on this machine")
        self.test_button.setToolTip("Build the Azure pipeline's graph and run its steps here first, offline: "
                                    "no cluster, no cost, in about a minute")
        self.cancel_button = QPushButton("Cancel test")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setFixedHeight(110)
        self.log.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.log)
        # the page's spec text gives way to the results, not the other way round
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.process: QProcess | None = None
        self.output: Path | None = None

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(self, spec: PipelineSpec, data_file: str) -> None:
        name = f"{spec.experiment or 'pipeline'}-{time.strftime('%Y%m%d-%H%M%S')}"
        root = dry_run_root()
        root.mkdir(parents=True, exist_ok=True)
        spec_file, self.output = root / f"{name}.yaml", root / name
        save_spec(spec, spec_file)
        self.log.clear()
        self.log.setVisible(True)
        self._set_status("Testing on this machine…")
        self.test_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._done)
        self.process.start(sys.executable, ["-m", "app", "dry-run", str(spec_file), "--output", str(self.output),
                                            "--data", str(data_file)])

    @Slot()
    def cancel(self) -> None:
        if self.process is not None:
            self._set_status("Cancelling the test…")
            self.process.terminate()     # the command stops its current step, then exits

    def stop_and_wait(self) -> None:
        """For closing the wizard: end the test and its step before the widget goes."""
        if self.process is not None:
            self.process.terminate()
            if not self.process.waitForFinished(CANCEL_WAIT_MS):
                self.process.kill()
                self.process.waitForFinished(2000)

    @Slot()
    def _read(self) -> None:
        text = bytes(self.process.readAllStandardOutput()).decode("utf-8", errors="replace")
        for line in text.splitlines():
            if line.strip():
                self.log.appendPlainText(line.rstrip())
                if line.startswith("  ") and ":" in line:
                    self._set_status(f"Testing on this machine… {line.strip()}")

    @Slot(int, QProcess.ExitStatus)
    def _done(self, code: int, _status) -> None:
        self._read()
        self.process.deleteLater()
        self.process = None
        self.test_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        summary_file = self.output / "dry-run" / "summary.json" if self.output else None
        summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file and summary_file.is_file() else {}
        self._set_status(describe(summary, code, self.log.toPlainText()))
        self.finished.emit(summary)

    def _set_status(self, text: str) -> None:
        # a word-wrapped label gets no more height than one line from a crowded page: ask for it
        self.status.setText(text)
        self.status.setMinimumHeight(self.status.heightForWidth(max(self.status.width(), 400)))

    def show_problem(self, message: str) -> None:
        self._set_status(f"✗ {message}")


def describe(summary: dict, code: int, log: str) -> str:
    if not summary:
        errors = [line for line in log.splitlines() if line.startswith("error:")]
        return f"✗ {errors[-1].removeprefix('error: ') if errors else f'the test ended with code {code}'}"
    steps = " · ".join(f"{s['name']} {s['status']} ({s['seconds']:.0f} s)" for s in summary["steps"])
    lines = [("✓ " if code == 0 else "✗ ") + steps]
    failed = [s for s in summary["steps"] if s["status"] not in ("Completed", "NotStarted")]
    lines += [f"{s['name']}: {s['message']} (log: {s['log']})" for s in failed if s.get("message")]
    found = []
    if summary.get("prepared_rows") is not None:
        found.append(f"{summary['prepared_rows']} prepared rows")
    found += [f"Model.register recorded: {r['model_name']}" for r in summary.get("registrations", [])]
    if found:
        lines.append("; ".join(found))
    lines.append("What a dry run cannot imitate is listed in the log below. Outputs, in Azure's download layout:")
    lines.append(str(summary["output"]))
    return "\n".join(lines)
