"""Stream a 1,000-iteration run into the run view and measure the GUI thread.

Prints the longest GUI-thread stall while the run fills in, from its first poll to its end
(a 5 ms heartbeat QTimer: any gap beyond its interval is time the event loop was busy) and the redraw time of the metric chart
at 5,000 points. Targets: stall < 50 ms, redraw < 100 ms.

    python bench/gui_responsiveness.py [--iterations 1000] [--per-poll 10] [--points 5000]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HEARTBEAT_MS = 5


class Heartbeat:
    """Records the longest gap between ticks of a fast GUI-thread timer."""

    def __init__(self):
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)

    def start(self):
        self.clock.start()
        self.timer.start()

    def _tick(self):
        self.gaps.append(self.clock.nsecsElapsed() / 1e6)
        self.clock.restart()

    def stalls_over(self, ms: float) -> int:
        return sum(1 for gap in self.gaps[1:] if gap - HEARTBEAT_MS > ms)

    def longest_stall_ms(self) -> float:
        return max(0.0, max(self.gaps[1:], default=0.0) - HEARTBEAT_MS)


def stream_run(app, iterations: int, per_poll: int, poll_ms: int) -> dict:
    from app.ui.monitor.run_view import RunViewWidget
    from app.ui.workers import JobRunner
    from tests.fakes.backend import FakeBackend

    backend = FakeBackend()
    backend.add_live_run("bench", total=iterations, per_poll=per_poll)
    runner = JobRunner()
    view = RunViewWidget(backend, "bench", runner, interval_ms=poll_ms)
    view.resize(1200, 760)
    view.show()
    view.tabs.setCurrentIndex(2)          # the Charts tab: the chart redraws on every poll
    applied: list[float] = []
    beat = Heartbeat()

    def on_applied(snapshot):
        if not applied:          # measure the streaming, not the opening of the view
            beat.start()
        applied.append(len(snapshot.run.iterations))

    view.snapshot_applied.connect(on_applied)
    started = time.perf_counter()
    deadline = started + 120
    while (view.run is None or view.poller.is_active()) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    beat.timer.stop()
    rows = view.leaderboard.model.rowCount()
    view.stop()
    runner.shutdown()
    view.close()
    view.deleteLater()
    app.processEvents()
    return {"rows": rows, "polls": len(applied), "seconds": elapsed, "stall_ms": beat.longest_stall_ms(),
            "p99_gap_ms": statistics.quantiles(beat.gaps[1:], n=100)[98] if len(beat.gaps) > 101 else None,
            "skipped_ticks": view.poller.skipped_ticks, "beats": len(beat.gaps), "over_50": beat.stalls_over(50),
            "full_draws": view.metric_chart.full_draws}


def redraw_at(app, points: int, repeats: int = 7) -> dict:
    """Median time of a full draw of the chart at `points` points, and of a live append (blit)."""
    from app.ui.monitor.metric_chart import MetricChartPanel
    from tests.fakes.runs import make_iteration

    its = [make_iteration("bench_automl", n) for n in range(points + repeats)]
    panel = MetricChartPanel()
    panel.resize(800, 600)
    panel.show()
    panel.set_iterations(its[:points], "AUC_weighted")
    panel.canvas.draw_now()
    full, append = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        panel.canvas.draw_now()
        full.append((time.perf_counter() - t) * 1000)
    for k in range(repeats):
        t = time.perf_counter()
        panel.set_iterations(its[:points + k + 1], "AUC_weighted")
        app.processEvents()
        append.append((time.perf_counter() - t) * 1000)
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return {"draw_ms": statistics.median(full), "append_ms": statistics.median(append)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--per-poll", type=int, default=10, help="iterations the fake run gains per poll")
    parser.add_argument("--poll-ms", type=int, default=50)
    parser.add_argument("--points", type=int, default=5000)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    stream = stream_run(app, args.iterations, args.per_poll, args.poll_ms)
    redraw = redraw_at(app, args.points)
    print(f"streamed {stream['rows']} iterations in {stream['polls']} polls over {stream['seconds']:.1f} s "
          f"({stream['skipped_ticks']} ticks skipped while a poll was pending)")
    print(f"longest GUI-thread stall: {stream['stall_ms']:.1f} ms (target < 50 ms); "
          f"99th percentile heartbeat gap {stream['p99_gap_ms']:.1f} ms; "
          f"{stream['over_50']} of {stream['beats']} gaps over 50 ms; "
          f"{stream['full_draws']} full chart draws, the other updates blitted")
    print(f"metric chart full redraw at {args.points} points: {redraw['draw_ms']:.1f} ms (target < 100 ms); "
          f"live append of one iteration: {redraw['append_ms']:.1f} ms")
    if hasattr(os, "getloadavg"):
        print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    ok = stream["stall_ms"] < 50 and redraw["draw_ms"] < 100 and stream["rows"] == args.iterations
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
