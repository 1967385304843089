"""Once the watcher has ended a step, the search thread (which nothing can stop mid-fit) runs on
until the process is gone; nothing it writes in that time may follow the finished event."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.backends.automl.conftest import ROOT, collect, fast, titanic_frame

# The step as its process runs it, except that the watcher's exit waits a while after the step's
# outputs are finished: time in which the search thread goes on, as a slow flush would allow it.
SCENARIO = """
import sys, time
from app.backends.local import automl_step
from app.backends.local.automl import engine, watcher
from app.backends.local.automl.forecasting import step as forecast_step

def late_exit(code):
    time.sleep(2.0)
    watcher.exit_process(code)

engine.exit_process = forecast_step.exit_process = late_exit
sys.exit(automl_step.main(sys.argv[1:]))
"""


def _monthly() -> pd.DataFrame:
    i = np.arange(120)
    y = 50 + 0.5 * i + 5 * np.sin(2 * np.pi * i / 12)
    return pd.DataFrame({"t": pd.date_range("2010-01-01", periods=len(i), freq="MS").astype(str), "y": y})


@pytest.mark.parametrize("task", ["classification", "forecasting"])
def test_nothing_follows_the_finished_event_of_a_canceled_step(runner, task):
    import subprocess
    import sys

    if task == "forecasting":
        frame, settings = _monthly(), fast(label_column_name="y", task="forecasting",
                                           forecasting={"time_column_name": "t", "forecast_horizon": 6})
    else:
        frame, settings = titanic_frame(), fast()
    base, args = runner.paths(frame, settings)
    (base / "stop").write_text("")          # canceled before it starts: the watcher ends it at once
    done = subprocess.run([sys.executable, "-c", SCENARIO, *args[3:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    result = collect(base, done.returncode, done.stderr)
    assert done.returncode == 0, done.stderr[-2000:]
    kinds = [e["event"] for e in result.events]
    assert kinds[-1] == "finished" and kinds.count("finished") == 1, kinds
    assert result.finished["stop_reason"] == "canceled"
    assert "iteration" not in kinds
    assert not (result.out / "model_data").exists()
