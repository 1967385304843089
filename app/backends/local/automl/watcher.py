"""The thread that ends a step from outside its work: the stop file (cancel) or the hard deadline.

A fit in progress cannot be interrupted from Python, so the watcher does not wait for it: it
asks the step to write its outputs from what is committed so far and exit the process. Shared
by the tabular engine and the forecasting engine.
"""
from __future__ import annotations

import os
import sys
import threading
import time

POLL_S = 0.1
# Held by the first thread that ends the process, never released: the watcher (cancel, hard
# deadline) and the main thread (its work done) may both reach the end at once, and the one that
# got there first says the exit code; the other waits here until the process is gone.
EXIT_LOCK = threading.Lock()


def claim_exit() -> None:
    """Become the thread that ends the process (waits, for good, if another already is)."""
    EXIT_LOCK.acquire()


def exit_process(code: int) -> None:
    """End the process with `code` once stdout and stderr are flushed, skipping the interpreter's
    teardown: pyarrow's thread pool, started by reading Parquet, can abort the process at exit
    ("terminate called without an active exception", apache/arrow#34314): 3 of 140 quick exits
    (a bad label, exit 2) ended in SIGABRT, none of 350 since. Every output is already written and
    closed or flushed by then. The caller must hold the exit (`claim_exit`)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def start_watcher(step) -> None:
    """Watch `step` (with `finished`, `stop_file`, `budget`, `phase`, `outputs` and `exit_now(reason)`)."""
    threading.Thread(target=_watch, args=(step,), name="stop-file", daemon=True).start()


def _watch(step) -> None:
    while not step.finished:
        if step.stop_file is not None and step.stop_file.exists():
            step.exit_now("canceled")
        if time.time() >= step.budget.hard_deadline:
            step.outputs.warning(step.budget.skip(f"the rest of {step.phase}: the experiment timeout was reached"))
            step.exit_now("timeout")
        time.sleep(POLL_S)
