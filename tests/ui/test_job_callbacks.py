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
