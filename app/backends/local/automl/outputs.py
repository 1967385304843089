"""Everything the step writes: the events file and the output folder, each write atomic.

One lock serialises writers, so the stop-file watcher can finish the outputs from its own
thread while the search is mid-trial and never see a half-committed iteration. The finished
event seals them: the search thread, which no one can stop mid-fit, runs on until the process
ends, and nothing it writes after that event may change what the step's end said.
"""
from __future__ import annotations

import json
import math
import os
import pickle
import threading
import time
from pathlib import Path

from app.core.metrics import METRICS_FILE, MODEL_FILE, write_metrics_file

SUMMARY_FILE = "summary.json"
ARTIFACTS_DIR = "artifacts"


def jsonable(value):
    """numpy scalars/arrays and non-finite floats made JSON-safe (NaN/inf -> None)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Outputs:
    def __init__(self, output_dir: str | Path, events_path: str | Path):
        self.dir = Path(output_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / ARTIFACTS_DIR).mkdir(exist_ok=True)
        self.lock = threading.RLock()
        self.sealed = False
        Path(events_path).parent.mkdir(parents=True, exist_ok=True)
        self._events = open(events_path, "a", encoding="utf-8")

    def event(self, kind: str, **fields) -> None:
        with self.lock:
            if self.sealed:
                return
            self._events.write(json.dumps(jsonable({"event": kind, **fields})) + "\n")
            self._events.flush()

    def status(self, phase: str, message: str) -> None:
        self.event("status", phase=phase, message=message, time=time.time())

    def warning(self, message: str) -> None:
        self.event("warning", message=message)

    def finished(self, **fields) -> None:
        """The step's last event; every write after it is dropped."""
        with self.lock:
            self.event("finished", **fields)
            self.sealed = True

    def _atomic(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def write_model(self, model, name: str = MODEL_FILE) -> None:
        data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        with self.lock:
            if not self.sealed:
                self._atomic(self.dir / name, data)

    def promote_model(self, name: str) -> None:
        """Make the model file `name` (written earlier with write_model) the step's model_data."""
        with self.lock:
            if not self.sealed:
                os.replace(self.dir / name, self.dir / MODEL_FILE)

    def discard(self, name: str) -> None:
        with self.lock:
            (self.dir / name).unlink(missing_ok=True)

    def write_metrics(self, records) -> None:
        with self.lock:
            if not self.sealed:
                write_metrics_file(self.dir / METRICS_FILE, records)

    def write_json(self, relative: str, obj) -> None:
        data = json.dumps(jsonable(obj), indent=1).encode("utf-8")
        with self.lock:
            if not self.sealed:
                self._atomic(self.dir / relative, data)

    def write_summary(self, summary: dict) -> None:
        self.write_json(SUMMARY_FILE, summary)

    def write_artifact(self, name: str, obj) -> None:
        self.write_json(f"{ARTIFACTS_DIR}/{name}", obj)

    def close(self) -> None:
        with self.lock:
            self._events.close()
