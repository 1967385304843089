"""One Qt worker for every long job: `job(*args, sink=Sink)` runs on a bounded thread pool.

The job is a plain function (tested without Qt); the worker turns its progress, result
and exceptions into signals delivered on the GUI thread. Widgets never run jobs inline.

Callbacks belong to an owner QObject (Qt's context-object rule): a bound method's object,
or the widgets a lambda captures. Once an owner is deleted its callbacks are dropped, so a
view closed while its job ran is never touched. A failure nobody handles goes to
`JobRunner.unhandled_failure` (the main window routes it to the reporter): nothing fails silently.
"""
from __future__ import annotations

import logging
import threading
import traceback

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.core.errors import UserInputError
from app.core.progress import Cancelled, Sink

log = logging.getLogger(__name__)
MAX_THREADS = 4   # 2 cores: a few jobs at once keep the GUI quick; more only queue up in the OS


class JobWorker(QObject):
    progressed = Signal(object, str)
    """Fraction done (float 0..1, or None when unknown) and a message."""
    succeeded = Signal(object)
    """The job's return value."""
    failed = Signal(str, str)
    """A message for the user and the details (traceback or log tail; may be empty)."""
    cancelled = Signal()
    """The job stopped because cancel() was called."""
    finished = Signal()
    """Emitted last, whatever the outcome."""

    def __init__(self, job, *args, **kwargs):
        super().__init__()
        self._job, self._args, self._kwargs = job, args, kwargs
        self.sink = Sink(on_progress=self._emit_progress)
        self.done = threading.Event()
        self.began = False

    def _emit_progress(self, fraction, message):
        self.progressed.emit(fraction, message)

    def run(self) -> None:
        """Runs on a pool thread; the signals are queued to the GUI thread's relay."""
        self.began = True
        try:
            result = self._job(*self._args, sink=self.sink, **self._kwargs)
        except Cancelled:
            self.cancelled.emit()
        except UserInputError as exc:
            self.failed.emit(str(exc), "")
        except Exception as exc:  # noqa: BLE001 - every failure must reach the user
            log.exception("job %s failed", getattr(self._job, "__name__", self._job))
            self.failed.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()
            self.done.set()

    def cancel(self) -> None:
        self.sink.cancel()


def owners_of(callback) -> list[QObject]:
    """The QObjects a callback acts on: a bound method's object, or what a lambda captures."""
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, QObject):
        return [owner]
    found = []
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, QObject):
            found.append(value)
    found.extend(d for d in getattr(callback, "__defaults__", None) or () if isinstance(d, QObject))
    return found


class _CallbackRelay(QObject):
    """Lives on the GUI thread, so callbacks (lambdas included) run there, and only while their owners live."""

    def __init__(self, runner: JobRunner, callbacks: dict):
        super().__init__()
        self._runner = runner
        self._on = callbacks
        self._owners = {name: owners_of(cb) for name, cb in callbacks.items() if cb is not None}

    def _alive(self, name: str) -> bool:
        return all(shiboken6.isValid(o) for o in self._owners.get(name, ()))

    def _call(self, name, *args):
        callback = self._on.get(name)
        if callback is None:
            return
        if not self._alive(name):
            return  # the widget that asked was closed while its job ran: nobody is waiting
        callback(*args)

    @Slot(object)
    def result(self, value):
        self._call("result", value)

    @Slot(str, str)
    def failed(self, message, details):
        if self._on.get("failed") is None:
            if shiboken6.isValid(self._runner):
                self._runner.unhandled_failure.emit(message, details)
            return
        self._call("failed", message, details)

    @Slot(object, str)
    def progress(self, fraction, message):
        self._call("progress", fraction, message)

    @Slot()
    def cancelled(self):
        self._call("cancelled")

    @Slot()
    def finished(self):
        self._call("finished")
        self._call("job_done")


class JobHandle:
    """A running job: its worker (connect to its signals)."""

    def __init__(self, worker: JobWorker, relay: QObject | None = None):
        self.worker, self.relay = worker, relay

    def cancel(self) -> None:
        self.worker.cancel()

    def is_running(self) -> bool:
        return not self.worker.done.is_set()

    def wait(self, msecs: int = 10_000) -> bool:
        return self.worker.done.wait(msecs / 1000)


class _Task(QRunnable):
    def __init__(self, worker: JobWorker):
        super().__init__()
        self.worker = worker
        self.setAutoDelete(True)

    def run(self) -> None:
        self.worker.run()


class JobRunner(QObject):
    """Owns the jobs of one window: queues them on a bounded pool, cancels and joins them on close."""

    unhandled_failure = Signal(str, str)
    """A job failed and its starter gave no on_failed: message and details (route it to the reporter)."""

    def __init__(self, parent: QObject | None = None, max_threads: int = MAX_THREADS):
        super().__init__(parent)
        self._handles: list[JobHandle] = []
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)

    def start(self, job, *args, on_result=None, on_failed=None, on_progress=None,
              on_cancelled=None, on_finished=None, **kwargs) -> JobHandle:
        worker = JobWorker(job, *args, **kwargs)
        relay = _CallbackRelay(self, {"result": on_result, "failed": on_failed, "progress": on_progress,
                                      "cancelled": on_cancelled, "finished": on_finished})
        worker.succeeded.connect(relay.result)
        worker.failed.connect(relay.failed)
        worker.progressed.connect(relay.progress)
        worker.cancelled.connect(relay.cancelled)
        worker.finished.connect(relay.finished)
        handle = JobHandle(worker, relay)
        relay._on["job_done"] = lambda: self._forget(handle)
        self._handles.append(handle)
        self._pool.start(_Task(worker))
        return handle

    def _forget(self, handle: JobHandle) -> None:
        if handle in self._handles:
            self._handles.remove(handle)
        handle.worker.deleteLater()
        if handle.relay is not None:
            handle.relay.deleteLater()

    def running(self) -> int:
        return sum(1 for h in self._handles if h.is_running())

    def shutdown(self, msecs: int = 10_000) -> None:
        """Cancel every job and wait for it (call from closeEvent); queued jobs are dropped."""
        self._pool.clear()
        for handle in list(self._handles):
            handle.cancel()
            if not handle.worker.began:  # cleared from the queue: it will never run
                handle.worker.done.set()
        self._pool.waitForDone(msecs)
