"""Warm start from an earlier run's best configurations."""
from __future__ import annotations

import json

import pytest

from .conftest import fast, titanic_frame


def test_second_run_starts_from_the_first_runs_best(runner):
    settings = fast(iterations=4, allowed_models=["LightGBM"])
    first = runner.run(titanic_frame(), settings)
    assert first.returncode == 0, first.stderr
    saved = json.loads((first.out / "best_configs.json").read_text())
    assert saved["feature_columns"] == first.summary["feature_columns"]
    best = saved["learners"]["lgbm"][0]
    assert best["value"] == first.finished["best_metric"]

    second = runner.run(titanic_frame(), settings, extra=("--warm-start", str(first.out)))
    assert second.returncode == 0, second.stderr
    opening = second.of("iteration")[0]
    assert opening["seeded"] is True
    assert opening["hyperparameters"] == pytest.approx(best["config"])
    assert second.finished["best_metric"] >= first.finished["best_metric"] - 1e-9


def _saved(tmp_path, columns) -> str:
    config = {"n_estimators": 7, "num_leaves": 5, "min_child_samples": 10, "learning_rate": 0.3, "log_max_bin": 6,
              "colsample_bytree": 0.8, "reg_alpha": 0.01, "reg_lambda": 2.0}
    path = tmp_path / "best_configs.json"
    path.write_text(json.dumps({"task": "classification", "feature_columns": columns,
                                "learners": {"lgbm": [{"config": config, "value": 0.8}]}}))
    return str(path)


def test_warm_start_ignores_other_columns_and_can_be_switched_off(runner, tmp_path):
    frame = titanic_frame()
    saved = _saved(tmp_path, [c for c in frame.columns if c != "Survived"])
    used = runner.run(frame, fast(iterations=2, allowed_models=["LightGBM"]), extra=("--warm-start", saved))
    assert used.of("iteration")[0]["hyperparameters"]["n_estimators"] == 7
    other = runner.run(frame.drop(columns=["Fare"]), fast(iterations=2, allowed_models=["LightGBM"]),
                       extra=("--warm-start", saved))
    assert any("other columns" in w["message"] for w in other.of("warning"))
    assert other.of("iteration")[0]["hyperparameters"]["n_estimators"] == 100   # the library default
    assert not other.of("iteration")[0]["seeded"]
    off = runner.run(frame, fast(iterations=2, allowed_models=["LightGBM"], local={"warm_start": False}),
                     extra=("--warm-start", saved))
    assert any("local.warm_start is false" in w["message"] for w in off.of("warning"))
    assert off.of("iteration")[0]["hyperparameters"]["n_estimators"] == 100
