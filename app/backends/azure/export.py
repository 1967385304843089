"""Writes a spec as a standalone, readable Azure ML SDK v1 script (the seed sample, fixed).

The script builds the same graph as `app.backends.azure.pipeline.build_pipeline` (a test
executes both offline and compares them), passes a ComputeTarget object to AutoMLConfig,
imports what it uses, and relies on the bundled step scripts for data preparation (whose
fills work under current pandas, unlike the sample's chained `inplace` fills). It runs as
a file or in a notebook cell; nothing here imports azureml.
"""
from __future__ import annotations

import pprint
from dataclasses import dataclass, field

from app.backends.azure import pipeline as graph
from app.core.spec import PARAM_REF, PipelineSpec, Problem, copy_spec
from app.core.validation import validate_spec

# The sample's cluster: what a step on the local compute exports to unless told otherwise.
DEFAULT_CLUSTER = "cpu-cluster"
DEFAULT_VM_SIZE = "STANDARD_DS3_V2"
DEFAULT_MAX_NODES = 4

SUPPORT_NOTE = ("Azure ML SDK v1 was deprecated on 2025-03-31 and Microsoft ended its support on 2026-06-30:\n"
                "it keeps working, but receives no fixes; the successor is the v2 SDK (azure-ai-ml).")


def _py(value, indent: int = 0) -> str:
    """A Python literal for `value`, wrapped readably and indented for continuation lines."""
    text = pprint.pformat(value, width=max(60, 110 - indent), sort_dicts=False)
    return text.replace("\n", "\n" + " " * indent)


def _kwargs(items: dict, indent: int) -> str:
    pad = " " * indent
    return "".join(f"{pad}{key}={_py(value, indent + len(key) + 1)},\n" for key, value in items.items())


def _computes(spec: PipelineSpec) -> list[str]:
    steps = [s for s, part in (("data_prep", spec.data_prep), ("automl", spec.automl), ("register", spec.register))
             if part is not None]
    return sorted({spec.step_compute(s) for s in steps})


def _options(spec: PipelineSpec) -> str:
    if spec.data_prep is None or not spec.data_prep.is_bundled:
        return ""
    return ("# What the bundled dataprep.py does (drop, fill, bin, encode); it saves what it learned\n"
            f"DATAPREP_OPTIONS = {_py(spec.data_prep.options, 19)}\n")


@dataclass
class ExportTarget:
    """What the script needs beyond the spec: where to create the dataset from when the
    workspace lacks it, and what was changed to make the spec run on Azure."""

    dataset_sources: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def for_azure(spec: PipelineSpec, compute: str | None = None) -> tuple[PipelineSpec, list[str]]:
    """The one export rule (CLI and app): `compute` replaces every step's compute; otherwise
    steps on 'local' get the sample's cluster. Returns the changed copy and what changed."""
    out = copy_spec(spec)
    parts = [p for p in (out.data_prep, out.automl, out.register) if p is not None]
    if compute:
        out.compute = compute
        for part in parts:
            part.compute = None
        return out, [f"every step runs on compute '{compute}'"]
    moved = []
    if out.compute == "local":
        out.compute, moved = DEFAULT_CLUSTER, ["compute"]
    for name, part in (("data_prep", out.data_prep), ("automl", out.automl), ("register", out.register)):
        if part is not None and part.compute == "local":
            part.compute = DEFAULT_CLUSTER
            moved.append(f"{name}.compute")
    if not moved:
        return out, []
    return out, [f"{', '.join(moved)}: 'local' exported as '{DEFAULT_CLUSTER}' (the sample's cluster, created "
                 f"if missing); choose another with --compute NAME"]


