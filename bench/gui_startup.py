"""GUI start-up time and GUI-thread stalls during a run (prints figures; not a test).

  python bench/gui_startup.py [--runs N] [--skip-run]

Start-up: the median time from spawning `python` to the main window shown (first turn of
the event loop after show()), warm (bytecode cached, files in the page cache) and cold (a
fresh bytecode cache, and the page cache dropped when this process may do so). Stall: the
longest gap between ticks of a 10 ms GUI-thread timer from submitting the Titanic pipeline
(4 iterations) on a temporary local workspace until the run ends, with and without the run
monitor docked. Runs offscreen; workspaces and settings go to a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "matplotlib", "azureml", "flaml")
CHILD = """
import sys
from PySide6.QtCore import QTimer
from app.ui.application import launch
app, window = launch([], workspace=sys.argv[1])
heavy = [m for m in {heavy!r} if m in sys.modules]
QTimer.singleShot(0, lambda: (print("shown", ",".join(heavy), flush=True), app.quit()))
app.exec()
"""


def isolated_env(home: Path, **extra) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env[key] = str(home / key)
    env.pop("AUTOML_DESK_WORKSPACE", None)
    return env


def drop_page_cache() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def time_startup(home: Path, cold: bool) -> tuple[float, str]:
    extra = {}
    if cold:
        extra["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="pycache-", dir=home)
        drop_page_cache()
    code = CHILD.format(heavy=HEAVY)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(home / "workspace")], cwd=ROOT,
                            env=isolated_env(home, **extra), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if not line.startswith("shown"):
        raise RuntimeError(f"the window did not show (exit {proc.returncode})")
    return elapsed, line.split(" ", 1)[1].strip()


def startup(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        time_startup(home, cold=False)  # creates the workspace and fills the bytecode cache
        warm = [time_startup(home, cold=False) for _ in range(runs)]
        dropped = drop_page_cache()
        cold = [time_startup(home, cold=True) for _ in range(max(2, runs // 2))]
    heavy = sorted({m for _, loaded in warm + cold for m in loaded.split(",") if m})
    print(f"start-up to main window shown, warm: median {statistics.median(t for t, _ in warm):.2f} s "
          f"(n={len(warm)}, min {min(t for t, _ in warm):.2f}, max {max(t for t, _ in warm):.2f})")
    print(f"start-up to main window shown, cold: median {statistics.median(t for t, _ in cold):.2f} s "
          f"(n={len(cold)}; fresh bytecode cache; page cache {'dropped' if dropped else 'NOT dropped (no permission)'})")
    print(f"heavy modules loaded when the window showed: {', '.join(heavy) or 'none'} (checked: {', '.join(HEAVY)})")


def run_stall(with_monitor: bool) -> tuple[float, float, str, float]:
    """(max gap s, 99th percentile gap s, final status, run seconds) for one submitted run."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.backends.local.workspace import LocalBackend
    from app.core.spec import load_spec
    from app.locator import example_spec, sample_dataset
    from app.ui.main_window import MainWindow
    from app.ui.settings import UiSettings

    def spin_until(condition, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the run did not end in time")
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()

    with tempfile.TemporaryDirectory() as tmp:
        backend = LocalBackend(Path(tmp) / "workspace")
        backend.register_dataset("titanic_ds", [str(sample_dataset())])
        window = MainWindow(UiSettings(Path(tmp) / "ui.ini"), with_monitor=with_monitor)
        window.show()
        window.set_backend(backend, str(Path(tmp) / "workspace"))
        window.prewarm()
        spin_until(lambda: window.runner.running() == 0, 60)  # a user needs longer than this to fill the wizard
        spec = load_spec(example_spec())
        spec.automl.iterations = 4
        spec.automl.experiment_timeout_hours = None
        spec.automl.experiment_timeout_minutes = 1
        spec.automl.iteration_timeout_minutes = None
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick():
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        heartbeat = QTimer()
        heartbeat.setInterval(10)
        heartbeat.timeout.connect(tick)
        run_ids: list[str] = []
        window.run_submitted.connect(run_ids.append)
        started = time.perf_counter()
        heartbeat.start()
        window.run_control.submit(spec, {})
        spin_until(lambda: run_ids and window.run_control.statuses.get(run_ids[0]) in ("Completed", "Failed",
                                                                                        "Canceled"), 300)
        heartbeat.stop()
        seconds = time.perf_counter() - started
        status = window.run_control.statuses[run_ids[0]]
        window.run_control.set_backend(None)
        window.close()
        gaps.sort()
        return gaps[-1], gaps[int(len(gaps) * 0.99)], status, seconds


def stalls() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])  # noqa: F841 - keeps Qt alive
    for with_monitor in (True, False):
        worst, p99, status, seconds = run_stall(with_monitor)
        label = "with the run monitor" if with_monitor else "without the run monitor"
        print(f"GUI-thread stall during a submitted run {label}: longest {worst * 1000:.0f} ms, "
              f"99th percentile {p99 * 1000:.0f} ms (10 ms timer; run {status} in {seconds:.1f} s)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm start-ups to time (cold: half as many, at least 2)")
    parser.add_argument("--skip-run", action="store_true", help="time start-up only")
    args = parser.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    home = Path(tempfile.mkdtemp(prefix="gui-bench-"))
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        os.environ[key] = str(home / key)
    sys.path.insert(0, str(ROOT))
    startup(args.runs)
    if not args.skip_run:
        stalls()
    return 0


if __name__ == "__main__":
    sys.exit(main())
