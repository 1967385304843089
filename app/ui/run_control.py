"""Submitting a pipeline and following its runs, without blocking the GUI thread.

`submit_job` is a plain function (validation reads data, so it runs on a worker). The
`RunControl` polls each active run from a GUI-thread QTimer, skipping a tick while the
previous poll is still pending, and reports through signals.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.core.errors import SpecError
from app.core.runs import FAILED, TERMINAL
from app.core.validation import errors_only
from app.ui.jobs import call
from app.ui.workers import JobRunner

log = logging.getLogger(__name__)
POLL_MS = 1000
LOG_TAIL_BYTES = 6000


def submit_job(backend, spec, parameters: dict, sink=None) -> str:
    """Validate against the workspace and its data, then submit; return the run id."""
    if sink is not None:
        sink.progress(None, "Checking the spec against the workspace and the data…")
    errors = errors_only(backend.validate(spec))
    if errors:
        raise SpecError(errors)
    if sink is not None:
        sink.check()
        sink.progress(None, "Submitting…")
    return backend.submit(spec, parameters or {}, sink=sink)


def failure_details(backend, run, sink=None) -> str:
    """The log tail of the step that failed (or of every step), for the error dialog's Details."""
    steps = [s for s in run.steps if s.status == FAILED] or list(run.steps)
    parts = []
    for step in steps:
        try:
            text = backend.read_log(run.run_id, step.name, tail_bytes=LOG_TAIL_BYTES)
        except Exception as exc:  # noqa: BLE001 - a missing log must not hide the failure itself
            text = f"(log unavailable: {exc})"
        parts.append(f"--- {step.name} ---\n{text}")
    return "\n".join(parts)


class RunControl(QObject):
    submitting = Signal(str)
    """A submission started (or moved on); the text says what it is doing."""
    submitted = Signal(str)
    """A run was created; its id."""
    submit_failed = Signal(str, str)
    """The spec was refused or the backend failed: message and details."""
    status_changed = Signal(str, str)
    """A watched run has a new status: run id and status."""
    run_failed = Signal(str, str, str)
    """A watched run ended Failed: run id, message, and the step's log tail."""

    def __init__(self, runner: JobRunner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.backend = None
        self.statuses: dict[str, str] = {}
        self.fed: set[str] = set()   # runs whose open view polls them and feeds us: one watcher per run
        self._pending: set[str] = set()
        self._submit_handle = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def set_backend(self, backend) -> None:
        self.backend = backend
        self.statuses.clear()
        self.fed.clear()
        self._pending.clear()
        self._timer.stop()

    def is_submitting(self) -> bool:
        return self._submit_handle is not None

    def submit(self, spec, parameters: dict | None = None) -> None:
        if self.backend is None:
            self.submit_failed.emit("No workspace is open; open one with Workspace → Switch…", "")
            return
        self.submitting.emit("Checking the spec against the workspace and the data…")
        self._submit_handle = self.runner.start(
            submit_job, self.backend, spec, dict(parameters or {}),
            on_result=self._submitted, on_failed=self._submit_failed,
            on_progress=lambda _f, message: self.submitting.emit(message),
            on_cancelled=lambda: self.submit_failed.emit("Submission cancelled.", ""),
            on_finished=self._submit_finished)

    @Slot()
    def _submit_finished(self) -> None:
        self._submit_handle = None

    def cancel_submit(self) -> None:
        if self._submit_handle is not None:
            self._submit_handle.cancel()

    @Slot(object)
    def _submitted(self, run_id: str) -> None:
        # The submission is over once its result is here, though its `finished` may come later:
        # Cancel from now on means the run (it cancelled the finished job, and nothing happened).
        self._submit_handle = None
        self.watch(run_id)
        self.submitted.emit(run_id)

    @Slot(str, str)
    def _submit_failed(self, message: str, details: str) -> None:
        self.submit_failed.emit(message, details)

    def watch(self, run_id: str, status: str = "NotStarted") -> None:
        self.statuses[run_id] = status
        if not self._timer.isActive():
            self._timer.start()
        self._poll()

    def active_runs(self) -> list[str]:
        return [r for r, s in self.statuses.items() if s not in TERMINAL]

    @Slot()
    def _poll(self) -> None:
        active = self.active_runs()
        if not active:
            self._timer.stop()
            return
        for run_id in active:
            if run_id in self._pending or run_id in self.fed or self.backend is None:
                continue
            self._pending.add(run_id)
            backend = self.backend
            self.runner.start(call, backend.get_run, run_id,
                              on_result=lambda run, b=backend: self._polled(b, run),
                              on_failed=lambda m, d, r=run_id: log.warning("polling %s failed: %s", r, m),
                              on_finished=lambda r=run_id: self._pending.discard(r))

    def feed(self, run) -> None:
        """A fresh record from the run's open view: it stands in for our own poll of that run."""
        if run.run_id in self.statuses:
            self.fed.add(run.run_id)
            self._polled(self.backend, run)

    def unfeed(self, run_id: str) -> None:
        """The run's view closed: poll it ourselves again while it is active."""
        self.fed.discard(run_id)
        if run_id in self.active_runs() and not self._timer.isActive():
            self._timer.start()

    def _polled(self, backend, run) -> None:
        if backend is not self.backend or run.run_id not in self.statuses:
            return
        old = self.statuses[run.run_id]
        self.statuses[run.run_id] = run.status
        if run.status == old:
            return
        self.status_changed.emit(run.run_id, run.status)
        if run.status == FAILED:
            message = f"Run {run.run_id} failed: {run.error or 'see the log'}"
            self.runner.start(failure_details, backend, run,
                              on_result=lambda details: self.run_failed.emit(run.run_id, message, details),
                              on_failed=lambda m, d: self.run_failed.emit(run.run_id, message, m))

    def cancel_run(self, run_id: str) -> None:
        if self.backend is not None:
            self.runner.start(call, self.backend.cancel, run_id,
                              on_failed=lambda m, d: self.submit_failed.emit(f"Could not cancel {run_id}: {m}", d))
