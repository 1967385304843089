"""One in-memory Backend for the desktop and command-line tests; no Qt, usable from worker threads.

Datasets are read from real files; runs are either submitted (their status advances one step of
`script` per get_run) or added finished / live (a live run gains iterations on every get_run);
models can be added, registered from an iteration, predicted with, deleted. `kind="azure"`
gives Azure's capabilities: no predict, no disk usage, only model versions deleted.
"""
from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.core import metrics as metrics_io
from app.core import runs as rs
from app.core.backend import DATASET, MODEL, RUN, Capabilities
from app.core.errors import InUseError, NotAvailableError, NotFoundError, SpecError, UserInputError
from app.core.runs import ComputeTarget, DatasetVersion, IterationRecord, ModelVersion, RunRecord, StepRunRecord
from app.core.spec import Problem
from app.core.validation import errors_only, validate_spec
from app.ui.data_preview import check_label, read_file_head

from tests.fakes.runs import classification_artifacts, make_iteration

LOCAL = Capabilities(validation_target="local", predict=True, register_iteration=True,
                     delete=frozenset({RUN, DATASET, MODEL}), disk_usage=True,
                     unavailable={"create_compute": "Local workspaces run every step on this machine."})
AZURE = Capabilities(validation_target="azure", create_compute=True, register_iteration=True,
                     delete=frozenset({MODEL}),
                     unavailable={"predict": "Azure models need azureml-automl-runtime; score them on Azure ML.",
                                  "disk_usage": "Azure keeps the files in its storage; see the Azure portal.",
                                  "delete": "Only model versions can be deleted on Azure ML here."})


@dataclass
class FakeDeletion:
    runs: list[str] = field(default_factory=list)
    datasets: list[tuple[str, int]] = field(default_factory=list)
    models: list[tuple[str, int]] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{len(items)} {what}: {', '.join(items)}" for what, items in (
            ("run(s)", self.runs), ("dataset version(s)", [f"{n}:{v}" for n, v in self.datasets]),
            ("model version(s)", [f"{n}:{v}" for n, v in self.models])) if items]
        return "; ".join(parts)

    def size(self) -> int:
        return 1000 * (len(self.runs) + len(self.datasets) + len(self.models))


