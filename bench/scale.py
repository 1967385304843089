"""The AutoML step at growing data sizes: does it keep its budget, how far does it search?

    python bench/scale.py [--sizes 10000,100000,1000000] [--budget 60] [--columns 20]
                          [--cores 2] [--slow] [--iteration-timeout S] [--reference N] [--keep DIR]
                          [--forecasting]

Each size is a synthetic binary task (numeric columns, two categorical ones, some gaps), or
with `--forecasting` daily store series of 1,000 points with a promo covariate forecast 14 days
ahead, written to Parquet and run through `python -m app.backends.local.automl_step` with the
default learners, experiment timeout = --budget. `--slow` adds a second run per size with
only RandomForest and ExtremeRandomTrees, 5-fold cross-validation and an iteration timeout of
half the budget (the case where single iterations used to overrun). `--reference N` adds a
run per size stopped after N iterations (`iterations: N`), the yardstick a longer search's
score should not fall below. `--keep DIR` keeps each step's output folder, events and log
there. Prints per run: step wall
time against budget + 5 % (+ 3 s), iterations (of them timed out), best validation score,
the stop reason, peak RSS of the step process, and what the step skipped to keep the budget;
with `--forecasting` also the seconds the saved model takes to forecast its whole horizon of
every series.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.backends.local.automl.budget import SLACK_SECONDS, SLACK_SHARE  # noqa: E402
from app.core.spec import AutoMLSettings  # noqa: E402

LABEL = "target"


def synthetic(rows: int, columns: int, seed: int = 0) -> pd.DataFrame:
    """A learnable binary label from a few informative columns, interactions and categories."""
    rng = np.random.default_rng(seed)
    numeric = columns - 2
    X = rng.normal(size=(rows, numeric)).astype(np.float32)
    city = rng.integers(0, 40, rows)
    kind = rng.integers(0, 4, rows)
    effect = rng.normal(size=40)
    logit = (X[:, 0] - 0.7 * X[:, 1] + 0.5 * X[:, 2] * X[:, 3] + np.sin(2 * X[:, 4])
             + effect[city] + 0.8 * (kind == 2))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(numeric)])
    frame["city"] = pd.Categorical.from_codes(city, [f"c{i}" for i in range(40)]).astype(str)
    frame["kind"] = np.array(["a", "b", "c", "d"])[kind]
    frame.loc[rng.random(rows) < 0.05, "x5"] = np.nan
    frame[LABEL] = (logit + rng.logistic(size=rows) > 0).astype(int)
    return frame


def synthetic_series(rows: int, length: int = 1000, seed: int = 0) -> pd.DataFrame:
    """rows // length daily series of `length` points: level, trend, weekly and yearly seasons, a
    promo covariate that lifts sales, and noise."""
    rng = np.random.default_rng(seed)
    count = max(1, rows // length)
    t = np.arange(length)
    dates = pd.date_range("2020-01-01", periods=length, freq="D").strftime("%Y-%m-%d")
    frames = []
    for i in range(count):
        promo = (rng.random(length) < 0.1).astype(float)
        y = (rng.uniform(50, 500) + rng.normal(0, 0.05) * t + 10 * np.sin(2 * np.pi * t / 7 + rng.uniform(0, 6))
             + 20 * np.sin(2 * np.pi * t / 365.25) + 15 * promo + rng.normal(0, 3, length))
        frames.append(pd.DataFrame({"date": dates, "store": f"s{i:04d}", "promo": promo, LABEL: y.round(2)}))
    return pd.concat(frames, ignore_index=True)


def run_step(data: Path, tmp: Path, name: str, settings: AutoMLSettings) -> dict:
    values = dataclasses.asdict(settings)
    values["seed"] = 0
    (tmp / f"{name}.json").write_text(json.dumps(values))
    out = tmp / f"{name}_out"
    events = tmp / f"{name}_events.jsonl"
    args = [sys.executable, "-m", "app.backends.local.automl_step", "--data", str(data),
            "--settings", str(tmp / f"{name}.json"), "--output-dir", str(out), "--step-run-id", name,
            "--events", str(events), "--stop-file", str(tmp / f"{name}.stop")]
    shutil.rmtree(out, ignore_errors=True)     # a kept folder from an earlier run
    events.unlink(missing_ok=True)
    started = time.time()
    with open(tmp / f"{name}.log", "wb") as log:
        proc = subprocess.Popen(args, cwd=ROOT, stderr=log, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.time() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    iterations = [json.loads(line) for line in events.read_text().splitlines()] if events.exists() else []
    iterations = [e for e in iterations if e.get("event") == "iteration"]
    return {"exit": proc.returncode, "wall": wall, "rss_gb": usage.ru_maxrss / 2**20,
            "predict_s": _next_horizon_seconds(out / "model_data") if settings.task == "forecasting" else None,
            "iterations": len(iterations), "timed_out": sum(bool(e.get("timed_out")) for e in iterations),
            "best": summary.get("best_metric"), "stop": summary.get("stop_reason"),
            "algorithm": summary.get("best_algorithm"), "skipped": summary.get("skipped") or []}


def _next_horizon_seconds(model_file: Path) -> float | None:
    """Seconds the saved forecasting model takes to forecast its whole horizon of every series,
    with intervals (what Predict's "next N periods" does)."""
    import pickle

    if not model_file.is_file():
        return None
    with open(model_file, "rb") as fh:
        model = pickle.load(fh)
    future = model.future_frame(model.horizon)
    started = time.time()
    model.predict_with_interval(future)
    return time.time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--budget", type=float, default=60.0, help="experiment timeout in seconds")
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--cores", type=int, default=2, help="max_cores_per_iteration")
    parser.add_argument("--slow", action="store_true", help="also run RandomForest/ExtremeRandomTrees with 5 folds")
    parser.add_argument("--reference", type=int, default=None, metavar="N",
                        help="also run each size stopped after N iterations, to compare the scores")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the steps' outputs, events and logs in DIR (for a look at a slow or odd run)")
    parser.add_argument("--forecasting", action="store_true",
                        help="daily series of 1,000 points (rows / 1,000 of them) forecast 14 days ahead "
                             "instead of the binary task")
    parser.add_argument("--iteration-timeout", type=float, default=None,
                        help="seconds per iteration for the --slow runs (default: half the budget)")
    args = parser.parse_args()
    limit = args.budget * (1 + SLACK_SHARE) + SLACK_SECONDS
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = args.keep
        for size in (int(s) for s in args.sizes.split(",")):
            data = tmp / f"data_{size}.parquet"
            (synthetic_series(size) if args.forecasting else synthetic(size, args.columns)).to_parquet(data)
            task = {"task": "forecasting", "primary_metric": "normalized_root_mean_squared_error",
                    "forecasting": {"time_column_name": "date", "time_series_id_column_names": ["store"],
                                    "forecast_horizon": 14}} if args.forecasting else {}
            runs = {"default": AutoMLSettings(label_column_name=LABEL, experiment_timeout_minutes=args.budget / 60,
                                              max_cores_per_iteration=args.cores, local={"warm_start": False},
                                              **task)}
            if args.slow:
                per = args.iteration_timeout or args.budget / 2
                runs["slow"] = AutoMLSettings(
                    label_column_name=LABEL, experiment_timeout_minutes=args.budget / 60,
                    iteration_timeout_minutes=per / 60, n_cross_validations=5,
                    allowed_models=["RandomForest", "ExtremeRandomTrees"], max_cores_per_iteration=args.cores,
                    local={"warm_start": False}, **task)
            if args.reference:
                runs[f"{args.reference}-iter"] = dataclasses.replace(runs["default"], iterations=args.reference)
            for kind, settings in runs.items():
                result = run_step(data, tmp, f"{kind}_{size}", settings)
                result.update(rows=size, learners=kind, within=result["wall"] <= limit)
                rows.append(result)
                print(f"{size:>9} {kind:<8} wall {result['wall']:6.1f}s (limit {limit:.1f}s) "
                      f"iterations {result['iterations']} best {result['best']} stop {result['stop']} "
                      f"rss {result['rss_gb']:.2f} GB", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    print(f"budget {args.budget:g} s (limit with slack {limit:.1f} s), {args.columns} columns, "
          f"max_cores_per_iteration {args.cores}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    cols = ["rows", "learners", "exit", "wall", "within", "iterations", "timed_out", "best", "algorithm", "stop",
            "rss_gb"] + (["predict_s"] if args.forecasting else [])
    print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for r in rows:
        for message in r["skipped"]:
            print(f"  {r['rows']} {r['learners']}: {message}")


if __name__ == "__main__":
    main()
