"""The executor: one detached process per run, the only writer of that run's state.

`python -m app.backends.local.executor --workspace DIR --run-id ID [--lock-fd FD]`
It holds the run lock for its whole life, waits for a compute slot (runs queue), runs
each step as a subprocess in its own process group, turns the AutoML step's event log
into iteration records, commits registered models, and stops within 2 s on cancel.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from pathlib import Path

from app.backends.local.event_log import EventTail
from app.backends.local.locking import RunLock
from app.backends.local.procs import create_time, kill_tree
from app.backends.local.steps import StepOutcome, StepPlanner
from app.core import runs as rs
from app.core.errors import UserInputError, disk_problem
from app.core.spec import parse_spec

POLL_S = 0.1
CANCEL_GRACE_S = 1.0
log = logging.getLogger("automl_desk.executor")


class RunCanceled(Exception):
    pass


class Executor:
    def __init__(self, backend, run_id: str, max_concurrent_runs: int = 1):
        self.backend, self.store, self.layout = backend, backend.store, backend.layout
        self.run_id = run_id
        self.max_concurrent_runs = max(1, max_concurrent_runs)
        self.slot: RunLock | None = None

    # -- state -------------------------------------------------------------------------------
    def _run_row(self):
        with self.store.read() as c:
            return c.execute("SELECT * FROM runs WHERE run_id=?", (self.run_id,)).fetchone()

    def cancel_requested(self) -> bool:
        return self._run_row()["status"] == rs.CANCEL_REQUESTED

    def set_run(self, **fields) -> None:
        """Update run columns, unless a cancel request must not be overwritten."""
        keys = ", ".join(f"{k}=?" for k in fields)
        guard = "" if fields.get("status") in rs.TERMINAL else f" AND status != '{rs.CANCEL_REQUESTED}'"
        if "status" not in fields:
            guard = ""
        with self.store.write() as c:
            c.execute(f"UPDATE runs SET {keys} WHERE run_id=?{guard}", (*fields.values(), self.run_id))

    def set_step(self, step_run_id: str, **fields) -> None:
        for key in ("outputs",):
            if key in fields:
                fields[key] = json.dumps(fields[key])
        keys = ", ".join(f"{k}=?" for k in fields)
        with self.store.write() as c:
            c.execute(f"UPDATE step_runs SET {keys} WHERE run_id=?", (*fields.values(), step_run_id))

    def steps(self):
        with self.store.read() as c:
            return c.execute("SELECT * FROM step_runs WHERE parent_run_id=? ORDER BY position",
                             (self.run_id,)).fetchall()

    # -- queue -------------------------------------------------------------------------------
    def wait_for_slot(self) -> None:
        """Runs on one compute go one at a time (by default), oldest first."""
        while True:
            if self.cancel_requested():
                raise RunCanceled()
            if self._earlier_waiting_run() is None:
                for slot in range(self.max_concurrent_runs):
                    lock = RunLock(self.layout.slot_lock("local", slot))
                    if lock.acquire():
                        self.slot = lock
                        return
            holder = self._slot_holder()
            self.set_run(status=rs.QUEUED, phase=f"queued: waiting for {holder or 'an earlier run'} "
                                                 "to finish on compute 'local'")
            time.sleep(0.25)

    def _earlier_waiting_run(self) -> str | None:
        """An older run still waiting for a slot, whose executor is alive. A run submitted just
        before this one may not have reached its own wait yet (NotStarted): it still goes first."""
        with self.store.read() as c:
            rows = c.execute("SELECT r.run_id FROM runs r, runs me WHERE me.run_id=? AND r.status IN (?,?) AND "
                             "(r.created_at < me.created_at OR (r.created_at = me.created_at AND r.run_id < me.run_id)) "
                             "ORDER BY r.created_at", (self.run_id, rs.NOT_STARTED, rs.QUEUED)).fetchall()
        for row in rows:
            if RunLock(self.layout.run_lock(row["run_id"])).is_held_elsewhere():
                return row["run_id"]
        return None

    def _slot_holder(self) -> str | None:
        with self.store.read() as c:
            row = c.execute("SELECT run_id FROM runs WHERE status IN (?,?,?) AND run_id != ? ORDER BY started_at LIMIT 1",
                            (rs.PREPARING, rs.RUNNING, rs.FINALIZING, self.run_id)).fetchone()
        return f"run {row['run_id'][:8]}" if row else None

    # -- running -----------------------------------------------------------------------------
    def run(self) -> str:
        status, error = rs.FAILED, None
        try:
            self.wait_for_slot()
            self.set_run(status=rs.PREPARING, started_at=time.time(), phase="preparing: resolving the dataset")
            row = self._run_row()
            planner = StepPlanner(self.backend, row, parse_spec(row["spec_yaml"]))
            for step in self.steps():
                if self.cancel_requested():
                    raise RunCanceled()
                outcome = self.run_step(planner, step)
                if outcome.status != rs.COMPLETED:
                    status, error = outcome.status, outcome.error
                    break
            else:
                status = rs.COMPLETED
        except RunCanceled:
            status = rs.CANCELED
        except Exception as exc:  # noqa: BLE001 - the run must end Failed with the reason
            traceback.print_exc()
            status, error = rs.FAILED, f"executor error: {type(exc).__name__}: {exc}"
        finally:
            self.finish(status, error)
            if self.slot is not None:
                self.slot.release()
        return status

    def finish(self, status: str, error: str | None) -> None:
        now = time.time()
        reason = {rs.CANCELED: "not run: the run was canceled",
                  rs.FAILED: "not run: an earlier step failed"}.get(status, "not run")
        with self.store.write() as c:
            c.execute("UPDATE step_runs SET status=?, ended_at=?, error=COALESCE(error, ?) "
                      "WHERE parent_run_id=? AND status IN (?,?,?,?)",
                      (rs.CANCELED, now, reason, self.run_id, rs.NOT_STARTED, rs.QUEUED, rs.RUNNING,
                       rs.CANCEL_REQUESTED))
            c.execute("UPDATE runs SET status=?, ended_at=?, error=?, phase=? WHERE run_id=?",
                      (status, now, error, "" if status == rs.COMPLETED else status.lower(), self.run_id))

    def run_step(self, planner: StepPlanner, step) -> StepOutcome:
        name, step_id = step["name"], step["run_id"]
        try:
            plan = planner.plan(name, step_id)
        except (OSError, UserInputError) as exc:
            return self._fail_step(step_id, f"step '{name}' could not start: {_reason(exc)}")
        if plan.reused_from is not None:
            self.set_step(step_id, status=rs.COMPLETED, reused=1, reused_from=plan.reused_from["run_id"],
                          reuse_key=plan.reuse_key, started_at=time.time(), ended_at=time.time(),
                          outputs=json.loads(plan.reused_from["outputs"]))
            planner.record_outputs(name, json.loads(plan.reused_from["outputs"]))
            if name == "automl":
                self._inherit_automl_results(plan.reused_from["parent_run_id"])
            self.set_run(status=rs.RUNNING, phase=f"{name}: reused the outputs of an earlier run")
            return StepOutcome(rs.COMPLETED)
        phase = "finalizing: registering the model" if name == "register" else f"running step {name}"
        self.set_run(status=rs.FINALIZING if name == "register" else rs.RUNNING, phase=phase)
        log_path = Path(step["log_path"])
        try:
            proc = plan.start(log_path)
        except OSError as exc:
            return self._fail_step(step_id, f"step '{name}' could not start: {_reason(exc)}")
        self.set_step(step_id, status=rs.RUNNING, started_at=time.time(), reuse_key=plan.reuse_key,
                      pid=proc.pid, pid_created=create_time(proc.pid))
        tail = EventTail(plan.events_path, self.store, step_id, self.run_id) if plan.events_path else None
        canceled = self._supervise(proc, plan, tail)
        if tail is not None:
            tail.ingest()
        now = time.time()
        if canceled:
            planner.after_cancel(name, step_id)
            self.set_step(step_id, status=rs.CANCELED, ended_at=now, error="canceled by the user", pid=None)
            raise RunCanceled()
        if proc.returncode != 0:
            error = f"step '{name}' failed (exit code {proc.returncode}): {_last_line(log_path)}"
            self.set_step(step_id, status=rs.FAILED, ended_at=now, error=error, pid=None)
            return StepOutcome(rs.FAILED, error)
        try:
            outputs = planner.complete(name, step_id)
        except (OSError, UserInputError) as exc:
            return self._fail_step(step_id, f"step '{name}' failed: {_reason(exc)}")
        self.set_step(step_id, status=rs.COMPLETED, ended_at=time.time(), outputs=outputs, pid=None)
        return StepOutcome(rs.COMPLETED)

    def _fail_step(self, step_id: str, error: str) -> StepOutcome:
        self.set_step(step_id, status=rs.FAILED, ended_at=time.time(), error=error, pid=None)
        return StepOutcome(rs.FAILED, error)

    def _inherit_automl_results(self, source_run_id: str) -> None:
        """A reused AutoML step brings its best iteration and stop reason with it."""
        with self.store.write() as c:
            src = c.execute("SELECT best_metric, best_iteration, properties FROM runs WHERE run_id=?",
                            (source_run_id,)).fetchone()
            mine = c.execute("SELECT properties FROM runs WHERE run_id=?", (self.run_id,)).fetchone()
            props = json.loads(mine["properties"])
            inherited = json.loads(src["properties"])
            for key in ("stop_reason", "search_seconds"):
                if key in inherited:
                    props[key] = inherited[key]
            props["automl_reused_from_run"] = source_run_id
            c.execute("UPDATE runs SET best_metric=?, best_iteration=?, properties=? WHERE run_id=?",
                      (src["best_metric"], src["best_iteration"], json.dumps(props), self.run_id))

    def _supervise(self, proc, plan, tail) -> bool:
        """Wait for the step; True when it was stopped because of a cancel request."""
        next_check = 0.0
        while proc.poll() is None:
            if tail is not None:
                tail.ingest()
            now = time.monotonic()
            if now >= next_check:
                next_check = now + 0.2
                if self.cancel_requested():
                    self._stop(proc, plan, tail)
                    return True
                if plan.deadline is not None and time.time() > plan.deadline:
                    print("step exceeded its time limit by far; stopping it", file=sys.stderr)
                    self._stop(proc, plan, tail)
                    return False
            time.sleep(POLL_S)
        return False

    def _stop(self, proc, plan, tail) -> None:
        if plan.stop_file is not None:
            plan.stop_file.touch()
            end = time.monotonic() + CANCEL_GRACE_S
            while proc.poll() is None and time.monotonic() < end:
                if tail is not None:
                    tail.ingest()
                time.sleep(0.05)
        if proc.poll() is None:
            kill_tree(proc.pid)
            proc.wait()


def _reason(exc: Exception) -> str:
    return disk_problem(exc) if isinstance(exc, OSError) else str(exc)


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no log"
    return lines[-1].strip() if lines else "no output"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="automl-desk-executor")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--lock-fd", type=int)
    parser.add_argument("--max-concurrent-runs", type=int, default=1)
    args = parser.parse_args(argv)
    from app.backends.local.workspace import LocalBackend

    backend = LocalBackend(Path(args.workspace), recover=False)
    lock_path = backend.layout.run_lock(args.run_id)
    lock = RunLock.adopt(lock_path, args.lock_fd) if args.lock_fd is not None else RunLock(lock_path)
    if args.lock_fd is None and not lock.acquire():
        print(f"run {args.run_id} already has an executor", file=sys.stderr)
        return 2
    try:
        status = Executor(backend, args.run_id, args.max_concurrent_runs).run()
    finally:
        lock_path.unlink(missing_ok=True)  # while still held: the run's row is already terminal
        lock.release()
    return 0 if status == rs.COMPLETED else 1


if __name__ == "__main__":
    sys.exit(main())
