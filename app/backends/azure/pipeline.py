"""Builds the seed sample's pipeline graph from a spec with real SDK v1 objects.

data_prep (PythonScriptStep over the bundled step scripts, the dataset as a named input,
an OutputFileDatasetConfig read back as Parquet) -> automl (AutoMLStep with PipelineData
outputs for the metrics and the best model) -> register (PythonScriptStep taking the model
and the `model_name` PipelineParameter). Step names are the record names the monitor uses.

The caller resolves everything that needs the service (workspace, datastore, dataset,
compute targets) so the builder itself makes no request beyond what `Pipeline()` does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from app.backends.azure.sdk import SDK_DEBUG_LOG, sdk_log_outside_working_folder
from app.core.errors import UserInputError
from app.core.spec import PARAM_REF, PipelineSpec, Problem

DATAPREP_STEP, AUTOML_STEP, REGISTER_STEP = "data_prep", "automl", "register"
METRICS_DATA, MODEL_DATA = "metrics_data", "model_data"
METRICS_OUTPUT, MODEL_OUTPUT = "metrics_output", "best_model_output"
PREPARED_DATA, REGISTRATION = "prepared_data", "registration"
PREPARED_GLOB = "*.parquet"      # what AutoML reads of the data-prep output
DATAPREP_SCRIPT, REGISTER_SCRIPT = "dataprep.py", "register_model.py"
OUTPUT_ROOT = "automl-desk"
ENVIRONMENT_NAME = "automl-desk-steps"
PYTHON_VERSION = "3.10"
# What the step scripts import on the compute: pandas/pyarrow for data prep, and the Run
# context (azureml-core via azureml-defaults) for registering the model.
STEP_PIP_PACKAGES = ("azureml-defaults", "pandas>=2.0,<3", "pyarrow>=14", "numpy")


@dataclass
class BuiltPipeline:
    pipeline: Any
    steps: dict = field(default_factory=dict)        # step name -> PipelineStep
    parameters: dict = field(default_factory=dict)   # name -> PipelineParameter used by the graph


def step_environment():
    from azureml.core import Environment
    from azureml.core.conda_dependencies import CondaDependencies

    env = Environment(ENVIRONMENT_NAME)
    env.python.conda_dependencies = CondaDependencies.create(
        python_version=PYTHON_VERSION, pip_packages=list(STEP_PIP_PACKAGES))
    return env


def run_configuration(compute_name: str):
    from azureml.core.runconfig import RunConfiguration

    config = RunConfiguration()
    config.target = compute_name
    config.environment = step_environment()
    return config


def automl_config(spec: PipelineSpec, training_data, compute_target, project_dir: str):
    """The AutoMLConfig of the spec's settings (exact AutoMLConfig names) on a ComputeTarget."""
    from azureml.train.automl import AutoMLConfig

    kwargs = spec.automl.automl_config_kwargs()
    if spec.automl.forecasting:
        from azureml.automl.core.forecasting_parameters import ForecastingParameters

        kwargs["forecasting_parameters"] = ForecastingParameters(**spec.automl.forecasting)
    # force_curated_environment: the installed SDK reports itself non-production (is_prod() is
    # False for its package index), which would build the node in the "non-prod" scenario and
    # look up AutoML-Non-Prod environments; production submission uses the curated scenario.
    return AutoMLConfig(training_data=training_data, compute_target=compute_target, path=project_dir,
                        debug_log=SDK_DEBUG_LOG, force_curated_environment=True, **kwargs)


def dataprep_input(dataset, spec: PipelineSpec):
    """The data-prep step's input: the tabular dataset downloaded as Parquet files.

    Parquet, not `to_csv_files()`: that writes text fields holding commas without quotes, so a
    CSV reader sees extra columns (the Titanic names broke the Fare column).
    """
    return dataset.to_parquet_files().as_named_input(dataset_input_name(spec)).as_download()


def dataset_input_name(spec: PipelineSpec) -> str:
    return spec.dataset_name.replace("-", "_").replace(".", "_")


def model_name_argument(spec: PipelineSpec, parameters: dict):
    """The register step's model name: its PipelineParameter, or the literal name."""
    match = PARAM_REF.match(str(spec.register.model_name))
    return parameters[match.group(1)] if match else str(spec.register.model_name)


def register_properties(spec: PipelineSpec) -> list[str]:
    """`--property KEY=VALUE` arguments recorded on the registered model."""
    values = {"task": spec.automl.task, "primary_metric": spec.automl.metric, "dataset": spec.dataset}
    return [arg for key, value in values.items() for arg in ("--property", f"{key}={value}")]


def dataprep_script(spec: PipelineSpec, bundled_dir: Path, base_dir: Path | None) -> tuple[str, str, list]:
    """(source_directory, script_name, extra arguments) of the data-prep step."""
    prep = spec.data_prep
    if prep.is_bundled:
        return str(bundled_dir), DATAPREP_SCRIPT, ["--options", json.dumps(prep.options, sort_keys=True),
                                                   "--label", spec.automl.label_column_name]
    script = Path(prep.script)
    if not script.is_absolute() and base_dir is not None:
        script = base_dir / script
    return str(script.resolve().parent), script.name, [str(a) for a in prep.arguments]


def dataprep_arguments(spec: PipelineSpec, raw, prepared, extra: list) -> list:
    """A custom script gets its own `arguments:` first, then `--input PATH --output DIR`, as the
    local backend (and the README) give them; the bundled script takes its options after."""
    ports = ["--input", raw, "--output", prepared]
    return [*ports, *extra] if spec.data_prep.is_bundled else [*extra, *ports]


