"""The exported SDK v1 script compiles and, run offline, builds the builder's graph."""
from __future__ import annotations

import ast

import pytest

from app.backends.azure.export import export_script
from app.core.spec import copy_spec
from .graph_checks import summary
from .test_pipeline_graph import build, step_scripts, titanic_on_azure  # noqa: F401  (module fixture)


def titanic_literal_name_no_prep():
    spec = copy_spec(titanic_on_azure())
    spec.data_prep = None
    spec.register.model_name = "TitanicFixed"
    spec.automl.local = {"warm_start": True}
    return spec


def forecasting():
    spec = copy_spec(titanic_on_azure())
    spec.data_prep = None
    spec.automl.task = "forecasting"
    spec.automl.primary_metric = "normalized_root_mean_squared_error"
    spec.automl.label_column_name = "Fare"
    spec.automl.allowed_models = ["LightGBM", "ExponentialSmoothing"]
    spec.automl.forecasting = {"time_column_name": "ds", "forecast_horizon": 12, "freq": "MS"}
    return spec


SPECS = {"titanic": titanic_on_azure, "no_prep_literal_name": titanic_literal_name_no_prep, "forecasting": forecasting}


def run_exported(offline, text, step_scripts):  # noqa: F811
    """Execute the script as a module (not __main__) and build its graph on the offline workspace."""
    namespace = {"__name__": "exported_pipeline"}
    exec(compile(text, "pipeline.py", "exec"), namespace)
    namespace["STEP_SCRIPTS"] = str(step_scripts)
    ws = offline.OfflineWorkspace()
    with offline.offline_pipeline_patches():
        return namespace["build_pipeline"](ws, offline.registered_dataset(ws), offline.blob_datastore(ws),
                                           ws.compute_targets)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_exported_script_builds_the_same_graph(offline, step_scripts, name):  # noqa: F811
    spec = SPECS[name]()
    text = export_script(spec)
    ast.parse(text)
    exported = summary(run_exported(offline, text, step_scripts))
    built = summary(build(offline, spec, step_scripts).pipeline)
    assert exported == built
    # the SDK runs forecasting as time-series regression
    expected = ("regression", True) if spec.automl.task == "forecasting" else (spec.automl.task, False)
    assert (exported["automl"]["task_type"], exported["automl"]["is_timeseries"]) == expected


def test_the_script_is_readable_and_states_what_was_dropped():
    text = export_script(titanic_literal_name_no_prep())
    assert "import os" in text and "import json" in text
    assert "compute_target=computes['cpu-cluster']" in text
    assert "# Local-only settings of the spec, dropped" in text and "warm_start" in text
    assert "'--model-name', 'TitanicFixed'" in text.replace('"', "'")
    assert "2026-06-30" in text
    compile(text, "pipeline.py", "exec")


def test_forecasting_becomes_forecasting_parameters():
    text = export_script(forecasting())
    assert "from azureml.automl.core.forecasting_parameters import ForecastingParameters" in text
    assert "time_column_name='ds'" in text and "forecast_horizon=12" in text