def _header(spec: PipelineSpec, target: ExportTarget) -> str:
    notes = "".join(f"# Note: {note}\n" for note in target.notes)
    dropped = ""
    if spec.automl.local:
        dropped = ("\n# Local-only settings of the spec, dropped because Azure has no equivalent:\n"
                   f"#   automl.local: {spec.automl.local!r}\n")
    return f'''"""{spec.experiment}: automated-ML pipeline for Azure ML (SDK v1), exported by AutoML Desk.

data_prep -> automl -> register, as in the Azure ML AutoMLStep sample. Needs the packages
azureml-core, azureml-pipeline and azureml-train-automl-client (Python 3.8-3.11), the
workspace's config.json (Workspace.from_config searches upward for it) and the folder
step_scripts/ (dataprep.py, register_model.py) beside this file.
Run it as a script, or in a notebook cell: it submits the run when executed as __main__.

{SUPPORT_NOTE}
"""
import json
import os

from azureml.core import Dataset, Environment, Experiment, Workspace
from azureml.core.compute import AmlCompute, ComputeTarget
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.runconfig import RunConfiguration
from azureml.data import OutputFileDatasetConfig
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter, TrainingOutput
from azureml.pipeline.steps import AutoMLStep, PythonScriptStep
from azureml.train.automl import AutoMLConfig
{"from azureml.automl.core.forecasting_parameters import ForecastingParameters" + chr(10) if spec.automl.forecasting else ""}
HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()
STEP_SCRIPTS = os.path.join(HERE, "step_scripts")
EXPERIMENT_NAME = {spec.experiment!r}
DATASET_NAME = {spec.dataset_name!r}
DATASET_VERSION = {_py(spec.dataset_version or "latest")}
COMPUTE_NAMES = {_py(_computes(spec))}
# A missing cluster is created with these (AmlCompute.provisioning_configuration)
NEW_CLUSTER_VM_SIZE = {DEFAULT_VM_SIZE!r}
NEW_CLUSTER_MAX_NODES = {DEFAULT_MAX_NODES}
# Where a missing dataset is created from: files are uploaded to the default datastore
DATASET_SOURCES = {_py(list(target.dataset_sources), 18)}
PIPELINE_PARAMETERS = {_py(dict(spec.parameters), 22)}
{notes}{_options(spec)}{dropped}

def step_run_config(compute_name):
    """What the step scripts need on the compute: pandas/pyarrow, and azureml-defaults for registering."""
    run_config = RunConfiguration()
    run_config.target = compute_name
    run_config.environment = Environment({graph.ENVIRONMENT_NAME!r})
    run_config.environment.python.conda_dependencies = CondaDependencies.create(
        python_version={graph.PYTHON_VERSION!r}, pip_packages={_py(list(graph.STEP_PIP_PACKAGES), 45)})
    return run_config
'''


def _dataprep(spec: PipelineSpec) -> str:
    prep = spec.data_prep
    compute = spec.step_compute("data_prep")
    if prep.is_bundled:
        source, script = "STEP_SCRIPTS", graph.DATAPREP_SCRIPT
        extra = f'"--options", json.dumps(DATAPREP_OPTIONS, sort_keys=True), "--label", {spec.automl.label_column_name!r}'
    else:
        path = prep.script.replace("\\", "/")
        folder, _, script = path.rpartition("/")
        source = f"os.path.join(HERE, {folder or '.'!r})"
        extra = ", ".join(_py(str(a)) for a in prep.arguments)
    ports = '"--input", raw_data, "--output", prepared_data'
    arguments = ", ".join(part for part in ((ports, extra) if prep.is_bundled else (extra, ports)) if part)
    return f'''
    # data_prep: the registered tabular dataset reaches the script as Parquet files (CSV
    # files from to_csv_files() leave commas inside text unquoted); the prepared table comes
    # back as Parquet for AutoML.
    raw_data = dataset.to_parquet_files().as_named_input({graph.dataset_input_name(spec)!r}).as_download()
    prepared_data = OutputFileDatasetConfig(
        name={graph.PREPARED_DATA!r}, destination=(datastore, "{graph.OUTPUT_ROOT}/{graph.PREPARED_DATA}/{{run-id}}"))
    steps.append(PythonScriptStep(
        name="data_prep", script_name={script!r}, source_directory={source},
        arguments=[{arguments}],
        compute_target=computes[{compute!r}], runconfig=step_run_config({compute!r}),
        allow_reuse={prep.allow_reuse!r}))
    training_data = prepared_data.read_parquet_files(path_glob="*.parquet")
'''


