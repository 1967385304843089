"""Plain job functions run by JobRunner (no Qt): each takes `sink` and returns plain data."""
from __future__ import annotations


def call(fn, *args, sink=None):
    """Run a backend method that takes no sink (a quick query) as a job."""
    return fn(*args)
