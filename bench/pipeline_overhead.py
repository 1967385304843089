"""Pipeline overhead of the local workspace.

Prints, as medians over --repeats runs (reuse off, caches warm after one unmeasured run):
- the demo pipeline's wall time minus the AutoML search time the engine reports (target < 3 s);
- the ratio of the demo pipeline's wall time to one script that imports FLAML and runs the same
  search on the same prepared data with the same time budget (target < 1.15).

    python bench/pipeline_overhead.py [--budget 60] [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from app import locator
from app.backends.local.workspace import LocalBackend
from app.core import runs as rs
from app.core.spec import load_spec

FLAML_SCRIPT = textwrap.dedent("""
    import sys
    import pandas as pd
    from flaml import AutoML
    data = pd.read_parquet(sys.argv[1])
    y = data.pop("Survived")
    automl = AutoML()
    automl.fit(data, y, task="classification", metric="roc_auc", eval_method="cv", n_splits=5,
               time_budget=float(sys.argv[2]), max_iter=1000, seed=42, verbose=0)
    print(automl.best_estimator, 1 - automl.best_loss)
""")


def run_pipeline(backend: LocalBackend, budget: float) -> tuple[float, float, str, dict]:
    spec = load_spec(locator.example_spec())
    spec.data_prep.allow_reuse = spec.automl.allow_reuse = False
    spec.automl.iterations = 1000
    spec.automl.enable_early_stopping = False  # both sides use the whole budget
    spec.automl.experiment_timeout_hours = None
    spec.automl.iteration_timeout_minutes = None
    spec.automl.experiment_timeout_minutes = budget / 60
    start = time.perf_counter()
    run_id = backend.submit(spec)
    while not rs.is_terminal((run := backend.get_run(run_id)).status):
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if run.status != rs.COMPLETED:
        raise SystemExit(f"pipeline run ended {run.status}: {run.error}")
    steps = {s.name: round(s.duration_s, 2) for s in run.steps}
    return wall, float(run.properties.get("search_seconds") or 0.0), run.run_id, steps


def run_flaml(prepared: Path, budget: float) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLAML_SCRIPT, str(prepared), str(budget)], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="search time budget in seconds")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        backend = LocalBackend(Path(tmp) / "ws")
        backend.register_dataset("titanic_ds", [str(locator.sample_dataset())])
        print("warm-up run (not measured)…", flush=True)
        _, _, warm_id, _ = run_pipeline(backend, min(args.budget, 10))
        prepared = Path(backend.get_run(warm_id).step("data_prep").outputs["prepared_data"])
        walls, overheads, ratios = [], [], []
        for i in range(args.repeats):
            wall, search, _, steps = run_pipeline(backend, args.budget)
            flaml_wall = run_flaml(prepared, args.budget)
            walls.append(wall)
            overheads.append(wall - search)
            ratios.append(wall / flaml_wall)
            print(f"repeat {i + 1}: pipeline {wall:.2f} s (search {search:.2f} s, overhead {wall - search:.2f} s); "
                  f"FLAML script {flaml_wall:.2f} s; ratio {wall / flaml_wall:.3f}; steps {steps}", flush=True)
    print(json.dumps({"budget_s": args.budget, "repeats": args.repeats,
                      "pipeline_wall_median_s": round(statistics.median(walls), 2),
                      "overhead_median_s": round(statistics.median(overheads), 2),
                      "ratio_to_flaml_median": round(statistics.median(ratios), 3)}, indent=1))


if __name__ == "__main__":
    main()