def compute_problems(spec: PipelineSpec, known: set | None = None) -> list[Problem]:
    """Compute names Azure cannot use: 'local' always, and names not in `known` when given."""
    problems = []
    if known is None:
        local_hint = "name a compute cluster of your workspace, e.g. cpu-cluster"
    else:
        local_hint = "choose: " + (", ".join(sorted(known)) or "none yet; create one on the Compute page")
    for prefix, part in (("", spec), ("data_prep.", spec.data_prep), ("automl.", spec.automl),
                         ("register.", spec.register)):
        name = getattr(part, "compute", None) if part is not None else None
        if name == "local":
            problems.append(Problem(f"{prefix}compute", f"Azure ML pipelines cannot run on 'local'; {local_hint}"))
        elif name and known is not None and name not in known:
            problems.append(Problem(f"{prefix}compute", f"'{name}' is not a compute target of this workspace; "
                                    + local_hint.replace("choose:", "choose one of:")))
    return problems


def resolve_compute(computes: Mapping[str, Any], name: str, step: str):
    try:
        return computes[name]
    except KeyError:
        known = ", ".join(sorted(computes)) or "none yet; create one on the Compute page"
        raise UserInputError(f"{step}.compute: '{name}' is not a compute target of this workspace; "
                             f"choose one of: {known}") from None


def build_pipeline(spec: PipelineSpec, workspace, dataset, datastore, computes: Mapping[str, Any],
                   step_scripts: Path | None = None, base_dir: Path | None = None) -> BuiltPipeline:
    """The seed graph for `spec`.

    `dataset` is the registered TabularDataset, `datastore` receives the step outputs,
    `computes` maps names to ComputeTarget objects (AutoMLStep rejects a bare name).
    """
    from azureml.data import OutputFileDatasetConfig
    from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter, TrainingOutput
    from azureml.pipeline.steps import AutoMLStep, PythonScriptStep

    from app.locator import step_scripts_dir

    bundled = Path(step_scripts or step_scripts_dir())
    built = BuiltPipeline(pipeline=None)
    parameters = {name: PipelineParameter(name=name, default_value=value) for name, value in spec.parameters.items()}

    training_data, prepared = dataset, None
    if spec.data_prep is not None:
        name = spec.step_compute(DATAPREP_STEP)
        compute = resolve_compute(computes, name, DATAPREP_STEP)
        source_dir, script, extra = dataprep_script(spec, bundled, base_dir)
        raw = dataprep_input(dataset, spec)
        prepared = OutputFileDatasetConfig(name=PREPARED_DATA, destination=(datastore, f"{OUTPUT_ROOT}/{PREPARED_DATA}/{{run-id}}"))
        built.steps[DATAPREP_STEP] = PythonScriptStep(
            name=DATAPREP_STEP, script_name=script, source_directory=source_dir,
            arguments=dataprep_arguments(spec, raw, prepared, extra),
            compute_target=compute, runconfig=run_configuration(name),
            allow_reuse=spec.data_prep.allow_reuse)
        training_data = prepared.read_parquet_files(path_glob=PREPARED_GLOB)

    name = spec.step_compute(AUTOML_STEP)
    automl_compute = resolve_compute(computes, name, AUTOML_STEP)
    metrics_data = PipelineData(METRICS_DATA, datastore=datastore, pipeline_output_name=METRICS_OUTPUT,
                                training_output=TrainingOutput(type="Metrics"))
    model_data = PipelineData(MODEL_DATA, datastore=datastore, pipeline_output_name=MODEL_OUTPUT,
                              training_output=TrainingOutput(type="Model"))
    config = automl_config(spec, training_data, automl_compute, str(bundled))
    built.steps[AUTOML_STEP] = AutoMLStep(
        name=AUTOML_STEP, automl_config=config, outputs=[metrics_data, model_data],
        enable_default_model_output=False, enable_default_metrics_output=False,
        allow_reuse=spec.automl.allow_reuse)

    if spec.register is not None:
        name = spec.step_compute(REGISTER_STEP)
        compute = resolve_compute(computes, name, REGISTER_STEP)
        registration = OutputFileDatasetConfig(name=REGISTRATION, destination=(datastore, f"{OUTPUT_ROOT}/{REGISTRATION}/{{run-id}}"))
        model_name = model_name_argument(spec, parameters)
        # the fitted data-prep parameters travel with the model, so predicting applies them
        with_params = ["--dataprep-params", prepared.as_input(PREPARED_DATA)] if prepared is not None else []
        built.steps[REGISTER_STEP] = PythonScriptStep(
            name=REGISTER_STEP, script_name=REGISTER_SCRIPT, source_directory=str(bundled),
            arguments=["--model", model_data, "--metrics", metrics_data, *with_params,
                       "--model-name", model_name, "--output", registration, "--mode", "azure",
                       *register_properties(spec)],
            inputs=[model_data, metrics_data], compute_target=compute, runconfig=run_configuration(name),
            allow_reuse=spec.register.allow_reuse)
        if not isinstance(model_name, str):
            built.parameters[model_name.name] = model_name

    with sdk_log_outside_working_folder():
        built.pipeline = Pipeline(workspace=workspace, steps=list(built.steps.values()),
                                  description=spec.description or f"AutoML Desk pipeline {spec.experiment}",
                                  default_datastore=datastore)
    return built
