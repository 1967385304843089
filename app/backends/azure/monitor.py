"""Turns SDK v1 run objects (a PipelineRun, its StepRuns, the AutoML children) into records.

Only the duck-typed run API is used (`id`, `name`, `get_status`, `get_details`, `properties`,
`tags`, `get_children`, `get_metrics`), so tests drive it with objects that behave like the
SDK's runs. A `RunMonitor` keeps finished iterations between polls: their metrics never
change, so each is fetched once.
"""
from __future__ import annotations

import json
import math
from datetime import datetime

from app.core import catalog
from app.core.metrics import iteration_of
from app.core.runs import (COMPLETED, IterationRecord, RunRecord, StepRunRecord, is_terminal,
                           normalize_status)

# Tags written at submission so a run opened later by id still knows its spec.
TAG_SPEC, TAG_PARAMETERS, TAG_DATASET = "automl_desk.spec", "automl_desk.parameters", "automl_desk.dataset"
TAG_TASK, TAG_METRIC = "automl_desk.task", "automl_desk.primary_metric"
STEP_ORDER = ("data_prep", "automl", "register")
REUSED_RUN_PROPERTY = "azureml.reusedrunid"


def parse_time(value) -> float | None:
    """Seconds since the epoch from the SDK's ISO strings ('2024-01-01T10:00:00.123Z')."""
    if not value:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def error_message(details: dict) -> str | None:
    """The readable message of a failed run's details (the SDK nests it one or two deep)."""
    error = details.get("error") or {}
    if isinstance(error, str):
        return error
    inner = error.get("error", error) if isinstance(error, dict) else {}
    message = inner.get("message") if isinstance(inner, dict) else None
    if message:
        code = inner.get("code")
        return f"{code}: {message}" if code and code not in message else message
    warnings = details.get("warnings") or []
    return "; ".join(w.get("message", str(w)) for w in warnings if w) or None


def scalar_metrics(raw: dict) -> dict:
    """Scalar metric values; a logged series gives its last value, artifact references are skipped."""
    out = {}
    for name, value in (raw or {}).items():
        if isinstance(value, list):
            value = value[-1] if value else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if math.isfinite(value):
            out[name] = float(value)
    return out


def _details(run) -> dict:
    try:
        return run.get_details() or {}
    except AttributeError:
        return {}


def step_record(step_run) -> StepRunRecord:
    details = _details(step_run)
    status = normalize_status(details.get("status") or step_run.get_status())
    properties = dict(getattr(step_run, "properties", None) or details.get("properties") or {})
    reused_from = properties.get(REUSED_RUN_PROPERTY)
    return StepRunRecord(
        run_id=step_run.id, name=step_run.name, status=status,
        reused=bool(reused_from), reused_from=reused_from,
        started_at=parse_time(details.get("startTimeUtc")), ended_at=parse_time(details.get("endTimeUtc")),
        error=error_message(details) if status == "Failed" else None)


def iteration_record(child) -> IterationRecord | None:
    """The record of an AutoML child `<steprun>_<n>`; None for setup/featurize/explain runs."""
    number = iteration_of(child.id)
    if number is None:
        return None
    properties = dict(getattr(child, "properties", None) or {})
    details = _details(child)
    status = normalize_status(details.get("status") or child.get_status())
    started, ended = parse_time(details.get("startTimeUtc")), parse_time(details.get("endTimeUtc"))
    try:
        hyperparameters = json.loads(properties.get("pipeline_spec") or "{}")
    except (TypeError, ValueError):
        hyperparameters = {}
    return IterationRecord(
        run_id=child.id, iteration=int(properties.get("iteration", number)), status=status,
        run_algorithm=properties.get("run_algorithm", ""), run_preprocessor=properties.get("run_preprocessor", ""),
        hyperparameters=hyperparameters if isinstance(hyperparameters, dict) else {},
        metrics=scalar_metrics(child.get_metrics()) if status == COMPLETED else {},
        duration_s=(ended - started) if started is not None and ended is not None else None)


class RunMonitor:
    """Polls one pipeline run into RunRecords; reuse it between polls of the same run."""

    def __init__(self, pipeline_run):
        self.run = pipeline_run
        self._finished: dict[str, IterationRecord] = {}

    def snapshot(self, with_iterations: bool = True) -> RunRecord:
        run = self.run
        details = _details(run)
        tags = dict(getattr(run, "tags", None) or details.get("tags") or {})
        step_runs = {s.id: s for s in run.get_steps()}
        steps = sorted((step_record(s) for s in step_runs.values()), key=_step_position)
        record = RunRecord(
            run_id=run.id, experiment=_experiment_name(run), backend="azure",
            status=normalize_status(details.get("status") or run.get_status()),
            created_at=parse_time(details.get("createdTimeUtc") or details.get("startTimeUtc")),
            started_at=parse_time(details.get("startTimeUtc")), ended_at=parse_time(details.get("endTimeUtc")),
            task=tags.get(TAG_TASK, ""), primary_metric=tags.get(TAG_METRIC, ""),
            dataset=tags.get(TAG_DATASET, ""), spec_yaml=tags.get(TAG_SPEC, ""),
            parameters=_json_or_empty(tags.get(TAG_PARAMETERS)), steps=steps,
            properties={"portal_url": _portal_url(run)})
        if record.status == "Failed":
            record.error = error_message(details) or next((s.error for s in steps if s.error), None)
        automl = record.step("automl")
        if with_iterations and automl is not None:
            record.iterations = self._iterations(step_runs[automl.run_id])
            _set_best(record)
        record.phase = _phase(record)
        return record

    def _iterations(self, step_run) -> list[IterationRecord]:
        records = []
        for child in step_run.get_children():
            cached = self._finished.get(child.id)
            if cached is None:
                cached = iteration_record(child)
                if cached is None:
                    continue
                if is_terminal(cached.status):
                    self._finished[child.id] = cached
            records.append(cached)
        return sorted(records, key=lambda r: r.iteration)


def _step_position(step: StepRunRecord) -> int:
    return STEP_ORDER.index(step.name) if step.name in STEP_ORDER else len(STEP_ORDER)


def _experiment_name(run) -> str:
    experiment = getattr(run, "experiment", None)
    return getattr(experiment, "name", "") or ""


def _portal_url(run) -> str:
    try:
        return run.get_portal_url()
    except Exception:  # only a convenience link; offline or fake runs have none
        return ""


def _json_or_empty(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _set_best(record: RunRecord) -> None:
    metric = record.primary_metric
    for it in record.iterations:
        value = it.metrics.get(metric)
        if value is None:
            continue
        if record.best_metric is None or catalog.better(metric, value, record.best_metric):
            record.best_metric, record.best_iteration = value, it.iteration


def _phase(record: RunRecord) -> str:
    if is_terminal(record.status):
        return ""
    active = next((s for s in record.steps if not is_terminal(s.status)), None)
    if active is None:
        return "waiting for the next step to start" if record.steps else "waiting for compute"
    if active.name == "automl" and record.iterations:
        done = sum(1 for it in record.iterations if it.status == COMPLETED)
        return f"automl: {active.status}, {done} iterations finished"
    return f"{active.name}: {active.status}"
