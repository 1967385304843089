import pytest

from app import locator
from app.core.errors import SpecError, UserInputError
from app.core.spec import load_spec, parse_spec, spec_from_dict
from app.core.validation import validate_spec


def example():
    return load_spec(locator.example_spec())


def paths(problems, level="error"):
    return {p.path for p in problems if p.level == level}


def test_example_spec_is_valid_and_round_trips():
    spec = example()
    assert validate_spec(spec) == []
    again = parse_spec(spec.to_yaml())
    assert again == spec
    assert spec.resolved_model_name() == "TitanicSurvivalInitial"
    assert spec.resolved_model_name({"model_name": "Other"}) == "Other"


def test_metric_of_the_wrong_task_names_field_and_choices():
    spec = example()
    spec.automl.primary_metric = "r2_score"
    [problem] = validate_spec(spec)
    assert problem.path == "automl.primary_metric"
    assert "not valid for classification" in problem.message and "AUC_weighted" in problem.message


def test_unknown_metric_and_negative_iterations():
    spec = example()
    spec.automl.primary_metric = "auc"
    spec.automl.iterations = -3
    problems = validate_spec(spec)
    assert paths(problems) == {"automl.primary_metric", "automl.iterations"}
    assert any("not a primary metric" in p.message for p in problems)


def test_timeout_below_iteration_timeout_is_refused():
    spec = example()
    spec.automl.experiment_timeout_hours = None
    spec.automl.experiment_timeout_minutes = 5
    spec.automl.iteration_timeout_minutes = 10
    assert paths(validate_spec(spec)) == {"automl.experiment_timeout_minutes"}


def test_azure_requires_fifteen_minutes_but_local_does_not():
    spec = example()
    spec.automl.experiment_timeout_hours = 0.01
    spec.automl.iteration_timeout_minutes = None
    assert validate_spec(spec, "local") == []
    assert paths(validate_spec(spec, "azure")) == {"automl.experiment_timeout_hours"}


def test_models_without_local_equivalent_are_refused_with_the_list():
    spec = example()
    spec.automl.allowed_models = ["LightGBM", "MultinomialNaiveBayes", "NotAModel"]
    messages = [p.message for p in validate_spec(spec)]
    assert any("'MultinomialNaiveBayes' has no local equivalent" in m for m in messages)
    assert any("'NotAModel' is not an algorithm for classification" in m for m in messages)
    azure = [p.message for p in validate_spec(spec, "azure")]
    assert len(azure) == 1 and azure[0].startswith("'NotAModel'")


def test_no_local_effect_settings_warn_and_dnn_is_refused():
    spec = example()
    spec.automl.max_concurrent_iterations = 4
    spec.automl.enable_dnn = True
    problems = validate_spec(spec)
    assert paths(problems, "warning") == {"automl.max_concurrent_iterations"}
    assert paths(problems) == {"automl.enable_dnn"}


def test_forecasting_needs_time_column():
    spec = example()
    spec.automl.task = "forecasting"
    spec.automl.primary_metric = "normalized_root_mean_squared_error"
    assert "automl.forecasting.time_column_name" in paths(validate_spec(spec))


def test_unknown_keys_and_wrong_types_are_named():
    with pytest.raises(SpecError) as info:
        spec_from_dict({"experiment": "e", "dataset": "d", "automl": {"iterationz": 3, "iterations": "ten",
                                                                     "enable_voting_ensemble": "yes"}})
    text = str(info.value)
    assert "automl.iterationz: unknown setting" in text
    assert "automl.iterations: must be a whole number" in text
    assert "automl.enable_voting_ensemble: must be true or false" in text


def test_register_parameter_must_exist():
    spec = example()
    spec.parameters = {}
    assert paths(validate_spec(spec)) == {"register.model_name"}


@pytest.mark.parametrize("text, fragment", [
    ("experiment: [unclosed", "malformed YAML"),
    ("a: &x 1\nb: *x\n", "anchors"),
    ("automl:\n\ttask: regression\n", "tab"),
])
def test_malformed_yaml_gets_a_clear_message(text, fragment):
    with pytest.raises(UserInputError) as info:
        parse_spec(text)
    assert fragment in str(info.value)


def test_dataprep_option_errors():
    spec = example()
    spec.data_prep.options["quantile_bins"] = {"Age": 1}
    spec.data_prep.options["bogus"] = []
    assert paths(validate_spec(spec)) == {"data_prep.options.quantile_bins.Age", "data_prep.options.bogus"}


def test_missing_user_script_is_reported(tmp_path):
    spec = example()
    spec.data_prep.script = "prep/missing.py"
    spec.data_prep.options = {}
    [problem] = validate_spec(spec, base_dir=tmp_path)
    assert problem.path == "data_prep.script" and "not found" in problem.message


def test_an_unset_primary_metric_is_left_out_not_written_as_null():
    # A run's Overview showed its spec with "primary_metric: null" when the spec left it to the task.
    from app.core.spec import spec_to_dict

    spec = parse_spec("experiment: e\ndataset: d\nautoml:\n  task: forecasting\n  label_column_name: y\n"
                      "  forecasting:\n    time_column_name: t\n")
    automl = spec_to_dict(spec)["automl"]
    assert "primary_metric" not in automl and automl["task"] == "forecasting"
    assert parse_spec(f"experiment: e\ndataset: d\nautoml: {automl}\n").automl.metric == "normalized_root_mean_squared_error"
