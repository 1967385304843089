"""Settings -> plan, in process: budgets, folds, learners, refusals."""
from __future__ import annotations

import dataclasses
import json
import os

import pytest

from app.core.errors import UserInputError
from app.core.spec import AutoMLSettings
from app.backends.local.automl.settings import Plan, choose_jobs, choose_validation, load_settings, make_plan


def plan_for(tmp_path, seed=3, **settings) -> Plan:
    values = dataclasses.asdict(AutoMLSettings(label_column_name="y", **settings))
    values["seed"] = seed
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(values))
    return make_plan(*load_settings(path))


def test_iterations_include_the_ensembles(tmp_path):
    assert plan_for(tmp_path, iterations=20).search_iterations == 19
    both = plan_for(tmp_path, iterations=20, enable_stack_ensemble=True)
    assert both.search_iterations == 18 and both.ensembles == ["VotingEnsemble", "StackEnsemble"]
    assert plan_for(tmp_path, iterations=20, enable_voting_ensemble=False).search_iterations == 20


def test_one_iteration_skips_the_ensemble_with_a_warning(tmp_path):
    plan = plan_for(tmp_path, iterations=1)
    assert plan.search_iterations == 1 and plan.ensembles == []
    assert any("no room for ensembles" in w for w in plan.warnings)


def test_timeouts_become_seconds_with_room_for_ensembles(tmp_path):
    assert plan_for(tmp_path, experiment_timeout_minutes=2, enable_voting_ensemble=False).search_seconds == 120
    assert plan_for(tmp_path, experiment_timeout_hours=0.5, enable_voting_ensemble=False).search_seconds == 1800
    assert plan_for(tmp_path, experiment_timeout_minutes=2).search_seconds == pytest.approx(108)
    assert plan_for(tmp_path).search_seconds is None
    assert plan_for(tmp_path, iteration_timeout_minutes=0.5).train_time_limit == 30


def test_small_data_trains_on_one_thread(tmp_path):
    plan = plan_for(tmp_path, max_cores_per_iteration=2)
    choose_jobs(plan, 150, 4)
    assert plan.n_jobs == 1
    plan = plan_for(tmp_path, max_cores_per_iteration=-1)
    choose_jobs(plan, 30000, 20)
    assert plan.n_jobs == len(os.sched_getaffinity(0))


def test_cores_and_seed(tmp_path):
    assert plan_for(tmp_path).n_jobs == 1
    cores = len(os.sched_getaffinity(0))
    # -1 means every core this process may use; a larger number is capped at that
    assert plan_for(tmp_path, max_cores_per_iteration=-1).n_jobs == cores
    assert plan_for(tmp_path, max_cores_per_iteration=1).n_jobs == 1
    assert plan_for(tmp_path, max_cores_per_iteration=cores + 5).n_jobs == cores
    assert plan_for(tmp_path, seed=11).seed == 11


def test_models_map_to_flaml_learners(tmp_path):
    assert plan_for(tmp_path, allowed_models=["LightGBM", "XGBoostClassifier"]).learners == [
        "lgbm", "xgboost", "xgb_limitdepth"]
    blocked = plan_for(tmp_path, blocked_models=["LightGBM", "RandomForest"]).learners
    assert "lgbm" not in blocked and "rf" not in blocked and "extra_tree" in blocked
    with pytest.raises(UserInputError, match="has no local equivalent"):
        plan_for(tmp_path, allowed_models=["DecisionTree"])


@pytest.mark.parametrize("rows, method, folds", [(500, "cv", 10), (5000, "cv", 3), (25000, "holdout", None)])
def test_azure_automatic_validation_rule(tmp_path, rows, method, folds):
    plan = plan_for(tmp_path)
    choose_validation(plan, rows, None)
    assert plan.eval_method == method
    if folds:
        assert plan.n_splits == folds
    else:
        assert plan.validation_size == 0.1
    # read as the rule a sentence names: "Validation used …", "searching … with …"
    assert plan.validation_rule == (f"{folds}-fold cross-validation, chosen automatically for {rows:,} rows "
                                    "(10 folds under 1,000 rows, 3 up to 20,000)" if folds else
                                    "a 10% holdout, chosen automatically for more than 20,000 rows")


def test_explicit_validation_settings_win(tmp_path):
    plan = plan_for(tmp_path, n_cross_validations=4)
    choose_validation(plan, 500, None)
    assert (plan.eval_method, plan.n_splits) == ("cv", 4)
    plan = plan_for(tmp_path, validation_size=0.25)
    choose_validation(plan, 500, None)
    assert (plan.eval_method, plan.validation_size) == ("holdout", 0.25)


def test_folds_shrink_to_the_smallest_class(tmp_path):
    plan = plan_for(tmp_path, n_cross_validations=5)
    choose_validation(plan, 500, 3)
    assert plan.n_splits == 3 and any("3 folds" in w for w in plan.warnings)


def test_settings_with_no_local_effect_warn(tmp_path):
    plan = plan_for(tmp_path, max_concurrent_iterations=4, mem_in_mb=2048, enable_onnx_compatible_models=True)
    assert any("enable_onnx_compatible_models" in w for w in plan.warnings)
    assert any("max_concurrent_iterations" in w and "no effect" in w for w in plan.warnings)
    assert any("mem_in_mb" in w for w in plan.warnings)
    # honoured here (it switches feature importance), so no "no effect" warning for it
    assert not any("model_explainability" in w for w in plan_for(tmp_path, model_explainability=False).warnings)


@pytest.mark.parametrize("settings, message", [
    ({"enable_dnn": True}, "deep-learning"),
    ({"primary_metric": "r2_score"}, "not valid for classification"),
    ({"n_cross_validations": 1}, "at least 2 folds"),
])
def test_refused_settings(tmp_path, settings, message):
    with pytest.raises(UserInputError, match=message):
        plan_for(tmp_path, **settings)


def test_bad_seed_and_bad_json(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{not json")
    with pytest.raises(UserInputError, match="not valid JSON"):
        load_settings(path)
    path.write_text(json.dumps({"label_column_name": "y", "seed": "x"}))
    with pytest.raises(UserInputError, match="seed"):
        load_settings(path)
