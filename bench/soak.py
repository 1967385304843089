"""Soak: many small pipelines back to back in one local workspace.

Prints failures (target 0), runs lost (target 0: every submitted run is found, terminal, with its
steps) and the memory of this app process across runs (target: flat).

    python bench/soak.py [--runs 50] [--iterations 4]
"""
from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path

import psutil

from app import locator
from app.backends.local.workspace import LocalBackend
from app.core import runs as rs
from app.core.spec import load_spec


def small_spec(iterations: int):
    spec = load_spec(locator.example_spec())
    spec.automl.iterations = iterations
    spec.automl.experiment_timeout_hours = None
    spec.automl.iteration_timeout_minutes = None
    spec.automl.experiment_timeout_minutes = 1
    spec.automl.n_cross_validations = 3
    spec.data_prep.allow_reuse = spec.automl.allow_reuse = False
    return spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=4)
    args = parser.parse_args()
    me = psutil.Process()
    rss_mb: list[float] = []
    submitted, failures = [], []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        backend = LocalBackend(Path(tmp) / "ws")
        backend.register_dataset("titanic_ds", [str(locator.sample_dataset())])
        spec = small_spec(args.iterations)
        for i in range(args.runs):
            run_id = backend.submit(spec)
            submitted.append(run_id)
            while not rs.is_terminal((run := backend.get_run(run_id)).status):
                backend.list_runs()  # browse while it runs, as the GUI's poller does
                time.sleep(0.1)
            if run.status != rs.COMPLETED:
                failures.append((run_id, run.status, run.error))
            gc.collect()
            rss_mb.append(me.memory_info().rss / 1e6)
            print(f"run {i + 1:>3}/{args.runs}: {run.status:<9} {run.duration_s:6.1f} s  rss {rss_mb[-1]:.1f} MB",
                  flush=True)
        found = {r.run_id: r for r in LocalBackend(Path(tmp) / "ws").list_runs()}
        lost = [rid for rid in submitted if rid not in found or not rs.is_terminal(found[rid].status)
                or len(found[rid].steps) != 3]
        versions = len(backend.list_models())
    tenth = max(1, len(rss_mb) // 10)
    print(json.dumps({
        "runs": args.runs, "failures": len(failures), "runs_lost": len(lost), "model_versions": versions,
        "wall_s": round(time.perf_counter() - start, 1),
        "rss_mb_first_10pct_median": round(sorted(rss_mb[:tenth])[tenth // 2], 1),
        "rss_mb_last_10pct_median": round(sorted(rss_mb[-tenth:])[tenth // 2], 1),
        "rss_mb_peak": round(max(rss_mb), 1),
    }, indent=1))
    for failure in failures:
        print("failure:", failure)


if __name__ == "__main__":
    main()
