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

    def __init__(self, runner: JobRunner, fetch: Callable[[], object], interval_ms: int = 1000,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._runner, self._fetch = runner, fetch
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

    def set_fetch(self, fetch: Callable[[], object]) -> None:
        self._fetch = fetch

    @Slot()
    def poll_now(self) -> None:
        if self._pending:
            self.skipped_ticks += 1
            return
        self._pending = True
        fetch = self._fetch
        self._runner.start(_run_fetch, fetch, on_result=self._on_result, on_failed=self._on_failed,
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


def _run_fetch(fetch: Callable[[], object], sink=None):
    return fetch()
