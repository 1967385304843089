"""End-of-run reports for the best model: test score, chart artifacts, guardrails, feature importance.

Each is planned against the experiment timeout from measured costs (the best model's
prediction time on the validation rows) and skipped, saying so, when it does not fit.
"""
from __future__ import annotations

import pickle
import time

import numpy as np
import pandas as pd

from app.core import catalog
from app.core.metrics import MODEL_FILE
from app.backends.local.automl import charts, scoring
from app.backends.local.automl.guardrails import guardrails

IMPORTANCE_ROWS = 500
IMPORTANCE_REPEATS = 3
IMPORTANCE_SECONDS = 3.0      # rough cap on the permutations' prediction time
IMPORTANCE_MIN_ROWS = 100
CHART_SECONDS_PER_CELL = 1e-8   # accuracy_table: rows x classes x 202 thresholds; measured 1.7e-9 on 100k rows


def best_model(step):
    with open(step.outputs.dir / MODEL_FILE, "rb") as fh:
        return pickle.load(fh)


def _predictions(model, X, classification: bool) -> np.ndarray:
    return np.asarray(model.predict_proba(X) if classification else model.predict(X), dtype=float)


def test_metrics(step, model) -> dict | None:
    p = step.prepared
    if p.X_test is None:
        return None
    pred = _predictions(model, p.X_test, p.classes is not None)
    return step.callbacks.score_predictions(p.y_test, pred, p.weight_test)


def feature_importance(step, model) -> dict:
    """Permutation importance of each raw column for the primary metric (works for ensembles too)."""
    p, plan = step.prepared, step.state.plan
    on_test = p.X_test is not None
    X, y = (p.X_test, p.y_test) if on_test else (p.X, p.y)
    rng = np.random.default_rng(plan.seed)
    if len(X) > IMPORTANCE_ROWS:
        rows = rng.choice(len(X), IMPORTANCE_ROWS, replace=False)
        X, y = X.iloc[rows], y[rows]
    classification = p.classes is not None

    def score(pred) -> float:
        return scoring.primary_value(plan.metric, y, pred, p.n_classes, p.y_range)

    started = time.perf_counter()
    baseline = score(_predictions(model, X, classification))
    per_row = (time.perf_counter() - started) / len(X)
    columns = list(X.columns)
    # Fit the permutations into IMPORTANCE_SECONDS: fewer repeats first, then fewer rows.
    repeats = IMPORTANCE_REPEATS
    if per_row * len(X) * len(columns) * repeats > IMPORTANCE_SECONDS:
        repeats = 1
        rows = max(IMPORTANCE_MIN_ROWS, int(IMPORTANCE_SECONDS / max(per_row * len(columns), 1e-9)))
        if rows < len(X):
            keep = rng.choice(len(X), rows, replace=False)
            X, y = X.iloc[keep], y[keep]
            baseline = score(_predictions(model, X, classification))
    sign = -1.0 if catalog.is_minimised(plan.metric) else 1.0   # importance = how much worse it gets
    # One prediction over every permuted copy at once: far cheaper than a call per column.
    copies = []
    for col in columns:
        for _ in range(repeats):
            shuffled = X.copy()
            shuffled[col] = rng.permutation(shuffled[col].to_numpy())
            copies.append(shuffled)
    chunks = np.split(_predictions(model, pd.concat(copies, ignore_index=True), classification), len(copies))
    importances = {}
    for i, col in enumerate(columns):
        own = chunks[i * repeats:(i + 1) * repeats]
        importances[str(col)] = float(np.mean([sign * (baseline - score(chunk)) for chunk in own]))
    ranked = sorted(importances.items(), key=lambda kv: -kv[1])
    return {"method": "permutation", "metric": plan.metric, "baseline": baseline,
            "data": "test split" if on_test else "training rows (no test split was set)",
            "rows": int(len(X)), "repeats": repeats,
            "features": [name for name, _ in ranked], "importances": [value for _, value in ranked]}


def _costs(step) -> dict[str, float]:
    """Expected seconds of each report, from the best model's measured prediction time."""
    p, state = step.prepared, step.state
    best = state.best
    costs = {"the test-split score": step.predict_cost(len(p.y_test)) if p.X_test is not None else 0.0}
    if best is not None and best.pred is not None:
        costs["the chart artifacts"] = CHART_SECONDS_PER_CELL * len(best.pred) * max(1, p.n_classes) * 202
    if state.plan.settings.model_explainability:
        rows = min(IMPORTANCE_ROWS, len(p.y_test) if p.X_test is not None else len(p.y))
        permuted = step.predict_cost(rows * len(p.feature_columns) * IMPORTANCE_REPEATS)
        costs["feature importance"] = 2 * step.predict_cost(rows) + min(IMPORTANCE_SECONDS, permuted)
    return costs


def reports_cost(step) -> float:
    return sum(_costs(step).values())


def write_reports(step) -> None:
    model = best_model(step)
    p, state = step.prepared, step.state
    costs = _costs(step)
    budget = step.budget

    def planned(what: str) -> bool:
        if what not in costs or budget.fits(costs[what]):
            return what in costs
        step.outputs.warning(budget.skip(what, costs[what]))
        return False

    if p.X_test is not None and planned("the test-split score"):
        step.test_metrics = test_metrics(step, model)
    best = state.best
    if planned("the chart artifacts"):
        for name, artifact in charts.chart_artifacts(best.y, best.pred, p.classes).items():
            step.outputs.write_artifact(name, artifact)
    step.outputs.write_artifact("guardrails.json", guardrails(step))
    if planned("feature importance"):
        step.outputs.write_artifact("feature_importance.json", feature_importance(step, model))
