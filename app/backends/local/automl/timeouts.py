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


RING_AGAIN_SECONDS = 0.05
# Python functions that C libraries call back through ctypes while a fit builds its data.
DATA_CALLBACKS = {"_next_wrapper", "_reset_wrapper"}


def _inside_swallowing_frame(frame) -> bool:
    """Inside code whose exceptions Python only prints: a ctypes callback or a finalizer."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or (code.co_name in DATA_CALLBACKS and "xgboost" in code.co_filename):
            return True
        frame = frame.f_back
    return False


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
        if not self._in_fit:
            return
        if _inside_swallowing_frame(frame):
            # Raising here would be printed and dropped: in a ctypes callback (XGBoost's
            # QuantileDMatrix reads its data that way) the library then fails or crashes the
            # process; in a finalizer (a DMatrix's __del__) the fit would just go on.
            # Ring again once that code has returned.
            signal.setitimer(signal.ITIMER_REAL, RING_AGAIN_SECONDS)
            return
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
        except Exception as error:
            # A timeout raised where a library turns it into an error of its own (a C extension
            # imported on a fit's first use reports "ImportError: initialization failed"): a fit
            # that fails after its alarm rang ran out of time.
            if self.expired:
                raise IterationTimeout() from error
            raise
        finally:
            self._in_fit = False
