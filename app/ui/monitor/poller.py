"""Live polling: a GUI-thread QTimer whose polls run on a worker, one at a time."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.ui.workers import JobRunner


class PollWorker(QObject):
    """Runs `fetch()` on a JobRunner every `interval_ms`; a tick is skipped while a poll is pending,
    so a slow backend never piles up threads or delivers stale results out of order."""

    polled = Signal(object)
    """The value `fetch()` returned (delivered on the GUI thread)."""
    poll_failed = Signal(str)
    """A poll raised; the message is meant for a status line. Polling continues."""

    def __init__(self, runner: JobRunner, fetch: Callable[..., object], interval_ms: int = 1000,
                 parent: QObject | None = None, args_for: Callable[[], tuple] | None = None):
        """`fetch(*args_for())` runs on the worker; `args_for` runs on the GUI thread at each tick,
        so the worker gets a snapshot of GUI-side state instead of reading it concurrently."""
        super().__init__(parent)
        self._runner, self._fetch, self._args_for = runner, fetch, args_for
        self._pending = False
        self.skipped_ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll_now)

    def start(self, immediately: bool = True) -> None:
        self._timer.start()
        if immediately:
            self.poll_now()

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()

    def is_pending(self) -> bool:
        return self._pending

    @Slot()
    def poll_now(self) -> None:
        if self._pending:
            self.skipped_ticks += 1
            return
        self._pending = True
        args = self._args_for() if self._args_for is not None else ()
        self._runner.start(_run_fetch, self._fetch, args, on_result=self._on_result, on_failed=self._on_failed,
                           on_finished=self._on_finished)

    @Slot(object)
    def _on_result(self, value) -> None:
        self.polled.emit(value)

    @Slot(str, str)
    def _on_failed(self, message: str, _details: str) -> None:
        self.poll_failed.emit(message)

    @Slot()
    def _on_finished(self) -> None:
        self._pending = False


def _run_fetch(fetch: Callable[..., object], args: tuple, sink=None):
    return fetch(*args)