def _automl(spec: PipelineSpec) -> str:
    settings = spec.automl.automl_config_kwargs()
    settings = {"task": settings.pop("task"), **settings}
    compute = spec.step_compute("automl")
    forecasting = ""
    if spec.automl.forecasting:
        forecasting = ("        forecasting_parameters=ForecastingParameters(\n"
                       + _kwargs(spec.automl.forecasting, 12) + "        ),\n")
    return f'''
    # automl: AutoMLStep reads compute_target.type, so it must be a ComputeTarget object.
    # force_curated_environment: AutoML's curated (production) environment even where the
    # installed SDK reports itself a non-production build.
    metrics_data = PipelineData({graph.METRICS_DATA!r}, datastore=datastore, pipeline_output_name={graph.METRICS_OUTPUT!r},
                                training_output=TrainingOutput(type="Metrics"))
    model_data = PipelineData({graph.MODEL_DATA!r}, datastore=datastore, pipeline_output_name={graph.MODEL_OUTPUT!r},
                              training_output=TrainingOutput(type="Model"))
    automl_config = AutoMLConfig(
{_kwargs(settings, 8)}{forecasting}        training_data=training_data,
        compute_target=computes[{compute!r}],
        path=STEP_SCRIPTS,
        debug_log={graph.SDK_DEBUG_LOG!r},
        force_curated_environment=True,
    )
    steps.append(AutoMLStep(
        name="automl", automl_config=automl_config, outputs=[metrics_data, model_data],
        enable_default_model_output=False, enable_default_metrics_output=False,
        allow_reuse={spec.automl.allow_reuse!r}))
'''


def _register(spec: PipelineSpec) -> str:
    reg = spec.register
    compute = spec.step_compute("register")
    match = PARAM_REF.match(str(reg.model_name))
    model_name = f"parameters[{match.group(1)!r}]" if match else _py(str(reg.model_name))
    with_params = (f'"--dataprep-params", prepared_data.as_input({graph.PREPARED_DATA!r}),\n                   '
                   if spec.data_prep is not None else "")
    properties = ", ".join(_py(a) for a in graph.register_properties(spec))
    return f'''
    # register: the best model becomes the next version of the model name; its metrics and
    # the fitted data-prep parameters are registered with it, so predictions apply them.
    registration = OutputFileDatasetConfig(
        name={graph.REGISTRATION!r}, destination=(datastore, "{graph.OUTPUT_ROOT}/{graph.REGISTRATION}/{{run-id}}"))
    steps.append(PythonScriptStep(
        name="register", script_name={graph.REGISTER_SCRIPT!r}, source_directory=STEP_SCRIPTS,
        arguments=["--model", model_data, "--metrics", metrics_data,
                   {with_params}"--model-name", {model_name}, "--output", registration, "--mode", "azure",
                   {properties}],
        inputs=[model_data, metrics_data], compute_target=computes[{compute!r}], runconfig=step_run_config({compute!r}),
        allow_reuse={reg.allow_reuse!r}))
'''


