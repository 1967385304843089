"""Two processes on one workspace: one runs a pipeline, one browses and registers datasets."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from app.core import runs as rs
from tests.backends.local.runs_helpers import small_spec, wait_done

BROWSER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from app.backends.local.workspace import LocalBackend
    root, tmp = Path(sys.argv[1]), Path(sys.argv[2])
    backend = LocalBackend(root)
    for i in range(25):
        path = tmp / f"d{i}.csv"
        path.write_text("x,y\\n" + "\\n".join(f"{j},{(i + j) % 2}" for j in range(50)) + "\\n")
        backend.register_dataset(f"browse_{i}", [str(path)])
        for run in backend.list_runs():
            backend.get_run(run.run_id)
        backend.list_datasets()
        backend.list_models()
    print("done")
""")


def test_browsing_process_and_running_pipeline_share_the_workspace(titanic_ws, tmp_path):
    spec = small_spec(iterations=8, folds=3)
    spec.data_prep.allow_reuse = spec.automl.allow_reuse = False
    run_id = titanic_ws.submit(spec)
    browser = subprocess.run([sys.executable, "-c", BROWSER, str(titanic_ws.root), str(tmp_path)],
                             capture_output=True, text=True, timeout=300)
    assert browser.returncode == 0, browser.stderr
    assert "locked" not in browser.stderr
    run = wait_done(titanic_ws, run_id)
    assert run.status == rs.COMPLETED, run.error
    names = {d.name for d in titanic_ws.list_datasets()}
    assert {f"browse_{i}" for i in range(25)} <= names
    assert titanic_ws.get_model("TitanicSurvivalInitial").version == 1
    assert len(run.iterations) >= 4
