"""Deterministic runs for the fake backend: iterations with plausible metrics, Azure-shaped chart artifacts."""
from __future__ import annotations

import math
import random

from app.core.runs import IterationRecord

ALGORITHMS = ("LightGBM", "XGBoostClassifier", "RandomForest", "ExtremeRandomTrees", "LogisticRegression")
PREPROCESSORS = ("MaxAbsScaler", "StandardScalerWrapper", "SparseNormalizer", "MinMaxScaler")
CLASSIFICATION = ("AUC_weighted", "accuracy", "log_loss", "f1_score_weighted", "precision_score_weighted")
REGRESSION = ("normalized_root_mean_squared_error", "r2_score", "spearman_correlation", "mean_absolute_error")


def make_iteration(step_run_id: str, n: int, task: str = "classification", seed: int = 0) -> IterationRecord:
    rnd = random.Random(seed * 100_003 + n)
    quality = 1 - math.exp(-0.15 * (n + 1)) * 0.5 + rnd.uniform(-0.12, 0.05)
    if task == "classification":
        metrics = {"AUC_weighted": min(0.99, 0.55 + 0.4 * quality), "accuracy": min(0.98, 0.5 + 0.38 * quality),
                   "log_loss": max(0.05, 0.9 - 0.6 * quality), "f1_score_weighted": 0.45 + 0.4 * quality,
                   "precision_score_weighted": 0.5 + 0.35 * quality}
    else:
        metrics = {"normalized_root_mean_squared_error": max(0.01, 0.3 - 0.2 * quality),
                   "r2_score": 0.3 + 0.6 * quality, "spearman_correlation": 0.4 + 0.5 * quality,
                   "mean_absolute_error": max(0.1, 3 - 2 * quality)}
    return IterationRecord(
        run_id=f"{step_run_id}_{n}", iteration=n, run_algorithm=ALGORITHMS[n % len(ALGORITHMS)],
        run_preprocessor=PREPROCESSORS[(n // 2) % len(PREPROCESSORS)],
        hyperparameters={"n_estimators": 10 + n, "learning_rate": round(0.05 + 0.01 * (n % 7), 3)},
        metrics=metrics, duration_s=1.0 + (n % 5) * 0.5)


def classification_artifacts(seed: int = 0) -> dict:
    """Azure-shaped chart artifacts for a binary classifier."""
    rnd = random.Random(seed)
    thresholds = [i / 20 for i in range(21)]
    positives, negatives = 120, 180
    table = []
    for t in thresholds:
        tp = round(positives * (1 - t ** 2.2))
        fp = round(negatives * (1 - t) ** 2.5)
        table.append([tp, fp, negatives - fp, positives - tp])
    other = [[row[2], row[3], row[0], row[1]] for row in table]
    return {
        "confusion_matrix": {"schema_type": "confusion_matrix", "schema_version": "1.0.0",
                             "data": {"class_labels": ["0", "1"], "matrix": [[150, 30], [25, 95]]}},
        "accuracy_table": {"schema_type": "accuracy_table", "schema_version": "1.0.1",
                           "data": {"class_labels": ["0", "1"], "probability_thresholds": thresholds,
                                    "probability_tables": [other, table]}},
        "feature_importance": {"features": ["Sex", "Pclass", "Fare", "Age", "SibSp"],
                               "importances": [0.41, 0.22, 0.17, 0.12 + rnd.random() * 0.01, 0.05]},
    }
