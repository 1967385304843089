"""The poll worker: one poll at a time, results on the GUI thread, failures reported."""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from app.ui.monitor.poller import PollWorker


def test_a_tick_is_skipped_while_a_poll_is_pending(qtbot, runner):
    release, calls = threading.Event(), []

    def fetch(n):
        calls.append(QThread.currentThread())
        release.wait(5)
        return n * 2

    poller = PollWorker(runner, fetch, 10_000, args_for=lambda: (21,))
    results = []
    poller.polled.connect(lambda value: results.append((value, QThread.currentThread())))
    poller.poll_now()
    poller.poll_now()
    poller.poll_now()
    assert poller.skipped_ticks == 2 and poller.is_pending()
    release.set()
    qtbot.waitUntil(lambda: bool(results) and not poller.is_pending(), timeout=5000)
    assert results[0][0] == 42 and len(calls) == 1
    assert calls[0] is not results[0][1], "fetch must run off the GUI thread"


def test_a_failing_poll_is_reported_and_polling_goes_on(qtbot, runner):
    def fetch():
        raise OSError("disk gone")

    poller = PollWorker(runner, fetch, 10_000)
    with qtbot.waitSignal(poller.poll_failed, timeout=5000) as blocker:
        poller.poll_now()
    assert "disk gone" in blocker.args[0]
    qtbot.waitUntil(lambda: not poller.is_pending(), timeout=5000)
    with qtbot.waitSignal(poller.poll_failed, timeout=5000):
        poller.poll_now()
