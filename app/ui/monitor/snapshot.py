"""What one poll of a run view fetches, on a worker thread (no Qt here)."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.core import runs as rs
from app.core.errors import NotFoundError
from app.core.runs import RunRecord

LOG_TAIL_BYTES = 64_000


@dataclass
class RunSnapshot:
    run: RunRecord | None                  # None: the run does not exist (see problems)
    logs: dict[str, str] = field(default_factory=dict)
    artifacts: dict | None = None          # None: not fetched this time
    problems: list[str] = field(default_factory=list)


def fetch_run_snapshot(backend, run_id: str, with_artifacts: bool) -> RunSnapshot:
    """The run with its iterations, each step's log tail and, when asked, its chart artifacts.
    Only `get_run` failing fails the poll; a missing log or artifact is reported in `problems`."""
    try:
        run = backend.get_run(run_id)
    except NotFoundError as exc:
        return RunSnapshot(None, problems=[str(exc)])
    snapshot = RunSnapshot(run)
    for step in run.steps:
        try:
            snapshot.logs[step.name] = backend.read_log(run.run_id, step.name, LOG_TAIL_BYTES)
        except Exception as exc:  # noqa: BLE001 - one unreadable log must not blank the view
            snapshot.problems.append(f"log of {step.name}: {exc}")
    if with_artifacts:
        try:
            snapshot.artifacts = backend.get_artifacts(run.run_id) or {}
        except Exception as exc:  # noqa: BLE001
            snapshot.artifacts = {}
            snapshot.problems.append(f"artifacts: {exc}")
    return snapshot


ARTIFACT_REFRESH_S = 15.0


def artifacts_due(run: RunRecord, fetched_for: tuple | None, fetched_at: float = 0.0, now: float = 0.0) -> bool:
    """Artifacts describe the best model: fetch again when it or the run's state changes, but
    while the run goes on at most every ARTIFACT_REFRESH_S (a chart redraw is not free)."""
    if fetched_for == artifacts_key(run):
        return False
    return fetched_for is None or run.status in rs.TERMINAL or now - fetched_at >= ARTIFACT_REFRESH_S


def artifacts_key(run: RunRecord) -> tuple:
    return (run.best_iteration, run.status in rs.TERMINAL)
