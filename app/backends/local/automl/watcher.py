"""The thread that ends a step from outside its work: the stop file (cancel) or the hard deadline.

A fit in progress cannot be interrupted from Python, so the watcher does not wait for it: it
asks the step to write its outputs from what is committed so far and exit the process. Shared
by the tabular engine and the forecasting engine.
"""
from __future__ import annotations

import threading
import time

POLL_S = 0.1


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
