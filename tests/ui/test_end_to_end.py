"""The whole path on a real local workspace: wizard → submit → run Completed, GUI thread responsive."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWizard

from app.core.runs import COMPLETED
from app.ui.wizard import wizard as w

from .wizard_steps import go_next, register_and_pick, set_budget


class Heartbeat:
    """Ticks on the GUI thread; a long gap between ticks means the GUI thread was blocked."""

    def __init__(self, interval_ms: int = 20):
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = None
        self.max_gap = 0.0

    def start(self):
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def stop(self):
        self.timer.stop()


def test_wizard_submit_run_completes(qtbot, tmp_path, ui_settings, titanic_csv):
    from app.ui.main_window import MainWindow

    window = MainWindow(ui_settings)
    qtbot.addWidget(window)
    window.show()
    window.prewarm()  # as run_gui does once the window is shown
    heartbeat = Heartbeat()
    heartbeat.start()
    window.connect_workspace(str(tmp_path / "workspace"))
    qtbot.waitUntil(lambda: window.backend is not None, timeout=20_000)

    wizard = window.new_pipeline()
    assert wizard.currentPage().is_connected()
    go_next(qtbot, wizard, w.PAGE_DATASET, complete=False)
    register_and_pick(qtbot, wizard, titanic_csv, "Survived")
    go_next(qtbot, wizard, w.PAGE_COMPUTE)
    go_next(qtbot, wizard, w.PAGE_DATAPREP)
    prep = wizard.currentPage()
    prep.bundled.setChecked(True)
    prep.apply_suggestions()
    go_next(qtbot, wizard, w.PAGE_AUTOML)
    set_budget(wizard, iterations="4", timeout_minutes="1")
    go_next(qtbot, wizard, w.PAGE_REGISTER)
    go_next(qtbot, wizard, w.PAGE_REVIEW)

    with qtbot.waitSignal(window.run_submitted, timeout=60_000) as submitted:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    run_id = submitted.args[0]
    qtbot.waitUntil(lambda: window.run_control.statuses.get(run_id) in ("Completed", "Failed", "Canceled"),
                    timeout=240_000)
    heartbeat.stop()
    run = window.backend.get_run(run_id)
    assert run.status == COMPLETED, (run.error, window.backend.read_log(run_id, "automl", 3000))
    assert run.iterations and len(run.iterations) <= 4
    assert heartbeat.max_gap < 0.5, f"the GUI thread stalled for {heartbeat.max_gap * 1000:.0f} ms"