class FakeBackend:
    def __init__(self, kind: str = "local", name: str = "fake", location: str = "memory",
                 outputs_dir: Path | None = None):
        self.kind, self.name, self.location = kind, name, location
        self.capabilities = AZURE if kind == "azure" else LOCAL
        self._lock = threading.Lock()
        self.frames: dict[tuple[str, int], object] = {}
        self.datasets: list[DatasetVersion] = []
        self.computes = [ComputeTarget("cpu-cluster", "AmlCompute", "STANDARD_DS3_V2", 0, 4)] if kind == "azure" \
            else [ComputeTarget("local")]
        self.runs: dict[str, RunRecord] = {}
        self.models: list[ModelVersion] = []
        self._pending: dict[str, list[IterationRecord]] = {}
        self._per_poll: dict[str, int] = {}
        self._scripted: set[str] = set()
        self._artifacts: dict[str, dict] = {}
        self._logs: dict[tuple[str, str], str] = {}
        self.outputs_dir = outputs_dir
        self.submitted: list[tuple] = []
        self.cancelled: list[str] = []
        self.predicted: list[tuple] = []
        self.script: list[str] = [rs.QUEUED, rs.RUNNING, rs.COMPLETED]
        self.fail_message = "AutoML step failed: label has NaN"

    def describe(self) -> dict:
        return {"kind": self.kind, "name": self.name, "location": self.location, "connected": True}

    # -- datasets and computes -------------------------------------------------------------------
    def list_datasets(self):
        return sorted(self.datasets, key=lambda d: (d.name, -d.version))

    def get_dataset(self, name, version=None):
        matches = [d for d in self.datasets if d.name == name and (version is None or d.version == version)]
        if not matches:
            raise NotFoundError(f"dataset not found: {name}")
        return max(matches, key=lambda d: d.version)

    def register_dataset(self, name, sources, description="", sink=None):
        if not sources:
            raise UserInputError("give at least one file")
        frame = read_file_head(sources[0], rows=10_000)
        version = 1 + max((d.version for d in self.datasets if d.name == name), default=0)
        ds = DatasetVersion(name, version, list(sources), "hash", time.time(), len(frame),
                            [str(c) for c in frame.columns], None, description)
        self.frames[(name, version)] = frame
        self.datasets.append(ds)
        return ds

    def preview_dataset(self, name, version=None, rows=100):
        ds = self.get_dataset(name, version)
        return self.frames[(ds.name, ds.version)].head(rows)

    def list_computes(self):
        return list(self.computes)

    def create_compute(self, target, sink=None):
        self.computes.append(target)
        return target

    # -- pipelines and runs ----------------------------------------------------------------------
    def validate(self, spec):
        problems = validate_spec(spec, self.capabilities.validation_target)
        try:
            frame = self.preview_dataset(spec.dataset_name, spec.dataset_version, rows=10_000)
        except NotFoundError as exc:
            return problems + [Problem("dataset", str(exc))]
        problem = check_label(frame, spec.automl.label_column_name)
        if problem and spec.automl.label_column_name:
            problems.append(Problem("automl.label_column_name", problem))
        return problems

    def submit(self, spec, parameters=None, sink=None):
        errors = errors_only(self.validate(spec))
        if errors:
            raise SpecError(errors)
        with self._lock:
            run_id = f"run_{len(self.runs) + 1}"
            self.submitted.append((spec, dict(parameters or {})))
            self.runs[run_id] = RunRecord(run_id, spec.experiment, rs.NOT_STARTED, created_at=time.time(),
                                          primary_metric=spec.automl.metric, task=spec.automl.task,
                                          steps=[StepRunRecord(f"{run_id}_automl", "automl")])
            self._scripted.add(run_id)
        return run_id

    def add_run(self, run_id: str, experiment: str = "titanic", iterations: int = 10, task: str = "classification",
                seed: int = 0, status: str = rs.COMPLETED, primary_metric: str = "") -> RunRecord:
        """A run with `iterations` iterations, finished unless `status` says otherwise."""
        primary = primary_metric or ("AUC_weighted" if task == "classification"
                                     else "normalized_root_mean_squared_error")
        now = time.time()
        step_id = f"{run_id}_automl"
        done = status == rs.COMPLETED
        run = RunRecord(run_id=run_id, experiment=experiment, status=status, created_at=now - 300,
                        started_at=now - 290, ended_at=None if status in rs.ACTIVE else now - 10,
                        primary_metric=primary, task=task, parameters={"label": "Survived"},
                        spec_yaml=f"name: {experiment}\nautoml:\n  task: {task}\n  primary_metric: {primary}\n",
                        dataset="titanic:1",
                        steps=[StepRunRecord(f"{run_id}_data_prep", "data_prep", rs.COMPLETED, reused=True,
                                             started_at=now - 290, ended_at=now - 280),
                               StepRunRecord(step_id, "automl", rs.COMPLETED if done else status,
                                             started_at=now - 280, ended_at=None if status in rs.ACTIVE else now - 20),
                               StepRunRecord(f"{run_id}_register", "register", rs.COMPLETED if done else rs.NOT_STARTED,
                                             started_at=now - 20 if done else None, ended_at=now - 10 if done else None)],
                        iterations=[make_iteration(step_id, n, task, seed) for n in range(iterations)],
                        properties={"guardrails": [{"name": "Class balancing detection", "result": "Passed"}],
                                    "stop_reason": "iterations reached", "seed": seed})
        self._update_best(run)
        with self._lock:
            self.runs[run_id] = run
            self._artifacts[run_id] = classification_artifacts(seed) if task == "classification" else {}
            for step in ("automl", "register"):          # data_prep is reused: it has no log
                self._logs[(run_id, step)] = f"{step} started\n"
        return run

    def add_live_run(self, run_id: str, total: int, per_poll: int = 1, **kwargs) -> RunRecord:
        """A Running run that gains `per_poll` iterations on every get_run until it has `total`."""
        run = self.add_run(run_id, iterations=total, status=rs.RUNNING, **kwargs)
        with self._lock:
            self._pending[run_id] = run.iterations
            run.iterations = []
            run.phase = "searching: iteration 0"
            self._per_poll[run_id] = per_poll
        self._update_best(run)
        return run

    def full_iterations(self, run_id: str) -> list[IterationRecord]:
        with self._lock:
            return list(self.runs[run_id].iterations) + list(self._pending.get(run_id, []))

    @staticmethod
    def _update_best(run: RunRecord) -> None:
        values = [it.metrics.get(run.primary_metric) for it in run.iterations]
        best = metrics_io.best_index(values, run.primary_metric)
        run.best_iteration = None if best is None else run.iterations[best].iteration
        run.best_metric = None if best is None else values[best]

    def _advance(self, run: RunRecord) -> None:
        if run.run_id in self._scripted:
            self._advance_scripted(run)
            return
        pending = self._pending.get(run.run_id)
        if not pending:
            return
        step = self._per_poll[run.run_id]
        new, self._pending[run.run_id] = pending[:step], pending[step:]
        run.iterations.extend(new)
        self._logs[(run.run_id, "automl")] += "".join(
            f"iteration {it.iteration}: {it.pipeline} {run.primary_metric}={it.metrics[run.primary_metric]:.4f}\n"
            for it in new)
        run.phase = f"searching: iteration {len(run.iterations)}"
        self._update_best(run)
        if not self._pending[run.run_id]:
            run.status, run.phase, run.ended_at = rs.COMPLETED, "", time.time()
            for s in run.steps:
                s.status, s.ended_at = rs.COMPLETED, s.ended_at or time.time()

    def _advance_scripted(self, run: RunRecord) -> None:
        if run.status == rs.CANCEL_REQUESTED:
            run.status = rs.CANCELED
        elif run.status not in rs.TERMINAL:
            order = self.script
            index = order.index(run.status) + 1 if run.status in order else 0
            run.status = order[min(index, len(order) - 1)]
            if run.status == rs.FAILED:
                run.error = self.fail_message
                run.steps[0].status = rs.FAILED

    def resolve_run_id(self, ref: str) -> str:
        with self._lock:
            matches = [r for r in self.runs if r == ref] or [r for r in self.runs if ref and r.startswith(ref)]
        if len(matches) != 1:
            raise NotFoundError(f"no run '{ref}'") if not matches else UserInputError(f"'{ref}' matches several runs")
        return matches[0]

    def get_run(self, run_id: str) -> RunRecord:
        run_id = self.resolve_run_id(run_id)
        with self._lock:
            run = self.runs[run_id]
            self._advance(run)
            snapshot = copy.copy(run)
            snapshot.steps = [copy.copy(s) for s in run.steps]
            snapshot.iterations = list(run.iterations)
            return snapshot

    def list_experiments(self) -> list[str]:
        with self._lock:
            return sorted({r.experiment for r in self.runs.values()})

    def list_runs(self, experiment: str | None = None) -> list[RunRecord]:
        with self._lock:
            chosen = [r for r in self.runs.values() if experiment in (None, r.experiment)]
            listed = [copy.copy(r) for r in sorted(chosen, key=lambda r: r.created_at or 0, reverse=True)]
        for r in listed:
            r.iterations = []
        return listed

    def cancel(self, run_id: str) -> None:
        with self._lock:
            self.cancelled.append(run_id)
            run = self.runs[run_id]
            if run.status in rs.ACTIVE:
                run.status, run.phase = rs.CANCEL_REQUESTED, "cancel requested"

    def read_log(self, run_id: str, step: str, tail_bytes: int | None = None) -> str:
        failed_log = f"log of {run_id}/{step}\nValueError: label has NaN\n" if run_id in self._scripted else ""
        with self._lock:
            text = self._logs.get((run_id, step), failed_log)
        return text[-tail_bytes:] if tail_bytes else text

    def get_artifacts(self, run_id: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._artifacts.get(run_id, {}))

    def fetch_outputs(self, run_id: str, dest: Path | None = None, sink=None) -> dict[str, Path]:
        if self.outputs_dir is None and dest is None:
            return {}
        folder = Path(dest or self.outputs_dir) / run_id
        folder.mkdir(parents=True, exist_ok=True)
        run = self.get_run(run_id)
        metrics_path = metrics_io.write_metrics_file(folder / metrics_io.METRICS_FILE, run.iterations)
        model_path = folder / metrics_io.MODEL_FILE
        model_path.write_bytes(b"model bytes")
        return {metrics_io.METRICS_FILE: metrics_path, metrics_io.MODEL_FILE: model_path}

    # -- models ----------------------------------------------------------------------------------
    def add_model(self, name: str, run_id: str | None = None, iteration: int | None = None, **fields) -> ModelVersion:
        """Register a model version directly, as a run's register step would."""
        run = self.runs.get(run_id) if run_id else None
        version = 1 + max((m.version for m in self.models if m.name == name), default=0)
        values = {"path": f"memory://models/{name}/{version}", "content_hash": f"{name}{version}".ljust(64, "0"),
                  "created_at": time.time() + len(self.models), "run_id": run_id, "iteration": iteration,
                  "dataset": run.dataset if run else "titanic:1", "task": run.task if run else "classification",
                  "primary_metric": run.primary_metric if run else "AUC_weighted", "size_bytes": 2048,
                  "metric_value": 0.85, "properties": {"class_labels": [0, 1], "label_column": "Survived"}}
        model = ModelVersion(name=name, version=version, **{**values, **fields})
        with self._lock:
            self.models.append(model)
        return model

    def list_models(self) -> list[ModelVersion]:
        with self._lock:
            return sorted(self.models, key=lambda m: (m.name, -m.version))

    def get_model(self, name, version=None):
        matches = [m for m in self.list_models() if m.name == name and version in (None, m.version)]
        if not matches:
            raise NotFoundError(f"no model '{name}:{version}'" if version else f"no model '{name}'")
        return matches[0]

    def predict(self, name, version, data_path, out_path, sink=None, **options) -> dict:
        import pandas as pd

        if not self.capabilities.predict:
            raise NotAvailableError(self.capabilities.why_not("predict"))
        model = self.get_model(name, version)
        if not Path(data_path).is_file():
            raise UserInputError(f"data file not found: {data_path}")
        frame = pd.read_csv(data_path)
        frame["prediction"] = [i % 2 for i in range(len(frame))]
        frame.to_csv(out_path, index=False)
        self.predicted.append((model.name, model.version, str(data_path), str(out_path), options))
        return {"model": f"{model.name}:{model.version}", "rows": len(frame), "output": str(out_path),
                "columns": ["prediction"], "warnings": [], "dataprep": False, "chunks": 1, "seconds": 0.0}

    def predict_next_periods(self, name, version, periods, out_path, sink=None) -> dict:
        import pandas as pd

        if not self.capabilities.predict:
            raise NotAvailableError(self.capabilities.why_not("predict"))
        model = self.get_model(name, version)
        pd.DataFrame({"period": range(1, periods + 1), "prediction": [0.0] * periods}).to_csv(out_path, index=False)
        self.predicted.append((model.name, model.version, periods, str(out_path), {}))
        return {"model": f"{model.name}:{model.version}", "rows": periods, "output": str(out_path),
                "columns": ["prediction"], "warnings": [], "dataprep": False, "chunks": 1, "seconds": 0.0}

    def register_iteration(self, run_id, iteration, model_name=None, sink=None) -> ModelVersion:
        run = self.runs[self.resolve_run_id(run_id)]
        record = next((it for it in run.iterations if it.iteration == iteration), None)
        if record is None:
            raise UserInputError(f"run {run_id} has no iteration {iteration}")
        if sink is not None:
            sink.progress(0.5, f"refitting iteration {iteration}")
        return self.add_model(model_name or rs.default_model_name(run), run.run_id, iteration,
                              metric_value=record.metrics.get(run.primary_metric))

    # -- housekeeping ----------------------------------------------------------------------------
    def plan_delete(self, kind, ref, with_runs=False) -> FakeDeletion:
        if kind not in self.capabilities.delete:
            raise NotAvailableError(self.capabilities.why_not("delete"))
        if kind == RUN:
            return FakeDeletion(runs=[self.resolve_run_id(r) for r in ([ref] if isinstance(ref, str) else ref)])
        name, version = ref
        if kind == MODEL:
            self.get_model(name, version)
            return FakeDeletion(models=[(name, version)])
        self.get_dataset(name, version)
        users = [r.run_id for r in self.runs.values() if r.dataset == f"{name}:{version}"]
        if users and not with_runs:
            raise InUseError(f"dataset {name}:{version} is used by run(s) {', '.join(users)}", users)
        return FakeDeletion(runs=users, datasets=[(name, version)])

    def delete(self, plan: FakeDeletion) -> dict:
        with self._lock:
            for run_id in plan.runs:
                self.runs.pop(run_id, None)
            self.datasets = [d for d in self.datasets if (d.name, d.version) not in plan.datasets]
            self.models = [m for m in self.models if (m.name, m.version) not in plan.models]
        return {"runs": list(plan.runs), "datasets": [f"{n}:{v}" for n, v in plan.datasets],
                "models": [f"{n}:{v}" for n, v in plan.models], "bytes_freed": plan.size()}

    def disk_usage(self, top: int = 20) -> dict:
        if not self.capabilities.disk_usage:
            raise NotAvailableError(self.capabilities.why_not("disk_usage"))
        items = ([{"kind": "run", "ref": r, "label": r, "bytes": 5000} for r in self.runs]
                 + [{"kind": "model", "ref": f"{m.name}:{m.version}", "label": f"{m.name}:{m.version}",
                     "bytes": m.size_bytes} for m in self.models])
        categories = {"run outputs": 5000 * len(self.runs), "models": sum(m.size_bytes for m in self.models),
                      "datasets": 0, "database": 4096}
        return {"location": self.location, "total": sum(categories.values()), "categories": categories,
                "largest": sorted(items, key=lambda i: i["bytes"], reverse=True)[:top]}
