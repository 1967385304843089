"""Each AutoMLConfig setting changes what the step does, as a subprocess run shows."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

from app.core import catalog

from .conftest import diabetes_frame, fast, iris_frame, messy_frame, titanic_frame


def algorithms(result) -> set[str]:
    return {e["run_algorithm"] for e in result.of("iteration")}


def test_allowed_models_limit_the_algorithms_and_cores_reach_the_model(runner):
    frame = pd.concat([titanic_frame()] * 40, ignore_index=True)    # big enough to use more than one thread
    result = runner.run(frame, fast(allowed_models=["LightGBM"], max_cores_per_iteration=2, iterations=2,
                                    validation_size=0.2, n_cross_validations=None))
    assert result.returncode == 0, result.stderr
    assert algorithms(result) == {"LightGBM"}
    assert not any(e["seeded"] for e in result.of("iteration"))     # no warm start was given
    assert result.of("iteration")[0]["hyperparameters"]["n_estimators"] == 100   # LightGBM's own default
    with open(result.out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    assert [name for name, _ in model.steps] == ["datatransformer", "standardscalerwrapper", "lightgbm"]
    assert model.steps[-1][1].estimator.get_params()["n_jobs"] == 2


def test_blocked_models_are_never_tried(runner):
    result = runner.run(titanic_frame(), fast(iterations=8, blocked_models=["LightGBM", "RandomForest"]))
    assert result.returncode == 0, result.stderr
    assert not algorithms(result) & {"LightGBM", "RandomForest"}
    # the FLAML learner tells XGBoost's two variants apart, for refitting an iteration later
    assert {e["learner"] for e in result.of("iteration")} <= {"xgboost", "xgb_limitdepth", "extra_tree", "lrl1"}


def test_on_small_data_the_first_iterations_try_every_learner_once(runner):
    result = runner.run(titanic_frame(), fast(iterations=8))
    assert result.returncode == 0, result.stderr
    opening = [e["learner"] for e in result.of("iteration")][:6]
    assert set(opening) == {"lgbm", "rf", "xgboost", "extra_tree", "xgb_limitdepth", "lrl1"}, opening


def test_voting_and_stack_ensembles_are_the_last_iterations(runner):
    result = runner.run(titanic_frame(), fast(iterations=8, enable_voting_ensemble=True, enable_stack_ensemble=True))
    assert result.returncode == 0, result.stderr
    names = [e["run_algorithm"] for e in result.of("iteration")]
    assert names[-2:] == ["VotingEnsemble", "StackEnsemble"] and len(names) == 8
    voting = result.of("iteration")[-2]["hyperparameters"]
    assert sum(voting["ensemble_weights"]) == pytest.approx(1.0)
    assert set(voting["ensembled_iterations"]) <= set(range(6))
    assert all(len(e["metrics"]) >= 20 for e in result.of("iteration"))


def test_regression_metrics_direction_and_charts(runner):
    result = runner.run(diabetes_frame(), fast(task="regression", label_column_name="target", iterations=6,
                                               enable_voting_ensemble=True))
    assert result.returncode == 0, result.stderr
    iterations = result.of("iteration")
    assert all(set(e["metrics"]) <= set(catalog.REGRESSION_METRICS) for e in iterations)
    assert all(len(e["metrics"]) >= 10 for e in iterations)
    metric = "normalized_root_mean_squared_error"
    assert result.finished["best_metric"] == min(e["metrics"][metric] for e in iterations)
    artifacts = {p.name for p in (result.out / "artifacts").iterdir()}
    assert {"residuals", "predicted_true", "guardrails.json", "feature_importance.json"} <= artifacts
    residuals = json.loads((result.out / "artifacts" / "residuals").read_text())
    assert sum(residuals["data"]["bin_counts"]) == residuals["data"]["res_count"] == 300


def test_classification_charts_guardrails_importance_and_test_split(runner):
    result = runner.run(messy_frame(), fast(label_column_name="y", iterations=5, test_size=0.2,
                                            primary_metric="AUC_weighted"))
    assert result.returncode == 0, result.stderr
    summary = result.summary
    assert 0.5 < summary["test_score"] <= 1 and summary["test_rows"] == 60
    assert summary["validation_score"] == result.finished["best_metric"]
    art = result.out / "artifacts"
    cm = json.loads((art / "confusion_matrix").read_text())["data"]
    assert cm["class_labels"] == ["no", "yes"] and np.sum(cm["matrix"]) == 240
    table = json.loads((art / "accuracy_table").read_text())["data"]
    assert len(table["probability_tables"]) == 2 and len(table["probability_tables"][0]) == 101
    assert sum(table["probability_tables"][1][0]) == 240
    rails = {r["name"]: r for r in json.loads((art / "guardrails.json").read_text())}
    assert rails["Missing feature values imputation"]["status"] == "Done"
    assert {d["column"] for d in rails["Missing feature values imputation"]["details"]} == {"x", "colour"}
    assert rails["High cardinality feature detection"]["details"][0]["column"] == "ident"
    assert rails["Train-test split"]["status"] == "Done"
    importance = json.loads((art / "feature_importance.json").read_text())
    assert importance["features"][0] in ("x", "colour") and importance["data"] == "test split"


def test_featurization_off_refuses_text_columns(runner):
    result = runner.run(messy_frame(), fast(label_column_name="y", featurization="off"))
    assert result.returncode == 2
    assert "featurization is 'off'" in result.stderr and "colour" in result.stderr


def test_featurization_off_uses_numeric_columns_as_given(runner):
    result = runner.run(diabetes_frame(), fast(task="regression", label_column_name="target", featurization="off",
                                               model_explainability=False))
    assert result.returncode == 0, result.stderr
    with open(result.out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    assert type(model.steps[0][1]).__name__ == "NumericPassthrough"
    assert not (result.out / "artifacts" / "feature_importance.json").exists()


def test_positive_label_picks_the_class_of_the_binary_metrics(runner):
    default = runner.run(messy_frame(), fast(label_column_name="y", iterations=3, allowed_models=["LightGBM"]))
    flipped = runner.run(messy_frame(), fast(label_column_name="y", iterations=3, allowed_models=["LightGBM"],
                                             positive_label="no"))
    assert default.summary["positive_label"] == "yes" and flipped.summary["positive_label"] == "no"
    a, b = default.of("iteration")[0]["metrics"], flipped.of("iteration")[0]["metrics"]
    assert a["accuracy"] == pytest.approx(b["accuracy"])
    assert a["recall_score_binary"] != pytest.approx(b["recall_score_binary"])
    bad = runner.run(messy_frame(), fast(label_column_name="y", positive_label="maybe"))
    assert bad.returncode == 2 and "positive_label 'maybe'" in bad.stderr


def test_weight_column_is_used_for_training_not_as_a_feature(runner):
    frame = titanic_frame()
    frame["w"] = np.where(frame["Survived"] == 1, 5.0, 1.0)
    weighted = runner.run(frame, fast(iterations=3, weight_column_name="w", allowed_models=["LightGBM"]))
    plain = runner.run(frame.drop(columns=["w"]), fast(iterations=3, allowed_models=["LightGBM"]))
    assert weighted.returncode == 0, weighted.stderr
    assert "w" not in weighted.summary["feature_columns"]
    assert weighted.of("iteration")[0]["metrics"]["accuracy"] != pytest.approx(
        plain.of("iteration")[0]["metrics"]["accuracy"])
    missing = runner.run(titanic_frame(), fast(weight_column_name="nope"))
    assert missing.returncode == 2 and "weight column 'nope'" in missing.stderr


def test_validation_size_uses_a_holdout_and_multiclass_works(runner):
    result = runner.run(iris_frame(), fast(label_column_name="target", validation_size=0.3, n_cross_validations=None,
                                           iterations=4))
    assert result.returncode == 0, result.stderr
    assert "holdout of 30%" in result.summary["validation"]
    metrics = result.of("iteration")[0]["metrics"]
    assert "AUC_macro" in metrics and "f1_score_binary" not in metrics


def test_no_local_effect_settings_are_reported_as_warnings(runner):
    result = runner.run(titanic_frame(), fast(iterations=2, max_concurrent_iterations=3))
    assert result.returncode == 0, result.stderr
    assert any("max_concurrent_iterations" in w["message"] for w in result.of("warning"))


def test_forecasting_on_a_time_column_that_holds_no_times_is_refused_clearly(runner):
    result = runner.run(diabetes_frame(), fast(task="forecasting", label_column_name="target",
                                               forecasting={"time_column_name": "age"}))
    assert result.returncode == 2
    assert "automl.forecasting.time_column_name: column 'age' has values that are not dates" in result.stderr


def test_a_class_with_a_single_row_is_refused(runner):
    frame = titanic_frame().head(60).copy()
    frame.loc[0, "Survived"] = 2
    result = runner.run(frame, fast(validation_size=0.2, n_cross_validations=None))
    assert result.returncode == 2
    assert "class '2' of the label column has a single row" in result.stderr
