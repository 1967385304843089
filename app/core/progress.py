"""The progress/cancel sink that long operations report to (no Qt here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


class Cancelled(Exception):
    """Raised by long work when its sink says it was cancelled."""


@dataclass
class Sink:
    """Collects progress; `cancelled` is polled by the work. Qt workers wrap one of these."""

    on_progress: Callable[[float | None, str], None] | None = None
    cancelled: bool = False
    messages: list = field(default_factory=list)

    def progress(self, fraction: float | None, message: str = "") -> None:
        self.messages.append((fraction, message))
        if self.on_progress is not None:
            self.on_progress(fraction, message)

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled("cancelled by the user")

    def cancel(self) -> None:
        self.cancelled = True


