"""`automl-desk runs cancel` asks the workspace to stop an active run, and says so of one that has ended."""
from __future__ import annotations

from app.core import runs as rs
from tests.fakes.backend import FakeBackend


def test_cancel_asks_for_an_active_run_and_says_an_ended_one_needs_none(cli_on):
    backend = FakeBackend()
    backend.add_live_run("running1", total=5)
    backend.add_run("done1", iterations=3)
    run = cli_on(backend)
    code, out, _ = run("runs", "cancel", "running1")
    assert code == 0 and out.strip() == "Cancel requested for run running1"
    assert backend.cancelled == ["running1"] and backend.get_run("running1").status == rs.CANCEL_REQUESTED
    code, out, _ = run("runs", "cancel", "done1")
    assert code == 0 and out.strip() == "Run done1 already ended (Completed): nothing to cancel"
    assert backend.cancelled == ["running1"] and backend.get_run("done1").status == rs.COMPLETED
