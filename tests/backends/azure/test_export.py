"""The exported SDK v1 script compiles and, run offline, builds the builder's graph."""
from __future__ import annotations

import ast

import pytest

from app.backends.azure.export import export_script
from app.backends.azure.sdk import sdk_log_outside_working_folder
from app.core.spec import copy_spec
from .graph_checks import summary
from .specs import build, forecasting_on_azure, titanic_on_azure


def titanic_literal_name_no_prep():
    spec = copy_spec(titanic_on_azure())
    spec.data_prep = None
    spec.register.model_name = "TitanicFixed"
    spec.automl.local = {"warm_start": True}
    return spec


def custom_dataprep_script():
    from app.core.spec import DataPrepSpec

    spec = copy_spec(titanic_on_azure())
    spec.data_prep = DataPrepSpec(script="prep/clean.py", arguments=["--mode", "fast"])
    return spec


SPECS = {"custom_dataprep": custom_dataprep_script, "titanic": titanic_on_azure,
         "no_prep_literal_name": titanic_literal_name_no_prep, "forecasting": forecasting_on_azure}


@pytest.fixture()
def in_project(tmp_path, monkeypatch):
    """A project folder holding the custom script (paths in a spec are relative to it)."""
    (tmp_path / "prep").mkdir()
    (tmp_path / "prep" / "clean.py").write_text("print('clean')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_exported(offline, text, step_scripts, log_dir):
    """Execute the script as a module (not __main__) and build its graph on the offline workspace."""
    namespace = {"__name__": "exported_pipeline"}
    exec(compile(text, "pipeline.py", "exec"), namespace)
    namespace["STEP_SCRIPTS"] = str(step_scripts)
    ws = offline.OfflineWorkspace()
    with offline.offline_pipeline_patches(), sdk_log_outside_working_folder(log_dir):
        return namespace["build_pipeline"](ws, offline.registered_dataset(ws), offline.blob_datastore(ws),
                                           ws.compute_targets)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_exported_script_builds_the_same_graph(offline, step_scripts, name, in_project):
    spec = SPECS[name]()
    text = export_script(spec)
    ast.parse(text)
    exported = summary(run_exported(offline, text, step_scripts, in_project / "logs"))
    built = summary(build(offline, spec, step_scripts).pipeline)
    assert exported == built
    # the SDK runs forecasting as time-series regression
    expected = ("regression", True) if spec.automl.task == "forecasting" else (spec.automl.task, False)
    assert (exported["automl"]["task_type"], exported["automl"]["is_timeseries"]) == expected


def test_a_custom_script_gets_its_arguments_before_input_and_output(offline, step_scripts, in_project):
    """The order the local backend uses and the README gives."""
    args = summary(build(offline, custom_dataprep_script(), step_scripts).pipeline)["arguments"]["data_prep"]
    assert args == ["--mode", "fast", "--input", "DatasetConsumptionConfig:titanic_ds",
                    "--output", "DatasetOutputConfig:prepared_data"]


def test_the_script_is_readable_and_states_what_was_dropped():
    text = export_script(titanic_literal_name_no_prep())
    assert "import os" in text and "import json" in text
    assert "compute_target=computes['cpu-cluster']" in text
    assert "# Local-only settings of the spec, dropped" in text and "warm_start" in text
    assert "'--model-name', 'TitanicFixed'" in text.replace('"', "'")
    assert "2026-06-30" in text
    compile(text, "pipeline.py", "exec")


def test_forecasting_becomes_forecasting_parameters():
    text = export_script(forecasting_on_azure())
    assert "from azureml.automl.core.forecasting_parameters import ForecastingParameters" in text
    assert "time_column_name='month'" in text and "forecast_horizon=12" in text


def test_the_readme_command_exports_a_script_that_rebuilds_the_graph(offline, step_scripts, tmp_path,
                                                                       monkeypatch):
    from app.backends.azure.export import for_azure
    from app.cli import main
    from app.core.spec import load_spec
    from app.locator import example_spec

    monkeypatch.chdir(tmp_path)
    assert main(["export-script", str(example_spec()), "-o", "pipeline.py"]) == 0
    text = (tmp_path / "pipeline.py").read_text()
    exported = summary(run_exported(offline, text, step_scripts, tmp_path / "logs"))
    built = summary(build(offline, for_azure(load_spec(example_spec()))[0], step_scripts).pipeline)
    assert exported == built
    assert set(exported["targets"].values()) == {"cpu-cluster"}


def test_the_script_gets_or_creates_the_dataset_and_the_cluster():
    text = export_script(titanic_on_azure())
    assert "def get_or_create_dataset(ws, datastore):" in text
    assert ".register(workspace=ws, name=DATASET_NAME, create_new_version=True)" in text
    assert "AmlCompute.provisioning_configuration(vm_size=NEW_CLUSTER_VM_SIZE" in text
    assert "wait_for_completion(show_output=True, timeout_in_minutes=20)" in text
    assert "computes = {name: get_or_create_cluster(ws, name) for name in COMPUTE_NAMES}" in text
    assert "dataset.to_parquet_files().as_named_input" in text and "to_csv_files().as_named_input" not in text