GET_OR_CREATE = '''

def get_or_create_dataset(ws, datastore):
    """The registered dataset, or (as the sample does) a new version made from DATASET_SOURCES."""
    if DATASET_NAME in ws.datasets:
        return Dataset.get_by_name(ws, DATASET_NAME, version=DATASET_VERSION)
    if not DATASET_SOURCES:
        raise SystemExit(f"dataset {DATASET_NAME} is not registered in {ws.name}; register it or fill DATASET_SOURCES")
    paths = [source for source in DATASET_SOURCES if source.startswith(("http://", "https://"))]
    files = [source for source in DATASET_SOURCES if source not in paths]
    if files:
        target = "automl-desk/datasets/" + DATASET_NAME
        datastore.upload_files(files, target_path=target, overwrite=True, show_progress=True)
        paths += [(datastore, target + "/" + os.path.basename(f)) for f in files]
    if all(str(p if isinstance(p, str) else p[1]).lower().endswith(".parquet") for p in paths):
        dataset = Dataset.Tabular.from_parquet_files(path=paths)
    else:
        dataset = Dataset.Tabular.from_delimited_files(path=paths)
    return dataset.register(workspace=ws, name=DATASET_NAME, create_new_version=True)


def get_or_create_cluster(ws, name):
    """The compute target, or a new AmlCompute cluster (scales to 0 nodes when idle)."""
    if name in ws.compute_targets:
        return ws.compute_targets[name]
    print("Creating compute cluster", name)
    config = AmlCompute.provisioning_configuration(vm_size=NEW_CLUSTER_VM_SIZE, max_nodes=NEW_CLUSTER_MAX_NODES)
    cluster = ComputeTarget.create(ws, name, config)
    cluster.wait_for_completion(show_output=True, timeout_in_minutes=20)
    return cluster
'''


def _main(spec: PipelineSpec) -> str:
    return GET_OR_CREATE + f'''

if __name__ == "__main__":
    ws = Workspace.from_config()
    datastore = ws.get_default_datastore()
    dataset = get_or_create_dataset(ws, datastore)
    computes = {{name: get_or_create_cluster(ws, name) for name in COMPUTE_NAMES}}
    pipeline = build_pipeline(ws, dataset, datastore, computes)
    used = {{name: value for name, value in PIPELINE_PARAMETERS.items() if name in pipeline.graph.params}}
    run = Experiment(ws, EXPERIMENT_NAME).submit(pipeline, pipeline_parameters=used)
    print("Submitted run", run.id, run.get_portal_url())
    run.wait_for_completion(show_output=True)

    # The metrics output: {{"<automl step run id>_<n>": {{"metric": [value]}}}}, downloaded to
    # ./azureml/<automl step run id>/metrics_data (a JSON file without extension).
    metrics_output = run.get_pipeline_output({graph.METRICS_OUTPUT!r})
    metrics_output.download(".", show_progress=True)
    with open(metrics_output.path_on_datastore) as handle:
        metrics = json.load(handle)
    for child_run_id, values in sorted(metrics.items()):
        print(child_run_id, values.get({spec.automl.metric!r}))
'''


def export_script(spec: PipelineSpec, target: ExportTarget | None = None) -> str:
    """The standalone SDK v1 script equivalent to `spec` (see the module doc)."""
    target = target or ExportTarget()
    body = ['''

def build_pipeline(ws, dataset, datastore, computes):
    """The pipeline graph; `computes` maps compute names to ComputeTarget objects."""
    parameters = {name: PipelineParameter(name=name, default_value=value)
                  for name, value in PIPELINE_PARAMETERS.items()}
    steps = []
    training_data = dataset
''']
    if spec.data_prep is not None:
        body.append(_dataprep(spec))
    body.append(_automl(spec))
    if spec.register is not None:
        body.append(_register(spec))
    description = spec.description or f"AutoML Desk pipeline {spec.experiment}"
    body.append(f'''
    return Pipeline(workspace=ws, steps=steps, description={description!r}, default_datastore=datastore)
''')
    return _header(spec, target) + "".join(body) + _main(spec)


def export_problems(spec: PipelineSpec) -> list[Problem]:
    """What stops `spec` from running on Azure: Azure's limits, and a 'local' compute."""
    return validate_spec(spec, target="azure") + graph.compute_problems(spec)
