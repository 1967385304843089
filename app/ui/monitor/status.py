"""How run and step statuses look: colours, icons, and a sentence saying why a run waits."""
from __future__ import annotations

import time
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.core import runs

STATUS_COLOURS = {
    runs.NOT_STARTED: "#9e9e9e", runs.QUEUED: "#9e9e9e", runs.PREPARING: "#f0ad4e",
    runs.STARTING: "#f0ad4e", runs.RUNNING: "#1e88e5", runs.FINALIZING: "#1e88e5",
    runs.CANCEL_REQUESTED: "#fb8c00", runs.COMPLETED: "#43a047", runs.FAILED: "#e53935",
    runs.CANCELED: "#6d4c41", runs.NOT_RESPONDING: "#8e24aa", runs.UNKNOWN: "#bdbdbd",
}

WAIT_REASONS = {
    runs.NOT_STARTED: "not started yet",
    runs.QUEUED: "queued: waiting for the compute to be free",
    runs.PREPARING: "preparing: building the environment and staging the data",
    runs.STARTING: "starting the first step",
    runs.FINALIZING: "finalizing: saving outputs",
    runs.CANCEL_REQUESTED: "cancel requested: stopping the current step",
    runs.NOT_RESPONDING: "not responding: no news from the run recently",
}


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, STATUS_COLOURS[runs.UNKNOWN]))


@lru_cache(maxsize=None)
def status_icon(status: str) -> QIcon:
    """A filled dot in the status colour; a ring for statuses still in progress."""
    pix = QPixmap(14, 14)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = status_colour(status)
    painter.setPen(colour.darker(130))
    painter.setBrush(colour if status in runs.TERMINAL else colour.lighter(115))
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pix)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f}s"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def format_time(stamp: float | None) -> str:
    if stamp is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def format_metric(value) -> str:
    if value is None:
        return ""
    try:
        return f"{float(value):.4f}"
    except (TypeError, ValueError):
        return str(value)


def run_headline(run: runs.RunRecord) -> str:
    """One line: status, what it is doing or why it waits, and the elapsed time."""
    parts = [run.status]
    doing = run.phase or WAIT_REASONS.get(run.status, "")
    for extra in (doing, run.error if run.status in runs.TERMINAL else ""):
        if extra and extra.casefold() not in {p.casefold() for p in parts}:  # "Canceled — canceled" said it twice
            parts.append(extra)
    elapsed = run.duration_s
    if elapsed is not None:
        parts.append(("took " if run.status in runs.TERMINAL else "elapsed ") + format_duration(elapsed))
    return " — ".join(parts)
