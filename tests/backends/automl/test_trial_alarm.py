"""The iteration alarm ringing while XGBoost reads its data through a ctypes callback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# The alarm rings inside DataIter.next, which XGBoost calls through ctypes while it builds a
# QuantileDMatrix (as its scikit-learn API does for `hist`); the fit then goes on in Python.
SCENARIO = """
import signal, time
import numpy as np
import xgboost as xgb
from app.backends.local.automl.timeouts import IterationTimeout, TrialAlarm

class Batches(xgb.DataIter):
    def __init__(self):
        self.done = False
        super().__init__()
    def next(self, input_data):
        if self.done:
            return 0
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        time.sleep(0.05)
        input_data(data=np.random.rand(500, 4), label=np.random.rand(500))
        self.done = True
        return 1
    def reset(self):
        self.done = False

alarm = TrialAlarm()
alarm.arm(time.time() + 3600)
try:
    with alarm.fitting():
        xgb.QuantileDMatrix(Batches())
        time.sleep(5)
    print("not interrupted")
except IterationTimeout:
    print("timed out")
"""


def test_a_ring_inside_xgboosts_data_callback_times_the_fit_out_after_the_callback():
    done = subprocess.run([sys.executable, "-c", SCENARIO], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "timed out", done.stdout + done.stderr[-2000:]
    assert "Exception ignored" not in done.stderr and "XGBoostError" not in done.stderr, done.stderr[-2000:]
