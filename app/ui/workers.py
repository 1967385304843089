"""One Qt worker for every long job: `job(*args, sink=Sink)` runs on its own QThread.

The job is a plain function (tested without Qt); the worker turns its progress, result
and exceptions into signals delivered on the GUI thread. Widgets never run jobs inline.
"""
from __future__ import annotations

import logging
import traceback

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.core.errors import UserInputError
from app.core.progress import Cancelled, Sink

log = logging.getLogger(__name__)


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

    def _emit_progress(self, fraction, message):
        self.progressed.emit(fraction, message)

    @Slot()
    def run(self) -> None:
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

    def cancel(self) -> None:
        self.sink.cancel()


class _CallbackRelay(QObject):
    """Lives on the thread that started the job, so callbacks (lambdas included) run there.

    A signal connected straight to a lambda or a plain function runs it on the emitting
    (worker) thread; connecting to this object's slots queues the call to its own thread.
    """

    def __init__(self, on_result, on_failed, on_progress, on_cancelled, on_finished):
        super().__init__()
        self._on = {"result": on_result, "failed": on_failed, "progress": on_progress,
                    "cancelled": on_cancelled, "finished": on_finished}

    def _call(self, name, *args):
        callback = self._on.get(name)
        if callback is None:
            return
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return  # the widget that asked was closed while its job ran: nobody is waiting
        callback(*args)

    @Slot(object)
    def result(self, value):
        self._call("result", value)

    @Slot(str, str)
    def failed(self, message, details):
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

    @Slot()
    def thread_done(self):
        self._call("thread_done")


class JobHandle:
    """A running job: its worker (connect to its signals) and its thread."""

    def __init__(self, worker: JobWorker, thread: QThread, relay: QObject | None = None):
        self.worker, self.thread, self.relay = worker, thread, relay

    def cancel(self) -> None:
        self.worker.cancel()

    def is_running(self) -> bool:
        try:
            return self.thread.isRunning()
        except RuntimeError:  # the C++ thread object is already deleted
            return False

    def wait(self, msecs: int = 10_000) -> bool:
        try:
            return self.thread.wait(msecs)
        except RuntimeError:
            return True


class JobRunner(QObject):
    """Owns the jobs of one window: starts them, cancels and joins them on close."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._handles: list[JobHandle] = []

    def start(self, job, *args, on_result=None, on_failed=None, on_progress=None,
              on_cancelled=None, on_finished=None, **kwargs) -> JobHandle:
        worker = JobWorker(job, *args, **kwargs)
        thread = QThread()
        worker.moveToThread(thread)
        relay = _CallbackRelay(on_result, on_failed, on_progress, on_cancelled, on_finished)
        worker.succeeded.connect(relay.result)
        worker.failed.connect(relay.failed)
        worker.progressed.connect(relay.progress)
        worker.cancelled.connect(relay.cancelled)
        worker.finished.connect(relay.finished)
        handle = JobHandle(worker, thread, relay)
        thread.started.connect(worker.run)
        # quit() is thread-safe: call it directly so shutdown()'s wait() does not need the GUI loop.
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        # QThread.finished is emitted on the ending thread itself: forget the job on ours.
        relay._on["thread_done"] = lambda: self._forget(handle)
        thread.finished.connect(relay.thread_done)
        self._handles.append(handle)
        thread.start()
        return handle

    def _forget(self, handle: JobHandle) -> None:
        if handle in self._handles:
            self._handles.remove(handle)
        handle.wait()  # finished is emitted just before the thread really ends
        handle.worker.deleteLater()
        handle.thread.deleteLater()
        if handle.relay is not None:
            handle.relay.deleteLater()

    def running(self) -> int:
        return sum(1 for h in self._handles if h.is_running())

    def shutdown(self, msecs: int = 10_000) -> None:
        """Cancel every job and wait for its thread (call from closeEvent)."""
        for handle in list(self._handles):
            handle.cancel()
        for handle in list(self._handles):
            handle.wait(msecs)
