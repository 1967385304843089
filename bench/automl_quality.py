"""Local AutoML engine vs FLAML called directly vs HistGradientBoosting defaults (and AutoGluon).

    python bench/automl_quality.py [--budget 30] [--seeds 3] [--datasets a,b] [--cores 2]
    AUTOGLUON_PYTHON=/path/to/ag-venv/bin/python python bench/automl_quality.py ...

Each dataset is split 75/25 with three seeds; every method trains on the same training rows
for the same wall-clock budget and is scored once on the test rows (AUC_weighted for
classification, r2_score for regression). Prints every score, the median per method, the
deltas of the local engine against the others and the mean delta.

AutoGluon (`medium_quality`) joins as a peer when AUTOGLUON_PYTHON names an interpreter of a
separate environment that has `autogluon.tabular` (it pins its own numpy and friends, so it
never goes into this project's environment); `bench/autogluon_peer.py` runs there.

Time to quality: the seconds each system needed until its best validation score so far came
within QUALITY_MARGIN of its own final validation score — for the local engine from reading
the data (its events: iterations, and the VotingEnsemble it keeps ready during the search;
interpreter and imports not counted), for FLAML from fit start (its
trial log) and for AutoGluon from its cumulative per-model fit and validation times (its
leaderboard, in fit order; imports and preprocessing not counted). HistGradientBoosting trains one model: its wall time.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as skd
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.spec import AutoMLSettings  # noqa: E402

LABEL = "target"
QUALITY_MARGIN = 0.002


def _frame(X, y) -> pd.DataFrame:
    df = pd.DataFrame(X).rename(columns=str)
    df[LABEL] = y
    return df


def titanic() -> pd.DataFrame:
    df = pd.read_csv(ROOT / "resources" / "titanic.csv").drop(columns=["PassengerId", "Name", "Ticket", "Cabin"])
    return df.rename(columns={"Survived": LABEL})


def messy(seed: int = 0, rows: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    city = rng.choice([f"c{i}" for i in range(30)], rows)
    kind = rng.choice(["a", "b", "c", "d"], rows)
    x1, x2 = rng.normal(size=rows), rng.exponential(size=rows)
    effect = {f"c{i}": rng.normal() for i in range(30)}
    logit = x1 - 0.8 * x2 + np.array([effect[c] for c in city]) + (kind == "b") * 1.2
    df = pd.DataFrame({"x1": x1, "x2": x2, "city": city, "kind": kind})
    df[LABEL] = (logit + rng.logistic(size=rows) > 0).astype(int)
    for col in ("x1", "x2", "city"):
        df.loc[rng.choice(rows, rows // 10, replace=False), col] = np.nan
    return df


def series(rows: int = 1200) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    t = np.arange(rows + 24)
    y = 10 + 0.01 * t + 3 * np.sin(2 * np.pi * t / 24) + rng.normal(scale=0.7, size=len(t))
    df = pd.DataFrame({f"lag{k}": np.roll(y, k) for k in (1, 2, 3, 24)})
    df["hour"] = t % 24
    df[LABEL] = y
    return df.iloc[24:].reset_index(drop=True)


DATASETS = {
    "breast_cancer": ("classification", lambda: _frame(*skd.load_breast_cancer(return_X_y=True))),
    "iris": ("classification", lambda: _frame(*skd.load_iris(return_X_y=True))),
    "wine": ("classification", lambda: _frame(*skd.load_wine(return_X_y=True))),
    "digits": ("classification", lambda: _frame(*skd.load_digits(return_X_y=True)).sample(1000, random_state=0)),
    "titanic": ("classification", titanic),
    "synth_binary": ("classification", lambda: _frame(*skd.make_classification(2000, 20, n_informative=8,
                                                                               random_state=0))),
    "synth_messy": ("classification", messy),
    "diabetes": ("regression", lambda: _frame(*skd.load_diabetes(return_X_y=True))),
    "friedman1": ("regression", lambda: _frame(*skd.make_friedman1(1500, noise=1.0, random_state=0))),
    "series": ("regression", series),
}


def score(task: str, y_true, pred) -> float:
    if task == "regression":
        return float(r2_score(y_true, pred))
    if pred.shape[1] == 2:
        return float(roc_auc_score(y_true, pred[:, 1]))
    return float(roc_auc_score(y_true, pred, multi_class="ovr", average="weighted"))


def _time_to_quality(points: list[tuple[float, float]]) -> float | None:
    """First time whose best-so-far score (larger is better) is within QUALITY_MARGIN of the final best."""
    if not points:
        return None
    best, running = max(v for _, v in points), -np.inf
    for seconds, value in sorted(points):
        running = max(running, value)
        if running >= best - QUALITY_MARGIN:
            return seconds
    return None


def run_local(task, train, test, budget, seed, cores):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train.to_parquet(tmp / "train.parquet")
        settings = dataclasses.asdict(AutoMLSettings(
            task=task, label_column_name=LABEL, iterations=1000, experiment_timeout_minutes=budget / 60,
            primary_metric="AUC_weighted" if task == "classification" else "r2_score",
            max_cores_per_iteration=cores, local={"warm_start": False}))
        settings["seed"] = seed
        (tmp / "settings.json").write_text(json.dumps(settings))
        started = time.time()
        subprocess.run([sys.executable, "-m", "app.backends.local.automl_step", "--data", str(tmp / "train.parquet"),
                        "--settings", str(tmp / "settings.json"), "--output-dir", str(tmp / "out"),
                        "--step-run-id", "B", "--events", str(tmp / "events.jsonl"), "--stop-file", str(tmp / "stop")],
                       cwd=ROOT, check=True, stderr=subprocess.DEVNULL)
        with open(tmp / "out" / "model_data", "rb") as fh:
            model = pickle.load(fh)
        events = [json.loads(line) for line in (tmp / "events.jsonl").read_text().splitlines()]
    # from the first status event (reading the data), so interpreter and library imports are not
    # counted, as they are not for the peers
    started = next((e["time"] for e in events if e.get("event") == "status"), started)
    # the VotingEnsemble kept ready during the search counts from when it is written: a run
    # canceled or stopped then ends with it as its model
    points = [(e["time"] - started, e["best_so_far"]) for e in events
              if e.get("event") == "iteration" and e.get("best_so_far") is not None and "time" in e]
    points += [(e["time"] - started, e["value"]) for e in events
               if e.get("event") == "ensemble_ready" and "time" in e]
    X = test.drop(columns=[LABEL])
    return (model.predict(X) if task == "regression" else model.predict_proba(X)), _time_to_quality(points)


def _categorical(X: pd.DataFrame) -> pd.DataFrame:
    X = X.copy()
    for col in X.columns:
        if X[col].dtype == object:
            X[col] = X[col].astype("category")
    return X


def run_flaml(task, train, test, budget, seed, cores):
    from flaml import AutoML
    from flaml.automl.training_log import training_log_reader

    automl = AutoML()
    n_classes = train[LABEL].nunique()
    metric = "r2" if task == "regression" else ("roc_auc" if n_classes == 2 else "roc_auc_ovr_weighted")
    with tempfile.TemporaryDirectory() as tmp:
        log = str(Path(tmp) / "flaml.log")
        automl.fit(train.drop(columns=[LABEL]), train[LABEL], task=task, time_budget=budget, metric=metric,
                   seed=seed, n_jobs=cores, verbose=0, log_file_name=log, log_type="all")
        with training_log_reader(log) as reader:
            points = [(r.wall_clock_time, 1 - r.validation_loss) for r in reader.records()]
    X = test.drop(columns=[LABEL])
    return (automl.predict(X) if task == "regression" else automl.predict_proba(X)), _time_to_quality(points)


def run_hgb(task, train, test, budget, seed, cores):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    started = time.time()
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    model = cls(categorical_features="from_dtype", random_state=seed)
    model.fit(_categorical(train.drop(columns=[LABEL])), train[LABEL])
    X = _categorical(test.drop(columns=[LABEL]))
    return (model.predict(X) if task == "regression" else model.predict_proba(X)), time.time() - started


def run_autogluon(task, train, test, budget, seed, cores):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train.to_parquet(tmp / "train.parquet")
        test.to_parquet(tmp / "test.parquet")
        subprocess.run([os.environ["AUTOGLUON_PYTHON"], str(ROOT / "bench" / "autogluon_peer.py"),
                        "--train", str(tmp / "train.parquet"), "--test", str(tmp / "test.parquet"), "--label", LABEL,
                        "--task", task, "--budget", str(budget), "--seed", str(seed), "--cores", str(cores),
                        "--out", str(tmp)], check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        pred = np.load(tmp / "pred.npy")
        trajectory = json.loads((tmp / "trajectory.json").read_text())
    return pred, _time_to_quality([(p["seconds"], p["best_val"]) for p in trajectory["points"]])


METHODS = {"local": run_local, "flaml": run_flaml, "hgb": run_hgb, "autogluon": run_autogluon}


def default_methods() -> str:
    return ",".join(m for m in METHODS if m != "autogluon" or os.environ.get("AUTOGLUON_PYTHON"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per method and split")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--methods", default=default_methods(),
                        help="a subset of local,flaml,hgb,autogluon (autogluon needs AUTOGLUON_PYTHON)")
    args = parser.parse_args()
    rows, ttq_rows = [], []
    for name in args.datasets.split(","):
        task, load = DATASETS[name]
        frame = load().reset_index(drop=True)
        methods = {m: METHODS[m] for m in args.methods.split(",")}
        scores = {m: [] for m in methods}
        ttq = {m: [] for m in methods}
        for seed in range(args.seeds):
            strat = frame[LABEL] if task == "classification" else None
            train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=strat)
            labels = sorted(train[LABEL].unique()) if task == "classification" else None
            y_test = test[LABEL] if labels is None else test[LABEL].map({c: i for i, c in enumerate(labels)})
            for method, fn in methods.items():
                started = time.time()
                pred, seconds = fn(task, train, test, args.budget, seed, args.cores)
                scores[method].append(score(task, y_test, np.asarray(pred)))
                ttq[method].append(np.nan if seconds is None else seconds)
                print(f"{name:<14} seed {seed} {method:<9} {scores[method][-1]:.4f}  ({time.time() - started:.1f}s, "
                      f"quality at {ttq[method][-1]:.1f}s)", file=sys.stderr, flush=True)
        medians = {m: float(np.median(v)) for m, v in scores.items()}
        deltas = {f"d_{m}": medians["local"] - medians[m] for m in medians if m != "local" and "local" in medians}
        rows.append({"dataset": name, "task": task, **medians, **deltas})
        ttq_rows.append({"dataset": name, **{m: float(np.nanmedian(v)) if not np.all(np.isnan(v)) else np.nan
                                             for m, v in ttq.items()}})
    table = pd.DataFrame(rows)
    print(f"budget {args.budget:g} s, {args.seeds} seeded splits (median), {args.cores} cores, "
          f"load average {os.getloadavg()[0]:.1f}; AUC_weighted (classification) / r2_score (regression) "
          "on the test split")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    for peer, label in (("flaml", "FLAML"), ("hgb", "HistGradientBoosting"), ("autogluon", "AutoGluon")):
        if f"d_{peer}" in table:
            d = table[f"d_{peer}"]
            print(f"mean delta vs {label}: {d.mean():+.4f}   worst: {d.min():+.4f}   "
                  f"ahead on {(d > 0).sum()} of {len(d)}, level on {(d == 0).sum()}")
    times = pd.DataFrame(ttq_rows)
    print(f"\ntime to quality (s, median over splits): best validation score within {QUALITY_MARGIN} "
          "of the system's own final one")
    print(times.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print("median over sets: " + ", ".join(f"{m} {times[m].median():.1f}s" for m in times.columns if m != "dataset"))

if __name__ == "__main__":
    main()
