"""`automl-desk run` in the foreground: live progress, Ctrl-C cancels, exit code follows the run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import yaml

from app import locator
from app.backends.local.workspace import LocalBackend
from app.core import runs as rs


def test_ctrl_c_cancels_the_foreground_run(tmp_path):
    ws = tmp_path / "ws"
    backend = LocalBackend(ws)
    backend.register_dataset("titanic_ds", [str(locator.sample_dataset())])
    data = yaml.safe_load(locator.example_spec().read_text())
    data["automl"].update(iterations=500, experiment_timeout_hours=None, experiment_timeout_minutes=10,
                          n_cross_validations=3)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data))
    proc = subprocess.Popen([sys.executable, "-m", "app", "--workspace", str(ws), "run", str(spec)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if line.strip().startswith("1 ") or line.strip().startswith("2 "):
            break
    assert any("ITERATION" in ln and "PIPELINE" in ln and "BEST" in ln for ln in lines), lines
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, out + err
    assert "status Canceled" in out
    [run] = backend.list_runs()
    assert run.status == rs.CANCELED
