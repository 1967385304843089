import shiboken6
from PySide6.QtWidgets import QLabel

from app.ui.workers import JobRunner


def slow_job(sink):
    import time

    time.sleep(0.2)
    return "done"


def test_result_for_a_closed_widget_is_dropped(qtbot):
    runner = JobRunner()
    label = QLabel()
    alive = QLabel()
    handle = runner.start(slow_job, on_result=label.setText)
    runner.start(slow_job, on_result=alive.setText)
    shiboken6.delete(label)  # the view is closed while its job runs
    qtbot.waitUntil(lambda: alive.text() == "done", timeout=5000)
    qtbot.waitUntil(lambda: not handle.is_running(), timeout=5000)
    runner.shutdown()


def failing_job(sink):
    raise RuntimeError("disk on fire")


def test_lambda_capturing_a_closed_widget_is_not_called(qtbot):
    runner = JobRunner()
    label, alive = QLabel(), QLabel()
    handle = runner.start(slow_job, on_result=lambda text: label.setText(text))
    runner.start(slow_job, on_result=lambda text, target=alive: target.setText(text))
    shiboken6.delete(label)
    qtbot.waitUntil(lambda: alive.text() == "done", timeout=5000)
    qtbot.waitUntil(lambda: not handle.is_running(), timeout=5000)
    runner.shutdown()


def test_a_failure_without_a_handler_is_not_silent(qtbot):
    runner = JobRunner()
    with qtbot.waitSignal(runner.unhandled_failure, timeout=5000) as failure:
        runner.start(failing_job)
    assert "disk on fire" in failure.args[0] and "RuntimeError" in failure.args[1]
    runner.shutdown()


def test_jobs_share_a_bounded_pool(qtbot):
    runner = JobRunner(max_threads=2)
    handles = [runner.start(slow_job) for _ in range(5)]
    assert runner._pool.maxThreadCount() == 2
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=10_000)
    assert all(not h.is_running() for h in handles)
    runner.shutdown()


def test_the_main_window_reports_an_unhandled_job_failure(qtbot, ui_settings):
    from app.ui.main_window import MainWindow

    window = MainWindow(ui_settings, open_backend=lambda location, **o: None, with_monitor=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.reporter.reported, timeout=5000) as report:
        window.runner.start(failing_job)
    assert "disk on fire" in report.args[0]
