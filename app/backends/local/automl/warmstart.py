"""Warm start: the best configuration per learner of earlier runs on data with the same columns.

Each finished step writes `best_configs.json` into its output folder. A later step given
those files (`--warm-start PATH`, a file or an output folder, repeatable) starts each
learner from them before the library defaults, when the task and feature columns match.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from app.core import catalog

BEST_CONFIGS_FILE = "best_configs.json"
MAX_PER_LEARNER = 2


def best_configs(step) -> dict:
    """What a later run needs to warm-start from this one."""
    state, p = step.state, step.prepared
    metric = state.plan.metric
    sign = 1 if catalog.is_minimised(metric) else -1
    per_learner: dict[str, list] = {}
    ranked = sorted((t for t in state.trials if t.value is not None and math.isfinite(t.value)
                     and t.learner not in catalog.ENSEMBLE_ALGORITHMS), key=lambda t: sign * t.value)
    for t in ranked:
        configs = per_learner.setdefault(t.learner, [])
        if len(configs) < MAX_PER_LEARNER and t.config not in [c["config"] for c in configs]:
            configs.append({"config": t.config, "value": t.value, "run_id": f"{step.run_id}_{t.iteration}"})
    return {"task": state.plan.task, "primary_metric": metric,
            "feature_columns": p.feature_columns if p is not None else [], "learners": per_learner}


def load_warm_starts(paths: list[str], task: str, feature_columns: list[str],
                     learners: list[str]) -> tuple[dict[str, list[dict]], list[str]]:
    """({learner: [configs]}, warnings) from earlier runs that match this one."""
    found: dict[str, list[dict]] = {}
    notes = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            path = path / BEST_CONFIGS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            notes.append(f"warm start: {path} is missing or unreadable; ignored")
            continue
        if data.get("task") != task or sorted(data.get("feature_columns", [])) != sorted(feature_columns):
            notes.append(f"warm start: {path} was made for other columns or another task; ignored")
            continue
        for learner, entries in (data.get("learners") or {}).items():
            if learner in learners:
                for entry in entries:
                    if entry.get("config") not in found.setdefault(learner, []):
                        found[learner].append(entry["config"])
    return found, notes
