"""Wording for the user: counts in the right number, and settings and learners by the names the forms show.

Core messages name settings by their spec keys (`validation_size`) and the local engine names
learners by FLAML's short names (`rf`); the app shows the labels of the form and Azure's
algorithm names instead.
"""
from __future__ import annotations

import re

from app.core import catalog

SETTING_NAMES = {
    "experiment": "Experiment name", "dataset": "Dataset", "label_column_name": "Label column",
    "task": "Task", "primary_metric": "Primary metric", "iterations": "Iterations",
    "experiment_timeout_hours": "Experiment timeout", "experiment_timeout_minutes": "Experiment timeout",
    "iteration_timeout_minutes": "Iteration timeout", "experiment_exit_score": "Exit score",
    "max_cores_per_iteration": "Cores per iteration", "max_concurrent_iterations": "Concurrent iterations",
    "n_cross_validations": "Cross-validation folds", "validation_size": "Validation size", "test_size": "Test size",
    "featurization": "Featurization", "positive_label": "Positive label", "weight_column_name": "Weight column",
    "allowed_models": "Allowed models", "blocked_models": "Blocked models", "mem_in_mb": "Memory (MB)",
    "enable_dnn": "Deep-learning models", "model_name": "Model name", "compute": "Compute target",
}
LEARNER_NAMES = {learner: azure for task in catalog.LOCAL_LEARNERS.values()
                 for azure, learners in task.items() for learner in learners}
_SETTING = re.compile(r"\b(?:automl\.|register\.|parameters\.)?(" + "|".join(
    sorted((k for k in SETTING_NAMES if "_" in k), key=len, reverse=True)) + r")\b")
_LEARNER = re.compile(r"\b(" + "|".join(sorted(LEARNER_NAMES, key=len, reverse=True)) + r")\b")


def missing_share(pct: float) -> str:
    """"20% missing"; a share under 1% in tenths, and under a tenth as "<0.1%", since "0% missing"
    read as none at all."""
    if 0 < pct < 0.05:
        return "<0.1% missing"
    return f"{pct:.1f}% missing" if 0 < pct < 0.95 else f"{pct:.0f}% missing"


def distinct_count(distinct: int, sample_rows: int, profile_rows: int) -> str:
    """"3 distinct"; "5,000+ distinct" when every row of a full profile sample differs, since the
    profile reads only the first `profile_rows` rows ("5000 distinct" read as the column's count)."""
    more = "+" if sample_rows >= profile_rows and distinct >= sample_rows else ""
    return f"{distinct:,}{more} distinct"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number it needs: count(1, "run") -> "1 run"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def field_name(path: str) -> str:
    """'automl.validation_size' -> 'Validation size'."""
    key = path.rsplit(".", 1)[-1]
    return SETTING_NAMES.get(key, key.replace("_", " ").capitalize())


def readable(text: str) -> str:
    """Spec keys and FLAML learner names in `text` replaced by what the forms and Azure call them."""
    def setting(match) -> str:
        name = SETTING_NAMES[match.group(1)]
        return name if match.start() == 0 else name[0].lower() + name[1:]  # mid-sentence: lower case

    text = _SETTING.sub(setting, text)
    return _LEARNER.sub(lambda m: LEARNER_NAMES[m.group(1)], text)
