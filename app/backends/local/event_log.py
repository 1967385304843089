"""Turns the AutoML step's JSON-lines event log into iteration records, as lines arrive."""
from __future__ import annotations

import json
from pathlib import Path

from app.core import catalog
from app.core import runs as rs


class EventTail:
    """Reads complete new lines of an event file and writes them to the store in one transaction."""

    def __init__(self, path: Path, store, step_run_id: str, run_id: str):
        self.path, self.store = Path(path), store
        self.step_run_id, self.run_id = step_run_id, run_id
        self.offset = 0
        self.finished: dict | None = None

    def read_new(self) -> list[dict]:
        if not self.path.is_file():
            return []
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = fh.read()
        end = data.rfind(b"\n")
        if end < 0:
            return []
        self.offset += end + 1
        events = []
        for line in data[:end].splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
        return events

    def ingest(self) -> int:
        events = self.read_new()
        if not events:
            return 0
        with self.store.write() as c:
            run = c.execute("SELECT primary_metric, best_metric, properties FROM runs WHERE run_id=?",
                            (self.run_id,)).fetchone()
            metric, best = run["primary_metric"], run["best_metric"]
            best_iteration = None
            props = json.loads(run["properties"])
            phase = None
            for e in events:
                kind = e.get("event")
                if kind == "iteration":
                    c.execute("INSERT OR REPLACE INTO iterations VALUES (?,?,?,?,?,?,?,?,?,?)",
                              (e["run_id"], self.step_run_id, int(e["iteration"]),
                               rs.normalize_status(e.get("status", rs.COMPLETED)), e.get("run_algorithm", ""),
                               e.get("run_preprocessor", ""), json.dumps(e.get("hyperparameters", {}), default=str),
                               json.dumps(e.get("metrics", {})), e.get("duration_s"), int(bool(e.get("seeded")))))
                    value = e.get("metrics", {}).get(metric)
                    if isinstance(value, (int, float)) and (best is None or catalog.better(metric, value, best)):
                        best, best_iteration = value, int(e["iteration"])
                    phase = f"model selection: iteration {e['iteration']} finished"
                elif kind == "status":
                    phase = e.get("message") or e.get("phase", "")
                elif kind == "warning":
                    props.setdefault("warnings", []).append(str(e.get("message", "")))
                elif kind == "finished":
                    self.finished = e
                    props["stop_reason"] = e.get("stop_reason")
                    props["search_seconds"] = e.get("search_seconds")
            if best_iteration is not None:
                c.execute("UPDATE runs SET best_metric=?, best_iteration=? WHERE run_id=?",
                          (best, best_iteration, self.run_id))
            if phase:
                c.execute("UPDATE runs SET phase=? WHERE run_id=? AND status != ?",
                          (phase, self.run_id, rs.CANCEL_REQUESTED))
            c.execute("UPDATE runs SET properties=? WHERE run_id=?", (json.dumps(props), self.run_id))
        return len(events)
