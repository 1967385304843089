"""The experiment timeout as a clock that every phase of a step plans against.

Azure documents `experiment_timeout_*` as a limit on the whole step, so the clock starts when
the step process starts and covers reading, featurizing, the search, ensembles, refits,
reports and the test-split score. Work after the search is planned from measured costs:
`fits(cost)` before starting a piece, `skip(what, why)` when it does not fit, so the summary
can say what was left out. `hard_deadline` is the last moment to write the outputs and exit
while staying within the timeout plus SLACK_SHARE (+ SLACK_SECONDS), whatever is running.

Also usable by engines other than the tabular search (e.g. forecasting): nothing here
depends on FLAML or on the data.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

SLACK_SHARE = 0.05            # the step may end this share of the timeout late ...
SLACK_SECONDS = 3.0           # ... plus this, for process start-up and exit
EXIT_SECONDS = 1.0            # kept back from the hard deadline to write summary, metrics, events


@dataclass
class Budget:
    seconds: float | None                      # None: no experiment timeout
    started: float = field(default_factory=time.time)
    skipped: list[str] = field(default_factory=list)

    def elapsed(self) -> float:
        return time.time() - self.started

    def remaining(self) -> float:
        """Seconds left of the timeout itself (inf without one); negative once past it."""
        return math.inf if self.seconds is None else self.seconds - self.elapsed()

    def fits(self, cost: float) -> bool:
        """Whether work expected to take `cost` seconds ends within the timeout."""
        return self.remaining() >= cost

    def deadline(self, reserve: float = 0.0) -> float:
        """The wall-clock time by which a phase must end to leave `reserve` seconds after it."""
        return math.inf if self.seconds is None else self.started + self.seconds - reserve

    @property
    def hard_deadline(self) -> float:
        """When to stop whatever is running, write the outputs and exit."""
        if self.seconds is None:
            return math.inf
        return self.started + self.seconds * (1 + SLACK_SHARE) + SLACK_SECONDS - EXIT_SECONDS

    def skip(self, what: str, cost: float | None = None) -> str:
        """Record that `what` was left out for lack of time; returns the message."""
        need = f"needs about {cost:.0f} s, " if cost is not None and math.isfinite(cost) else ""
        message = f"skipped {what} ({need}{max(0.0, self.remaining()):.0f} s of the experiment timeout left)"
        self.skipped.append(message)
        return message
