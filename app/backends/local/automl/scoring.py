"""Azure's scalar metrics from predictions, and the loss FLAML minimises.

Classification works on class codes 0..k-1 and a probability matrix (n x k); regression on
true and predicted values. Names and directions follow `app.core.catalog`.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.stats import spearmanr
from sklearn import metrics as skm

from app.core import catalog



def classification_metrics(y: np.ndarray, proba: np.ndarray, n_classes: int,
                           positive: int | None = None, weight: np.ndarray | None = None) -> dict[str, float]:
    """Every scalar classification metric; `_binary` ones when `positive` (a class code) is given."""
    y = np.asarray(y, dtype=int)
    proba = np.clip(np.asarray(proba, dtype=float), 0.0, 1.0)
    pred = proba.argmax(axis=1)
    labels = list(range(n_classes))
    onehot = np.eye(n_classes)[y]
    out: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["accuracy"] = skm.accuracy_score(y, pred, sample_weight=weight)
        out["balanced_accuracy"] = skm.balanced_accuracy_score(y, pred, sample_weight=weight)
        counts = np.bincount(y, minlength=n_classes).astype(float)
        out["weighted_accuracy"] = float(np.average(pred == y, weights=counts[y]))
        macro_recall = skm.recall_score(y, pred, labels=labels, average="macro", zero_division=0)
        out["norm_macro_recall"] = max(0.0, (macro_recall - 1 / n_classes) / (1 - 1 / n_classes))
        out["log_loss"] = skm.log_loss(y, _renormalised(proba), labels=labels, sample_weight=weight)
        out["matthews_correlation"] = skm.matthews_corrcoef(y, pred, sample_weight=weight)
        present = [c for c in labels if 0 < counts[c] < len(y)]
        counted = _counted(y, pred, n_classes, weight)
        out.update(_precision_recall_f1(*counted))
        ranking = _ranking_metrics(onehot, proba, present, weight)
        out.update(ranking)
        if positive is not None and positive in present:
            out["AUC_binary"] = ranking[f"_auc_{positive}"]
            out["average_precision_score_binary"] = ranking[f"_ap_{positive}"]
            tp, fp, fn = (part[positive] for part in counted)
            out.update(_scores(tp, fp, fn, "binary"))
    return _finite({k: v for k, v in out.items() if not k.startswith("_")})


def _counted(y: np.ndarray, pred: np.ndarray, k: int, weight) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class true positives, false positives and false negatives (weighted), from one pass."""
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    hit = pred == y
    tp = np.bincount(y[hit], weights=w[hit], minlength=k)
    fp = np.bincount(pred[~hit], weights=w[~hit], minlength=k)
    fn = np.bincount(y[~hit], weights=w[~hit], minlength=k)
    return tp, fp, fn


def _ratio(top, bottom):
    """top / bottom, 0 where bottom is 0 (scikit-learn's zero_division=0)."""
    top, bottom = np.asarray(top, dtype=float), np.asarray(bottom, dtype=float)
    return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)


def _scores(tp, fp, fn, suffix: str) -> dict[str, float]:
    return {f"precision_score_{suffix}": float(_ratio(tp, tp + fp)), f"recall_score_{suffix}": float(_ratio(tp, tp + fn)),
            f"f1_score_{suffix}": float(_ratio(2 * tp, 2 * tp + fp + fn))}


