"""AzureBackend over an offline workspace: protocol, validation at the field, submission."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from app.backends.azure.backend import AzureBackend
from app.backends.azure.monitor import TAG_PARAMETERS, TAG_SPEC, RunMonitor
from app.core.backend import Backend
from app.core.errors import SpecError, UserInputError
from app.core.runs import ComputeTarget
from app.core.spec import load_spec, parse_spec
from app.locator import example_spec
from .fake_runs import FakeRun
from .fake_runs import FakePipelineRun


@pytest.fixture()
def backend(offline, step_scripts):
    return AzureBackend(offline.OfflineWorkspace(), step_scripts=step_scripts)


def azure_spec():
    spec = load_spec(example_spec())
    spec.compute = "cpu-cluster"
    return spec


def test_is_a_backend(backend):
    assert isinstance(backend, Backend) and backend.kind == "azure"
    assert backend.describe()["name"] == "ws"


def test_validate_points_at_the_compute_field(backend):
    spec = load_spec(example_spec())          # compute: local
    spec.automl.compute = "gpu-cluster"
    problems = {p.path: p.message for p in backend.validate(spec)}
    assert "cannot run on 'local'" in problems["compute"] and "cpu-cluster" in problems["compute"]
    assert "'gpu-cluster' is not a compute target" in problems["automl.compute"]


def test_validate_applies_azures_timeout_minimum(backend):
    spec = azure_spec()
    spec.automl.experiment_timeout_hours = 0.2
    spec.automl.iteration_timeout_minutes = 5
    problems = {p.path: p.message for p in backend.validate(spec)}
    assert "15 minutes" in problems["automl.experiment_timeout_hours"]


def test_submit_refuses_an_invalid_spec_before_any_call(backend):
    spec = azure_spec()
    spec.compute = "local"
    with pytest.raises(SpecError, match="compute"):
        backend.submit(spec)
    with pytest.raises(UserInputError, match="unknown parameter"):
        backend.submit(azure_spec(), {"model_nme": "x"})


def test_submit_builds_the_graph_and_passes_parameters_and_tags(backend, offline, monkeypatch):
    import azureml.core
    import azureml.pipeline.steps  # noqa: F401  (bound to the real Experiment before the patch below)
    from azureml.core import Dataset

    submitted = {}

    class FakeExperiment:
        def __init__(self, workspace, name):
            submitted["experiment"] = name

        def submit(self, pipeline, pipeline_parameters=None, tags=None):
            submitted.update(pipeline=pipeline, parameters=pipeline_parameters, tags=tags)
            return SimpleNamespace(id="pipe-42")

    ws = backend.workspace
    monkeypatch.setattr(azureml.core, "Experiment", FakeExperiment)
    monkeypatch.setattr(Dataset, "get_by_name", staticmethod(lambda w, name, version="latest": offline.registered_dataset(ws, name, 3)))
    with offline.offline_pipeline_patches():
        run_id = backend.submit(azure_spec(), {"model_name": "TitanicV2"})
    assert run_id == "pipe-42" and submitted["experiment"] == "titanic_automl"
    assert submitted["parameters"] == {"model_name": "TitanicV2"}
    assert {n.name for n in submitted["pipeline"].graph.module_nodes} == {"data_prep", "automl", "register"}
    tags = submitted["tags"]
    assert json.loads(tags[TAG_PARAMETERS]) == {"model_name": "TitanicV2"}
    assert parse_spec(tags[TAG_SPEC]).automl.primary_metric == "AUC_weighted"
    assert tags["automl_desk.dataset"] == "titanic_ds:3"


def test_list_computes_gives_records(backend):
    assert backend.list_computes() == [ComputeTarget(name="cpu-cluster", kind="AmlCompute", vm_size="STANDARD_DS3_V2",
                                                     min_nodes=0, max_nodes=4, priority="Dedicated", state="Succeeded")]


def test_create_compute_reports_provisioning(backend, offline, monkeypatch):
    from azureml.core.compute import ComputeTarget as SdkComputeTarget

    states = iter(["Creating", "Creating", "Succeeded"])
    cluster = offline.OfflineWorkspace(computes=("new-cluster",)).compute_targets["new-cluster"]
    cluster.refresh_state = lambda: setattr(cluster, "provisioning_state", next(states))
    requested = {}

    def create(workspace, name, config):
        requested.update(name=name, vm_size=config.vm_size, max_nodes=config.scale_settings.maximum_node_count,
                         priority=config.vm_priority)
        return cluster

    monkeypatch.setattr(SdkComputeTarget, "create", staticmethod(create))
    from app.backends.azure import computes
    from app.core.progress import Sink

    sink = Sink()
    made = computes.create_compute(backend.workspace, ComputeTarget("new-cluster", "AmlCompute", "STANDARD_DS3_V2",
                                                                    0, 4, "LowPriority"), sink, sleep=lambda s: None)
    assert requested == {"name": "new-cluster", "vm_size": "STANDARD_DS3_V2", "max_nodes": 4,
                         "priority": "lowpriority"}
    assert [m for _, m in sink.messages][1:] == ["new-cluster: Creating (0 s)", "new-cluster: Creating (0 s)",
                                                 "new-cluster: Succeeded (0 s)"]
    assert made.state == "Succeeded"


def _provisioning(offline, monkeypatch, states):
    from azureml.core.compute import ComputeTarget as SdkComputeTarget

    cluster = offline.OfflineWorkspace(computes=("new-cluster",)).compute_targets["new-cluster"]
    cluster.refresh_state = lambda: setattr(cluster, "provisioning_state", next(states))
    monkeypatch.setattr(SdkComputeTarget, "create", staticmethod(lambda ws, name, config: cluster))


def test_create_compute_shows_states_as_progress_and_gives_up_at_the_timeout(backend, offline, monkeypatch):
    from app.backends.azure import computes
    from app.core.progress import Sink

    _provisioning(offline, monkeypatch, iter(["Creating", "Creating", "Resizing", "Creating"]))
    clock = iter([0.0, 0.0, 300.0, 600.0, 900.0])
    sink = Sink()
    with pytest.raises(UserInputError, match="still Creating after 15 minutes; Azure keeps provisioning"):
        computes.create_compute(backend.workspace, ComputeTarget("new-cluster", "AmlCompute", "STANDARD_DS3_V2", 0, 2),
                                sink, sleep=lambda s: None, timeout_minutes=15, clock=lambda: next(clock))
    assert [(round(f, 2), m) for f, m in sink.messages[1:]] == [
        (0.0, "new-cluster: Creating (0 s)"), (0.33, "new-cluster: Creating (300 s)"),
        (0.67, "new-cluster: Resizing (600 s)"), (0.99, "new-cluster: Creating (900 s)")]


def test_cancelling_the_wait_says_azure_keeps_provisioning(backend, offline, monkeypatch):
    from app.backends.azure import computes
    from app.core.progress import Cancelled, Sink

    _provisioning(offline, monkeypatch, iter(["Creating"] * 5))
    sink = Sink()
    sink.on_progress = lambda fraction, message: sink.cancel() if "Creating" in message else None
    with pytest.raises(Cancelled, match="Azure keeps provisioning new-cluster"):
        computes.create_compute(backend.workspace, ComputeTarget("new-cluster", "AmlCompute", "STANDARD_DS3_V2", 0, 2),
                                sink, sleep=lambda s: None)


def test_create_compute_refuses_bad_sizes_and_existing_names(backend):
    with pytest.raises(UserInputError, match="already exists"):
        backend.create_compute(ComputeTarget("cpu-cluster", "AmlCompute", "STANDARD_DS3_V2", 0, 2))
    with pytest.raises(UserInputError, match="minimum <= maximum"):
        backend.create_compute(ComputeTarget("c2", "AmlCompute", "STANDARD_DS3_V2", 3, 2))


def test_get_run_cancel_and_fetch_outputs_use_the_same_run(backend, tmp_path):
    run = FakePipelineRun()
    run.children.append(FakeRun("prep", name="data_prep").finish())
    backend._monitors["pipe-9"] = RunMonitor(run)
    assert backend.get_run("pipe-9").status == "Completed"
    paths = backend.fetch_outputs("pipe-9", tmp_path)
    assert paths["metrics_data"].name == "metrics_data"
    backend.cancel("pipe-9")
    assert run.calls["cancel"] == 1


def test_from_location_with_a_missing_config_says_where_to_get_one(tmp_path):
    with pytest.raises(UserInputError, match="download config.json"):
        AzureBackend.from_location(str(tmp_path / "nope" / "config.json"))


def test_list_experiments_and_runs(backend, monkeypatch):
    import azureml.core
    import azureml.pipeline.steps  # noqa: F401  (bound to the real Experiment before the patch below)

    older = FakeRun("pipe-old", status="Finished", started="2026-04-01T09:00:00Z").finish(ended="2026-04-01T10:00:00Z")
    newer = FakeRun("pipe-new", status="Running", started="2026-05-02T09:00:00Z")
    newer.children.append(FakeRun("s1", name="data_prep", status="Running"))

    class FakeExperiment:
        def __init__(self, workspace, name):
            self.name = name

        @staticmethod
        def list(workspace):
            return [SimpleNamespace(name="zeta"), SimpleNamespace(name="titanic_automl")]

        def get_runs(self, type=None):
            assert type == "azureml.PipelineRun"
            return iter([newer, older] if self.name == "titanic_automl" else [])

    monkeypatch.setattr(azureml.core, "Experiment", FakeExperiment)
    assert backend.list_experiments() == ["titanic_automl", "zeta"]
    runs = backend.list_runs("titanic_automl")
    assert [(r.run_id, r.status) for r in runs] == [("pipe-new", "Running"), ("pipe-old", "Completed")]
    assert runs[0].steps[0].name == "data_prep" and runs[0].iterations == []


def test_read_log_returns_the_step_driver_log_tail(backend):
    run = FakeRun("pipe-5", status="Running")
    step = FakeRun("s-prep", name="data_prep", status="Failed")
    step.get_details_with_logs = lambda: {"logFiles": {"user_logs/std_log.txt": "reading input\nKeyError: 'Age'\n",
                                                       "system_logs/lifecycler.log": "noise"}}
    run.children.append(step)
    backend._monitors["pipe-5"] = RunMonitor(run)
    assert backend.read_log("pipe-5", "data_prep", tail_bytes=16) == "KeyError: 'Age'\n"
    with pytest.raises(UserInputError, match="no step 'register'"):
        backend.read_log("pipe-5", "register")


def test_models_are_listed_with_the_predict_requirement(backend, monkeypatch):
    from datetime import datetime, timezone

    from azureml.core import Model

    from app.backends.azure import outputs

    model = SimpleNamespace(name="TitanicSurvivalInitial", version=2, id="TitanicSurvivalInitial:2", run_id="reg-1",
                            created_time=datetime(2026, 5, 1, tzinfo=timezone.utc),
                            properties={"task": "classification"}, tags={"dataset": "titanic_ds"})
    monkeypatch.setattr(Model, "list", staticmethod(lambda ws: [model]))
    monkeypatch.setattr(outputs, "automl_runtime_message", lambda: "needs azureml-automl-runtime")
    listed, = backend.list_models()
    assert (listed.name, listed.version, listed.run_id) == ("TitanicSurvivalInitial", 2, "reg-1")
    assert listed.created_at == datetime(2026, 5, 1, tzinfo=timezone.utc).timestamp()
    assert listed.properties["predict_requirement"] == "needs azureml-automl-runtime"
    assert listed.properties["task"] == "classification" and listed.properties["kind"] == "azure"


class ConfigException(Exception):
    """Named like the SDK's settings error."""


@pytest.mark.parametrize("raised, expected", [
    (ConfigException("Argument [experiment_timeout_minutes] is out of range.\nMore text"),
     "automl: the Azure ML SDK rejected the settings: Argument [experiment_timeout_minutes] is out of range."),
    (ConnectionError("Max retries exceeded with url: /dataset"), "Azure could not be reached"),
])
def test_submission_failures_become_advice(backend, monkeypatch, raised, expected):
    from app.backends.azure import datasets

    def fail(*args, **kwargs):
        raise raised

    monkeypatch.setattr(datasets, "get_dataset", fail)
    with pytest.raises(UserInputError) as info:
        backend.submit(azure_spec())
    assert expected in str(info.value)
