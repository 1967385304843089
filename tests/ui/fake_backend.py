"""An in-memory Backend for deterministic UI tests (datasets from real files, runs scripted)."""
from __future__ import annotations

import time
from pathlib import Path

from app.core import runs
from app.core.errors import NotFoundError, SpecError, UserInputError
from app.core.runs import ComputeTarget, DatasetVersion, RunRecord, StepRunRecord
from app.core.validation import errors_only, validate_spec
from app.ui.data_preview import check_label, read_file_head


class FakeBackend:
    """Implements the Backend protocol with in-memory data; runs advance one status per get_run."""

    def __init__(self, kind: str = "local", name: str = "fake", location: str = "memory"):
        self.kind, self.name, self.location = kind, name, location
        self.frames: dict[tuple[str, int], object] = {}
        self.datasets: list[DatasetVersion] = []
        self.computes = [ComputeTarget("local")] if kind == "local" else [
            ComputeTarget("cpu-cluster", "AmlCompute", "STANDARD_DS3_V2", 0, 4)]
        self.runs: dict[str, RunRecord] = {}
        self.submitted: list[tuple] = []
        self.cancelled: list[str] = []
        self.script: list[str] = [runs.QUEUED, runs.RUNNING, runs.COMPLETED]
        self.fail_message = "AutoML step failed: label has NaN"

    def describe(self) -> dict:
        return {"kind": self.kind, "name": self.name, "location": self.location, "connected": True}

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

    def validate(self, spec):
        problems = validate_spec(spec, "local" if self.kind == "local" else "azure")
        try:
            frame = self.preview_dataset(spec.dataset_name, spec.dataset_version, rows=10_000)
        except NotFoundError as exc:
            from app.core.spec import Problem
            return problems + [Problem("dataset", str(exc))]
        problem = check_label(frame, spec.automl.label_column_name)
        if problem and spec.automl.label_column_name:
            from app.core.spec import Problem
            problems.append(Problem("automl.label_column_name", problem))
        return problems

    def submit(self, spec, parameters=None, sink=None):
        errors = errors_only(self.validate(spec))
        if errors:
            raise SpecError(errors)
        run_id = f"run_{len(self.runs) + 1}"
        self.submitted.append((spec, dict(parameters or {})))
        self.runs[run_id] = RunRecord(run_id, spec.experiment, runs.NOT_STARTED, created_at=time.time(),
                                      primary_metric=spec.automl.metric, task=spec.automl.task,
                                      steps=[StepRunRecord(f"{run_id}_automl", "automl")])
        return run_id

    def get_run(self, run_id):
        run = self.runs.get(run_id)
        if run is None:
            raise NotFoundError(f"run not found: {run_id}")
        if run.status not in runs.TERMINAL and run.status != runs.CANCEL_REQUESTED:
            order = self.script
            index = order.index(run.status) + 1 if run.status in order else 0
            run.status = order[min(index, len(order) - 1)]
            if run.status == runs.FAILED:
                run.error = self.fail_message
                run.steps[0].status = runs.FAILED
        elif run.status == runs.CANCEL_REQUESTED:
            run.status = runs.CANCELED
        return run

    def list_experiments(self):
        return sorted({r.experiment for r in self.runs.values()})

    def list_runs(self, experiment=None):
        return [r for r in self.runs.values() if experiment in (None, r.experiment)]

    def cancel(self, run_id):
        self.cancelled.append(run_id)
        self.runs[run_id].status = runs.CANCEL_REQUESTED

    def read_log(self, run_id, step, tail_bytes=None):
        return f"log of {run_id}/{step}\nValueError: label has NaN\n"

    def get_artifacts(self, run_id):
        return {}

    def fetch_outputs(self, run_id, dest: Path | None = None, sink=None):
        return {}

    def list_models(self):
        return []

    def get_model(self, name, version=None):
        raise NotFoundError(f"model not found: {name}")
