"""The entry point shows the main window without loading the heavy libraries."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
from PySide6.QtCore import QTimer
from app.ui.application import launch
app, window = launch([], workspace=sys.argv[1])
heavy = [m for m in ("pandas", "matplotlib", "azureml", "flaml") if m in sys.modules]
QTimer.singleShot(0, lambda: (print("shown", window.isVisible(), heavy, window.menus["File"].title()), app.quit()))
sys.exit(app.exec())
"""


def test_window_shows_without_heavy_imports(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "ws")], cwd=root, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "shown True [] &File" in out.stdout
    log_dir = Path(env["XDG_STATE_HOME"]) / "automl-desk" / "log"
    assert any(log_dir.glob("*.log")), "the app log file was not created"


def test_workspace_from_the_environment_wins_over_the_remembered_one(qtbot, tmp_path, monkeypatch):
    from app.ui.application import launch
    from app.ui.settings import UiSettings

    UiSettings().add_recent("workspaces", str(tmp_path / "remembered"))
    monkeypatch.setenv("AUTOML_DESK_WORKSPACE", str(tmp_path / "from_env"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch installs its own hook
    _app, window = launch([])
    qtbot.waitUntil(lambda: window.backend is not None, timeout=20_000)
    assert window.location == str(tmp_path / "from_env")
    assert "from_env" in window.workspace_label.text()
    window.close()
    window.deleteLater()
