"""summary.json: what the step found, why it stopped, and what it ran with."""
from __future__ import annotations

import platform
import time


def package_versions() -> dict[str, str]:
    import importlib.metadata as md

    versions = {"python": platform.python_version()}
    for name in ("flaml", "lightgbm", "xgboost", "scikit-learn", "pandas", "numpy"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = ""
    return versions


def summary_dict(step) -> dict:
    state, p = step.state, step.prepared
    plan = state.plan
    best = state.best
    out = {
        "step_run_id": step.run_id,
        "task": plan.task,
        "primary_metric": plan.metric,
        "best_iteration": best.iteration if best else None,
        "best_run_id": f"{step.run_id}_{best.iteration}" if best else None,
        "best_metric": best.value if best else None,
        "best_algorithm": state.records[best.iteration].run_algorithm if best else None,
        "model_iteration": state.model_iteration,
        "stop_reason": state.stop_reason,          # None while the step is still running
        "search_seconds": state.search_seconds or time.time() - state.search_started,
        "n_iterations": len(state.records),
        "validation": plan.validation_rule,
        "learners": plan.learners,
        "seed": plan.seed,
        "n_jobs": plan.n_jobs,
        "label_column": plan.settings.label_column_name,
        "class_labels": p.classes.tolist() if p is not None and p.classes is not None else None,
        "positive_label": (p.classes[p.positive].tolist() if p is not None and p.positive is not None else None),
        "feature_columns": p.feature_columns if p is not None else [],
        "validation_score": best.value if best else None,
        "versions": package_versions(),
        "skipped": list(step.budget.skipped),      # finishing work left out to keep the experiment timeout
    }
    if step.test_metrics is not None:
        out["test_score"] = step.test_metrics.get(plan.metric)
        out["test_metrics"] = step.test_metrics
        out["test_rows"] = int(len(p.y_test))
    return out
