"""Hard per-trial time limits: a SIGALRM that interrupts a learner's fit at its deadline.

FLAML's `train_time_limit` is only a target the learners aim for (XGBoost overshoots it
several times over, a random forest's tree count is extrapolated from two small fits). The
alarm ends the fit itself: LightGBM and XGBoost return to Python after every boosting
round, scikit-learn forests after every tree or batch of trees, and a signal handler runs
there — also while the main thread waits on worker threads, since waits are interruptible.
It only raises inside a fit (`fitting()`); elsewhere it marks the trial as out of time and
the next fit of that trial returns at once. Signals need the main thread: elsewhere
`available` is False and only FLAML's soft limit applies.
"""
from __future__ import annotations

import math
import signal
import threading
import time
from contextlib import contextmanager


class IterationTimeout(BaseException):
    """Raised inside a fit past its deadline; a BaseException so libraries' `except Exception` let it through."""


class TrialAlarm:
    def __init__(self):
        self.available = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        self.deadline = math.inf
        self.expired = False
        self._in_fit = False
        if self.available:
            signal.signal(signal.SIGALRM, self._ring)

    def arm(self, deadline: float) -> None:
        """Ring at `deadline` (wall clock); re-arming moves the deadline."""
        self.deadline, self.expired = deadline, False
        if self.available and math.isfinite(deadline):
            signal.setitimer(signal.ITIMER_REAL, max(0.001, deadline - time.time()))

    def disarm(self) -> None:
        self.deadline, self.expired = math.inf, False
        if self.available:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def _ring(self, signum, frame) -> None:
        self.expired = True
        if self._in_fit:
            self._in_fit = False
            raise IterationTimeout()

    @contextmanager
    def fitting(self):
        """Run a fit that the alarm may interrupt; raises IterationTimeout at once if already out of time."""
        if self.expired or time.time() >= self.deadline:
            self.expired = True
            raise IterationTimeout()
        self._in_fit = True
        try:
            yield
        finally:
            self._in_fit = False
