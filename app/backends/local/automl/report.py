"""End-of-run reports for the best model: test score, charts, guardrails, feature importance."""
from __future__ import annotations

import pickle

import numpy as np

from app.core.metrics import MODEL_FILE


def best_model(step):
    with open(step.outputs.dir / MODEL_FILE, "rb") as fh:
        return pickle.load(fh)


def test_metrics(step, model) -> dict | None:
    p = step.prepared
    if p.X_test is None:
        return None
    cb = step.callbacks
    if p.classes is None:
        return cb._score(p.y_test, np.asarray(model.predict(p.X_test), dtype=float), p.weight_test)
    return cb._score(p.y_test, np.asarray(model.predict_proba(p.X_test)), p.weight_test)


def write_reports(step) -> None:
    model = best_model(step)
    step.test_metrics = test_metrics(step, model)
