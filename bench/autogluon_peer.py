"""AutoGluon as a comparison peer, run by its own interpreter (AUTOGLUON_PYTHON), never the project's.

    $AUTOGLUON_PYTHON bench/autogluon_peer.py --train T.parquet --test S.parquet --label L
        --task classification|regression --budget SECONDS --seed N --cores N --out DIR

Writes DIR/pred.npy (class probabilities in sorted label order, or values) and
DIR/trajectory.json: per model in fit order, the cumulative training time and the best
validation score so far, so the caller can tell when AutoGluon came within a margin of its
own final validation score. Imports only AutoGluon, numpy and pandas.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("train", "test", "label", "task", "out"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--budget", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--presets", default="medium_quality")
    args = parser.parse_args()
    from autogluon.tabular import TabularPredictor

    out = Path(args.out)
    train, test = pd.read_parquet(args.train), pd.read_parquet(args.test)
    classes = sorted(train[args.label].unique()) if args.task == "classification" else None
    if classes is None:
        problem, metric = "regression", "r2"
    else:
        problem = "binary" if len(classes) == 2 else "multiclass"
        metric = "roc_auc" if problem == "binary" else "roc_auc_ovr_weighted"
    started = time.time()
    predictor = TabularPredictor(label=args.label, problem_type=problem, eval_metric=metric, path=str(out / "ag"),
                                 verbosity=0)
    predictor.fit(train, time_limit=args.budget, presets=args.presets, num_cpus=args.cores,
                  ag_args_fit={"random_seed": args.seed})
    wall = time.time() - started
    X = test.drop(columns=[args.label])
    if classes is None:
        pred = np.asarray(predictor.predict(X), dtype=float)
    else:
        pred = predictor.predict_proba(X)[classes].to_numpy(dtype=float)
    np.save(out / "pred.npy", pred)
    board = predictor.leaderboard(extra_info=False)
    order = "fit_order" if "fit_order" in board.columns else None
    board = board.sort_values(order) if order else board.sort_values("fit_time_marginal")
    elapsed, best, points = 0.0, -np.inf, []
    for _, row in board.iterrows():
        elapsed += float(row.get("fit_time_marginal") or 0.0) + float(row.get("pred_time_val_marginal") or 0.0)
        best = max(best, float(row["score_val"]))
        points.append({"model": str(row["model"]), "seconds": elapsed, "best_val": best})
    (out / "trajectory.json").write_text(json.dumps({"wall": wall, "points": points}))


if __name__ == "__main__":
    main()