def _precision_recall_f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1, macro/micro/weighted over every class, as scikit-learn averages them."""
    precision, recall, f1 = _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)
    support = tp + fn
    out = _scores(tp.sum(), fp.sum(), fn.sum(), "micro")
    for name, values in (("precision_score", precision), ("recall_score", recall), ("f1_score", f1)):
        out[f"{name}_macro"] = float(values.mean())
        out[f"{name}_weighted"] = float(np.average(values, weights=support)) if support.sum() > 0 else 0.0
    return out


def _ranking_metrics(onehot: np.ndarray, proba: np.ndarray, present: list[int], weight) -> dict[str, float]:
    """AUC and average precision, macro/weighted/micro, as scikit-learn averages them over the
    one-vs-rest columns — but each column scored once and reused for every average (and for the
    _binary ones, kept as `_auc_<c>`/`_ap_<c>`): on a 100,000-row holdout this halves the sorting."""
    if not present:
        return {}
    cols, scores = onehot[:, present], proba[:, present]
    auc = np.array([skm.roc_auc_score(cols[:, j], scores[:, j], sample_weight=weight) for j in range(len(present))])
    ap = np.array([skm.average_precision_score(cols[:, j], scores[:, j], sample_weight=weight)
                   for j in range(len(present))])
    support = cols.sum(axis=0) if weight is None else (cols * np.asarray(weight)[:, None]).sum(axis=0)
    flat_weight = None if weight is None else np.repeat(np.asarray(weight), len(present))
    out = {"AUC_macro": float(auc.mean()), "AUC_weighted": float(np.average(auc, weights=support)),
           "AUC_micro": skm.roc_auc_score(cols.ravel(), scores.ravel(), sample_weight=flat_weight),
           "average_precision_score_macro": float(ap.mean()),
           "average_precision_score_weighted": float(np.average(ap, weights=support)),
           "average_precision_score_micro": skm.average_precision_score(cols.ravel(), scores.ravel(),
                                                                        sample_weight=flat_weight)}
    for j, c in enumerate(present):
        out[f"_auc_{c}"], out[f"_ap_{c}"] = float(auc[j]), float(ap[j])
    return out


def _renormalised(proba: np.ndarray) -> np.ndarray:
    total = proba.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    return proba / total


def regression_metrics(y: np.ndarray, pred: np.ndarray, y_range: float,
                       weight: np.ndarray | None = None) -> dict[str, float]:
    """The 12 scalar regression metrics; normalised ones divide by the label range of the data."""
    y = np.asarray(y, dtype=float)
    pred = np.asarray(pred, dtype=float)
    span = y_range if y_range > 0 else 1.0
    out: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["explained_variance"] = skm.explained_variance_score(y, pred, sample_weight=weight)
        out["r2_score"] = max(-1.0, skm.r2_score(y, pred, sample_weight=weight))
        out["spearman_correlation"] = spearmanr(y, pred).statistic if len(y) > 1 else float("nan")
        nonzero = y != 0
        if nonzero.any():
            out["mean_absolute_percentage_error"] = 100 * float(np.mean(np.abs((y - pred)[nonzero] / y[nonzero])))
        mae = skm.mean_absolute_error(y, pred, sample_weight=weight)
        medae = skm.median_absolute_error(y, pred)
        rmse = math.sqrt(skm.mean_squared_error(y, pred, sample_weight=weight))
        out.update(mean_absolute_error=mae, median_absolute_error=medae, root_mean_squared_error=rmse,
                   normalized_mean_absolute_error=mae / span, normalized_median_absolute_error=medae / span,
                   normalized_root_mean_squared_error=rmse / span)
        if (y > -1).all() and (pred > -1).all():
            rmsle = math.sqrt(skm.mean_squared_log_error(y, pred, sample_weight=weight))
            log_span = math.log1p(y.max()) - math.log1p(y.min())
            out["root_mean_squared_log_error"] = rmsle
            out["normalized_root_mean_squared_log_error"] = rmsle / (log_span if log_span > 0 else 1.0)
    return _finite(out)


def _finite(values: dict) -> dict[str, float]:
    return {k: float(v) for k, v in values.items() if v is not None and math.isfinite(float(v))}


def loss(metric: str, value: float | None) -> float:
    """What FLAML minimises for `metric`: the value itself, or its negation when larger is better."""
    if value is None or not math.isfinite(value):
        return math.inf
    return value if catalog.is_minimised(metric) else -value


def primary_value(metric: str, y: np.ndarray, pred: np.ndarray, n_classes: int, y_range: float,
                  weight: np.ndarray | None = None) -> float:
    """Only the primary metric, fast enough to call inside ensemble selection loops."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if n_classes:
            y = np.asarray(y, dtype=int)
            labels = list(range(n_classes))
            hard = np.asarray(pred).argmax(axis=1)
            if metric == "accuracy":
                return float(skm.accuracy_score(y, hard, sample_weight=weight))
            if metric == "precision_score_weighted":
                return float(skm.precision_score(y, hard, labels=labels, average="weighted", zero_division=0,
                                                 sample_weight=weight))
            if metric == "norm_macro_recall":
                recall = skm.recall_score(y, hard, labels=labels, average="macro", zero_division=0)
                return max(0.0, (recall - 1 / n_classes) / (1 - 1 / n_classes))
            counts = np.bincount(y, minlength=n_classes)
            present = [c for c in labels if 0 < counts[c] < len(y)]
            onehot = np.eye(n_classes)[y][:, present]
            if metric == "average_precision_score_weighted":
                return float(skm.average_precision_score(onehot, pred[:, present], average="weighted",
                                                         sample_weight=weight))
            return float(skm.roc_auc_score(onehot, pred[:, present], average="weighted", sample_weight=weight))
        if metric == "spearman_correlation":
            return float(spearmanr(y, pred).statistic)
        span = y_range if y_range > 0 else 1.0
        if metric == "r2_score":
            return max(-1.0, float(skm.r2_score(y, pred, sample_weight=weight)))
        if metric == "normalized_mean_absolute_error":
            return float(skm.mean_absolute_error(y, pred, sample_weight=weight)) / span
        return math.sqrt(skm.mean_squared_error(y, pred, sample_weight=weight)) / span
