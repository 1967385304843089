"""Chart artifacts in the shape of Azure's non-scalar metrics, from validation predictions.

Classification: `confusion_matrix` and `accuracy_table` (TP/FP/TN/FN per class at 101
probability thresholds and 101 percentiles: enough for ROC, precision-recall, lift, gains
and calibration). Regression: `residuals` (histogram) and `predicted_true` (binned means).
"""
from __future__ import annotations

import numpy as np

THRESHOLDS = np.linspace(0.0, 1.0, 101)
PERCENTILES = np.arange(101)
REGRESSION_BINS = 10


def confusion_matrix(y: np.ndarray, proba: np.ndarray, labels) -> dict:
    k = len(labels)
    pred = proba.argmax(axis=1)
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (y.astype(int), pred), 1)
    return {"schema_type": "confusion_matrix", "schema_version": "1.0.0",
            "data": {"class_labels": [str(c) for c in labels], "matrix": matrix.tolist()}}


def _counts(pos: np.ndarray, chosen: np.ndarray) -> list[int]:
    tp = int((pos & chosen).sum())
    fp = int((~pos & chosen).sum())
    return [tp, fp, int((~pos).sum()) - fp, int(pos.sum()) - tp]


def accuracy_table(y: np.ndarray, proba: np.ndarray, labels) -> dict:
    prob_tables, pct_tables = [], []
    n = len(y)
    for c in range(len(labels)):
        pos = y.astype(int) == c
        score = proba[:, c]
        prob_tables.append([_counts(pos, score >= t) for t in THRESHOLDS])
        order = np.argsort(-score, kind="stable")
        ranked = np.zeros(n, dtype=bool)
        rows = []
        for pct in PERCENTILES:
            ranked[:] = False
            ranked[order[:int(round(n * pct / 100))]] = True
            rows.append(_counts(pos, ranked))
        pct_tables.append(rows)
    return {"schema_type": "accuracy_table", "schema_version": "1.0.1",
            "data": {"class_labels": [str(c) for c in labels], "columns": ["tp", "fp", "tn", "fn"],
                     "probability_thresholds": THRESHOLDS.round(2).tolist(), "probability_tables": prob_tables,
                     "percentile_thresholds": PERCENTILES.tolist(), "percentile_tables": pct_tables}}


def residuals(y: np.ndarray, pred: np.ndarray) -> dict:
    res = y - pred
    counts, edges = np.histogram(res, bins=REGRESSION_BINS)
    return {"schema_type": "residuals", "schema_version": "1.0.0",
            "data": {"bin_edges": edges.tolist(), "bin_counts": counts.tolist(), "mean": float(res.mean()),
                     "stddev": float(res.std()), "res_count": int(len(res))}}


def predicted_true(y: np.ndarray, pred: np.ndarray) -> dict:
    edges = np.histogram_bin_edges(y, bins=REGRESSION_BINS)
    which = np.clip(np.digitize(y, edges[1:-1]), 0, REGRESSION_BINS - 1)
    averages, errors, counts = [], [], []
    for b in range(REGRESSION_BINS):
        inside = pred[which == b]
        counts.append(int(len(inside)))
        averages.append(float(inside.mean()) if len(inside) else None)
        errors.append(float(inside.std()) if len(inside) else None)
    return {"schema_type": "predictions", "schema_version": "1.0.0",
            "data": {"bin_edges": edges.tolist(), "bin_averages": averages, "bin_errors": errors,
                     "bin_counts": counts}}


def chart_artifacts(y: np.ndarray, pred: np.ndarray, classes) -> dict[str, dict]:
    if classes is None:
        y, pred = np.asarray(y, dtype=float), np.asarray(pred, dtype=float)
        return {"residuals": residuals(y, pred), "predicted_true": predicted_true(y, pred)}
    labels = classes.tolist()
    return {"confusion_matrix": confusion_matrix(y, pred, labels), "accuracy_table": accuracy_table(y, pred, labels)}
