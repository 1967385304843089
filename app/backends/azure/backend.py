"""`AzureBackend`: the Backend protocol over an Azure ML workspace (SDK v1).

Open one with `AzureBackend.connect(...)` (the GUI wizard) or `from_location(path)`
(`--workspace azure:PATH/config.json`; an empty path searches upward for config.json).
Every method may call the service; the GUI runs them on a worker thread.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from app.backends.azure import computes, datasets, outputs
from app.backends.azure.connect import (DEFAULT_CLOUD, NO_NETWORK, NO_PERMISSION, SIGN_IN, WorkspaceRef,
                                        classify_connection_error, default_auth_mode, explain_connection_error,
                                        make_credential, open_workspace, token_authentication)
from app.backends.azure.monitor import (TAG_DATASET, TAG_METRIC, TAG_PARAMETERS, TAG_SPEC, TAG_TASK,
                                        RunMonitor)
from app.backends.azure.pipeline import compute_problems
from app.backends.azure.sdk import prepare_sdk
from app.core.backend import MODEL, Capabilities, DeletionPlan
from app.core.errors import NotAvailableError, NotFoundError, SpecError, UserInputError
from app.core.progress import Cancelled, Sink
from app.core.runs import ComputeTarget, DatasetVersion, ModelVersion, RunRecord, default_model_name
from app.core.spec import NAME_PATTERN, PipelineSpec, Problem
from app.core.validation import errors_only, validate_spec

RUN_LIST_LIMIT = 50


class AzureBackend:
    kind = "azure"
    capabilities = Capabilities(
        validation_target="azure", create_compute=True, register_iteration=True, delete=frozenset({MODEL}),
        unavailable={
            "predict": "Predicting with a model trained on Azure ML needs azureml-automl-runtime, which AutoML Desk "
                       "does not install: deploy the model on Azure ML or score it in an Azure ML environment.",
            "disk_usage": "An Azure ML workspace keeps its files in Azure storage; see its size in the Azure portal.",
            "delete": "On Azure ML only model versions can be deleted here; archive runs and unregister datasets "
                      "in Azure ML studio.",
        })

    def __init__(self, workspace, ref: WorkspaceRef | None = None, auth_mode: str = "",
                 step_scripts: Path | None = None, cache_dir: Path | None = None):
        self.workspace = workspace
        self.ref = ref or WorkspaceRef()
        self.auth_mode = auth_mode
        self.step_scripts = step_scripts
        self.cache_dir = cache_dir
        self._monitors: dict[str, RunMonitor] = {}

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def connect(cls, *, config_path: str | None = None, subscription_id: str | None = None,
                resource_group: str | None = None, workspace_name: str | None = None,
                auth: str | None = None, tenant_id: str | None = None,
                device_code_callback: Callable[[str], None] | None = None,
                persist_token_cache: bool = False, cloud: str = DEFAULT_CLOUD,
                telemetry: bool | None = None, **backend_options) -> "AzureBackend":
        """Sign in and open a workspace, by config.json (or upward search) or by its three names.

        `auth`: "cli" | "browser" | "device_code" | "service_principal" (default: see
        `connect.default_auth_mode`). `device_code_callback(message)` is called on the calling
        thread with the sign-in instructions. Raises UserInputError with what to do.
        """
        prepare_sdk(telemetry)
        mode = auth or default_auth_mode()
        credential = make_credential(mode, tenant_id=tenant_id, device_code_callback=device_code_callback,
                                     persist_token_cache=persist_token_cache)
        ref = WorkspaceRef(config_path=config_path, subscription_id=subscription_id,
                           resource_group=resource_group, workspace_name=workspace_name)
        workspace = open_workspace(ref, token_authentication(credential, cloud=cloud))
        return cls(workspace, ref=ref, auth_mode=mode, **backend_options)

    @classmethod
    def from_location(cls, path: str = "", **options) -> "AzureBackend":
        if path and not Path(path).expanduser().exists():
            raise UserInputError(f"Azure workspace config not found: {path}; download config.json from the "
                                 "workspace's Overview page in the Azure portal")
        return cls.connect(config_path=str(Path(path).expanduser()) if path else None, **options)

    def describe(self) -> dict:
        ws = self.workspace
        return {"kind": self.kind, "name": ws.name, "location": f"azure:{self.ref.config_path or ''}",
                "connected": True, "subscription_id": ws.subscription_id, "resource_group": ws.resource_group,
                "auth": self.auth_mode}

    # --- datasets ------------------------------------------------------------------------

    def list_datasets(self) -> list[DatasetVersion]:
        return datasets.list_datasets(self.workspace)

    def get_dataset(self, name: str, version: int | None = None) -> DatasetVersion:
        return datasets.record_of(datasets.get_dataset(self.workspace, name, version))

    def register_dataset(self, name: str, sources: list[str], description: str = "",
                         sink: Sink | None = None) -> DatasetVersion:
        return datasets.register_dataset(self.workspace, name, sources, description, sink)

    def preview_dataset(self, name: str, version: int | None = None, rows: int = 100):
        return datasets.preview(datasets.get_dataset(self.workspace, name, version), rows)

    # --- computes ------------------------------------------------------------------------

    def list_computes(self) -> list[ComputeTarget]:
        return computes.list_computes(self.workspace)

    def create_compute(self, target: ComputeTarget, sink: Sink | None = None) -> ComputeTarget:
        return computes.create_compute(self.workspace, target, sink)

    # --- pipelines -----------------------------------------------------------------------

    def validate(self, spec: PipelineSpec) -> list[Problem]:
        """The spec's own problems for Azure, then its compute names against the workspace."""
        return validate_spec(spec, target="azure") + compute_problems(spec, set(self.workspace.compute_targets))

    def submit(self, spec: PipelineSpec, parameters: dict | None = None, sink: Sink | None = None) -> str:
        from azureml.core import Experiment

        from app.backends.azure.pipeline import build_pipeline

        sink = sink or Sink()
        parameters = dict(parameters or {})
        unknown = sorted(set(parameters) - set(spec.parameters))
        if unknown:
            raise UserInputError(f"unknown parameter(s) {', '.join(unknown)}; the spec defines: "
                                 f"{', '.join(sorted(spec.parameters)) or 'none'}")
        errors = errors_only(self.validate(spec))
        if errors:
            raise SpecError(errors)
        try:
            sink.progress(0.1, f"looking up dataset {spec.dataset}")
            dataset = datasets.get_dataset(self.workspace, spec.dataset_name, spec.dataset_version)
            sink.check()
            sink.progress(0.3, "building the pipeline (AutoML validates its settings with the service)")
            built = build_pipeline(spec, self.workspace, dataset, self.workspace.get_default_datastore(),
                                   self.workspace.compute_targets, step_scripts=self.step_scripts)
            sink.check()
            values = {**spec.parameters, **parameters}
            sink.progress(0.7, f"submitting to experiment {spec.experiment} (uploads the step scripts)")
            run = Experiment(self.workspace, spec.experiment).submit(
                built.pipeline, pipeline_parameters={k: values[k] for k in built.parameters},
                tags={TAG_SPEC: spec.to_yaml(), TAG_PARAMETERS: json.dumps(values), TAG_TASK: spec.automl.task,
                      TAG_METRIC: spec.automl.metric, TAG_DATASET: f"{dataset.name}:{dataset.version}"})
        except (UserInputError, Cancelled):
            raise
        except Exception as exc:
            raise submission_error(exc, self.ref) from exc
        sink.progress(1.0, f"submitted run {run.id}")
        return run.id

    # --- runs ----------------------------------------------------------------------------

    def _pipeline_run(self, run_id: str):
        from azureml.core import Run
        from azureml.pipeline.core import PipelineRun

        try:
            run = Run.get(self.workspace, run_id)
        except Exception as exc:
            if "not found" in str(exc).lower() or "notfound" in str(exc).lower():
                raise NotFoundError(f"run '{run_id}' does not exist in this Azure ML workspace") from exc
            raise
        return run if isinstance(run, PipelineRun) else PipelineRun(run.experiment, run_id)

    def _monitor(self, run_id: str) -> RunMonitor:
        if run_id not in self._monitors:
            self._monitors[run_id] = RunMonitor(self._pipeline_run(run_id))
        return self._monitors[run_id]

    def get_run(self, run_id: str) -> RunRecord:
        return self._monitor(run_id).snapshot()

    def list_experiments(self) -> list[str]:
        from azureml.core import Experiment

        return sorted(e.name for e in Experiment.list(self.workspace))

    def list_runs(self, experiment: str | None = None) -> list[RunRecord]:
        from azureml.core import Experiment

        names = [experiment] if experiment else self.list_experiments()
        records = []
        for name in names:
            runs = Experiment(self.workspace, name).get_runs(type="azureml.PipelineRun")
            for index, run in enumerate(runs):
                if index >= RUN_LIST_LIMIT:
                    break
                records.append(RunMonitor(run).snapshot(with_iterations=False))
        return sorted(records, key=lambda r: r.created_at or 0, reverse=True)

    def cancel(self, run_id: str) -> None:
        self._monitor(run_id).run.cancel()

    def read_log(self, run_id: str, step: str, tail_bytes: int | None = None) -> str:
        """The step's driver log (`std_log.txt` or the older `70_driver_log.txt`)."""
        step_run = self._step_run(run_id, step)
        details = step_run.get_details_with_logs() if hasattr(step_run, "get_details_with_logs") else {}
        logs = details.get("logFiles") or {}
        text = next((logs[k] for k in sorted(logs) if k.endswith(("std_log.txt", "70_driver_log.txt"))), None)
        if text is None:
            text = "\n".join(f"== {k} ==\n{v}" for k, v in sorted(logs.items()))
        if not tail_bytes:
            return text
        return text.encode("utf-8")[-tail_bytes:].decode("utf-8", errors="ignore")

    def _step_run(self, run_id: str, step: str):
        found = [s for s in self._monitor(run_id).run.get_steps() if s.name == step]
        if not found:
            raise NotFoundError(f"run {run_id} has no step '{step}' (yet)")
        return found[0]

    def get_artifacts(self, run_id: str) -> dict:
        """Chart artifacts of the best iteration, as Azure stores them (its JSON schemas)."""
        record = self.get_run(run_id)
        if record.best_iteration is None:
            return {}
        best = next(it for it in record.iterations if it.iteration == record.best_iteration)
        child = next((c for c in self._step_run(run_id, "automl").get_children() if c.id == best.run_id), None)
        return outputs.chart_artifacts(child) if child is not None else {}

    def fetch_outputs(self, run_id: str, dest: Path | None = None, sink: Sink | None = None) -> dict[str, Path]:
        ws = self.workspace
        if dest is None:
            dest = outputs.run_cache_dir(f"{ws.subscription_id}_{ws.resource_group}_{ws.name}", run_id, self.cache_dir)
        return outputs.download_outputs(self._monitor(run_id).run, dest, sink)

    # --- models --------------------------------------------------------------------------

    def list_models(self) -> list[ModelVersion]:
        from azureml.core import Model

        return [model_record(m) for m in Model.list(self.workspace)]

    def get_model(self, name: str, version: int | None = None) -> ModelVersion:
        from azureml.core import Model

        try:
            return model_record(Model(self.workspace, name=name, version=version))
        except Exception as exc:
            if "not found" in str(exc).lower() or "notfound" in str(exc).lower():
                which = f"{name}:{version}" if version else name
                raise NotFoundError(f"model '{which}' is not registered in this Azure ML workspace") from exc
            raise


    # --- the Backend protocol's model and housekeeping calls, where Azure ML allows them ----

    def resolve_run_id(self, ref: str) -> str:
        """Azure ML looks runs up by their whole id only."""
        return ref

    def predict(self, name: str, version: int | None, data_path, out_path, sink: Sink | None = None,
                **options) -> dict:
        raise NotAvailableError(self.capabilities.why_not("predict"))

    def predict_next_periods(self, name: str, version: int | None, periods: int, out_path,
                             sink: Sink | None = None) -> dict:
        raise NotAvailableError(self.capabilities.why_not("predict"))

    def register_iteration(self, run_id: str, iteration: int, model_name: str | None = None,
                           sink: Sink | None = None) -> ModelVersion:
        """`AutoMLRun.register_model(iteration=…)` on the run's AutoML step."""
        from azureml.train.automl.run import AutoMLRun

        sink = sink or Sink()
        name = model_name or default_model_name(self.get_run(run_id))
        if not NAME_PATTERN.match(name or ""):
            raise UserInputError(f"'{name}' is not a model name; use letters, digits, '_', '-' or '.', "
                                 "starting with a letter or digit")
        step = self._step_run(run_id, "automl")
        sink.progress(None, f"registering iteration {iteration} as {name}")
        model = AutoMLRun(step.experiment, step.id).register_model(model_name=name, iteration=iteration)
        return model_record(model)

    def plan_delete(self, kind: str, ref, with_runs: bool = False) -> DeletionPlan:
        if kind != MODEL:
            raise NotAvailableError(self.capabilities.why_not("delete"))
        name, version = ref
        self.get_model(name, version)
        return ModelDeletion(models=[(name, int(version))])

    def delete(self, plan: DeletionPlan) -> dict:
        from azureml.core import Model

        if plan.runs or plan.datasets:
            raise NotAvailableError(self.capabilities.why_not("delete"))
        for name, version in plan.models:
            Model(self.workspace, name=name, version=version).delete()
        return {"runs": [], "datasets": [], "models": [f"{n}:{v}" for n, v in plan.models], "bytes_freed": 0}

    def disk_usage(self, top: int = 20) -> dict:
        raise NotAvailableError(self.capabilities.why_not("disk_usage"))


