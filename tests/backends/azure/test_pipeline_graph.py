"""The seed graph built offline from the Titanic spec with real SDK objects."""
from __future__ import annotations

import json

import pytest

from app.core.errors import UserInputError
from app.core.spec import copy_spec
from .graph_checks import automl_settings, edges, module_node, summary
from .specs import ALLOWED, build, forecasting_on_azure, titanic_on_azure

@pytest.fixture(scope="module")
def built(offline, step_scripts):
    return build(offline, titanic_on_azure(), step_scripts)


def test_three_steps_and_the_dataset_source(built):
    g = built.pipeline.graph
    assert {n.name for n in g.module_nodes} == {"data_prep", "automl", "register"}
    assert {n.name for n in g.datasource_nodes} == {"titanic_ds"}


def test_edges_run_dataprep_then_automl_then_register(built):
    assert edges(built.pipeline.graph) == {
        ("titanic_ds", "data", "data_prep", "titanic_ds"),
        ("data_prep", "prepared_data", "automl", "training_data"),
        ("automl", "model_data", "register", "model_data"),
        ("automl", "metrics_data", "register", "metrics_data"),
        ("data_prep", "prepared_data", "register", "prepared_data"),   # the fitted dataprep parameters
    }


def test_automl_settings_on_the_node(built):
    settings = automl_settings(built.pipeline.graph)
    assert settings == {
        "task_type": "classification", "primary_metric": "AUC_weighted", "dto_primary_metric": "AUC_weighted",
        "iterations": 20, "iteration_timeout_minutes": 10, "experiment_timeout_minutes": 15,
        "n_cross_validations": 5, "featurization": "auto", "label_column_name": "Survived",
        "enable_early_stopping": True, "target": "cpu-cluster", "MLCComputeType": "AmlCompute",
        "vm_type": "STANDARD_DS3_V2", "is_timeseries": False, "allowed_models": set(ALLOWED),
    }


def test_pipeline_outputs_parameter_and_reuse(built):
    s = summary(built.pipeline)
    assert s["outputs"] == {"metrics_output", "best_model_output"}
    assert s["params"] == {"model_name": "TitanicSurvivalInitial"}
    assert s["allow_reuse"] == {"data_prep": True, "automl": True, "register": False}
    assert s["scripts"] == {"data_prep": "dataprep.py", "register": "register_model.py"}
    assert set(built.parameters) == {"model_name"}
    register = module_node(built.pipeline.graph, "register")
    assert register._params["model_name"].get_value() is built.parameters["model_name"]


def test_step_command_lines(built):
    args = summary(built.pipeline)["arguments"]
    assert args["data_prep"][:4] == ["--input", "DatasetConsumptionConfig:titanic_ds",
                                 "--output", "DatasetOutputConfig:prepared_data"]
    assert args["data_prep"][4] == "--options" and json.loads(args["data_prep"][5])["fill_zero"] == ["Fare"]
    assert args["data_prep"][6:] == ["--label", "Survived"]
    assert args["register"] == [
        "--model", "<Input:model_data>", "--metrics", "<Input:metrics_data>", "--dataprep-params",
        "DatasetConsumptionConfig:prepared_data", "--model-name", "<Parameter:model_name>",
        "--output", "DatasetOutputConfig:registration",
        "--mode", "azure", "--property", "task=classification", "--property", "primary_metric=AUC_weighted",
        "--property", "dataset=titanic_ds"]


def test_automl_outputs_are_training_outputs(built):
    step = built.steps["automl"]
    outputs = {o.name: o for o in step._outputs}
    assert outputs["metrics_data"]._training_output.type == "Metrics"
    assert outputs["model_data"]._training_output.type == "Model"


def test_step_environment_has_what_the_scripts_need(built):
    conda = built.steps["data_prep"]._runconfig.environment.python.conda_dependencies
    packages = " ".join(conda.pip_packages)
    for needed in ("pandas", "pyarrow", "azureml-defaults"):
        assert needed in packages


def test_validate_is_clean(built):
    assert built.pipeline.validate() == []


def test_per_step_compute(offline, step_scripts):
    spec = titanic_on_azure()
    spec.automl.compute = "big-cluster"
    s = summary(build(offline, spec, step_scripts, computes=("cpu-cluster", "big-cluster")).pipeline)
    assert s["targets"] == {"data_prep": "cpu-cluster", "automl": "big-cluster", "register": "cpu-cluster"}


def test_without_dataprep_and_register_automl_reads_the_dataset(offline, step_scripts):
    spec = copy_spec(titanic_on_azure())
    spec.data_prep, spec.register = None, None
    s = summary(build(offline, spec, step_scripts).pipeline)
    assert s["steps"] == {"automl"}
    assert s["params"] == {}


def test_unknown_compute_names_the_field_and_the_choices(offline, step_scripts):
    spec = titanic_on_azure()
    spec.automl.compute = "gpu-cluster"
    with pytest.raises(UserInputError, match=r"automl.compute: 'gpu-cluster' .* cpu-cluster"):
        build(offline, spec, step_scripts)


def test_production_scenario_and_no_sdk_log_in_the_working_folder(offline, step_scripts, tmp_path, monkeypatch):
    """No scenario variable is set in these tests: the builder itself asks for the curated
    environment, and the SDK's debug log lands in the app's log folder."""
    import os

    from app.backends.azure.sdk import sdk_log_dir

    assert "AZUREML_AUTOML_SCENARIO" not in os.environ
    monkeypatch.chdir(tmp_path)
    g = build(offline, titanic_on_azure(), step_scripts).pipeline.graph
    assert module_node(g, "automl")._params["scenario"].get_value() == "AutoML"
    assert list(tmp_path.iterdir()) == []
    assert (sdk_log_dir() / "automl_errors.log").is_file()


def test_the_dataprep_input_is_the_dataset_as_parquet_files(built):
    consumption = next(i for i in built.steps["data_prep"]._inputs if type(i).__name__ == "DatasetConsumptionConfig")
    assert consumption.name == "titanic_ds" and consumption.mode == "download"
    assert "parquet" in str(consumption.dataset._dataflow).lower()


def test_forecasting_parameters_reach_the_automl_node(offline, step_scripts):
    """The SDK runs forecasting as time-series regression; the ForecastingParameters show up
    under the service's own setting names."""
    node = module_node(build(offline, forecasting_on_azure(), step_scripts).pipeline.graph, "automl")
    value = {k: node._params[k].get_value() for k in ("task_type", "is_timeseries", "time_column_name",
                                                      "max_horizon", "freq", "grain_column_names", "lags",
                                                      "has_multiple_series", "primary_metric")}
    assert value == {"task_type": "regression", "is_timeseries": True, "time_column_name": "month",
                     "max_horizon": 12, "freq": "MS", "grain_column_names": ["store"],
                     "lags": {"_automl_target_col": [1, 12]}, "has_multiple_series": True,
                     "primary_metric": "normalized_root_mean_squared_error"}
    settings = json.loads(json.loads(node._params["AutoMLConfig"].get_value())["aml_settings_json_string"])
    assert (settings["window_size"], settings["country_or_region"], settings["cv_step_size"]) == (3, "US", 2)