@dataclass
class ModelDeletion:
    """Model versions to delete from an Azure ML workspace (the service does not say their size)."""

    models: list[tuple[str, int]]
    runs: list[str] = field(default_factory=list)
    datasets: list[tuple[str, int]] = field(default_factory=list)

    def describe(self) -> str:
        return f"{len(self.models)} model version(s): " + ", ".join(f"{n}:{v}" for n, v in self.models)

    def size(self) -> int:
        return 0


def submission_error(exc: Exception, ref: WorkspaceRef) -> Exception:
    """Advice for a failed submission: the SDK's verdict on the settings, or what to do about access."""
    names = {t.__name__ for t in type(exc).__mro__}
    if names & {"ConfigException", "ValidationException", "InvalidValueException", "ArgumentException"}:
        return UserInputError(f"automl: the Azure ML SDK rejected the settings: {str(exc).strip().splitlines()[0]}")
    if classify_connection_error(exc) in (NO_NETWORK, SIGN_IN, NO_PERMISSION):
        return explain_connection_error(exc, ref)
    return exc


def model_record(model) -> ModelVersion:
    created = getattr(model, "created_time", None)
    properties = dict(model.properties or {})
    runtime = outputs.automl_runtime_message()
    if runtime:
        properties["predict_requirement"] = runtime
    return ModelVersion(
        name=model.name, version=int(model.version), path=f"azureml://models/{model.name}/{model.version}",
        content_hash=str(model.id), created_at=created.timestamp() if created else 0.0,
        run_id=model.run_id, properties={**properties, "tags": dict(model.tags or {}), "kind": "azure"})
