"""Mapping between SQLite rows of the local store and the core's records."""
from __future__ import annotations

import json
import sqlite3

from app.core.runs import (ComputeTarget, DatasetVersion, IterationRecord, ModelVersion, RunRecord,
                           StepRunRecord, normalize_status)


def dataset_from_row(row: sqlite3.Row) -> DatasetVersion:
    return DatasetVersion(name=row["name"], version=row["version"], sources=json.loads(row["sources"]),
                          content_hash=row["content_hash"], created_at=row["created_at"], rows=row["rows"],
                          columns=json.loads(row["columns"]), path=row["path"], description=row["description"])


def step_from_row(row: sqlite3.Row) -> StepRunRecord:
    return StepRunRecord(run_id=row["run_id"], name=row["name"], status=normalize_status(row["status"]),
                         reused=bool(row["reused"]), reused_from=row["reused_from"], started_at=row["started_at"],
                         ended_at=row["ended_at"], error=row["error"], log_path=row["log_path"],
                         outputs=json.loads(row["outputs"]))


def iteration_from_row(row: sqlite3.Row) -> IterationRecord:
    return IterationRecord(run_id=row["run_id"], iteration=row["iteration"], status=normalize_status(row["status"]),
                           run_algorithm=row["run_algorithm"], run_preprocessor=row["run_preprocessor"],
                           hyperparameters=json.loads(row["hyperparameters"]), metrics=json.loads(row["metrics"]),
                           duration_s=row["duration_s"], seeded=bool(row["seeded"]))


def run_from_row(row: sqlite3.Row) -> RunRecord:
    return RunRecord(run_id=row["run_id"], experiment=row["experiment"], status=normalize_status(row["status"]),
                     created_at=row["created_at"], started_at=row["started_at"], ended_at=row["ended_at"],
                     phase=row["phase"], error=row["error"], primary_metric=row["primary_metric"], task=row["task"],
                     parameters=json.loads(row["parameters"]), spec_yaml=row["spec_yaml"],
                     dataset=f"{row['dataset_name']}:{row['dataset_version']}", best_metric=row["best_metric"],
                     best_iteration=row["best_iteration"], backend="local",
                     properties=json.loads(row["properties"]))


def model_from_row(row: sqlite3.Row) -> ModelVersion:
    return ModelVersion(name=row["name"], version=row["version"], path=row["path"], content_hash=row["content_hash"],
                        created_at=row["created_at"], run_id=row["run_id"], iteration=row["iteration"],
                        dataset=row["dataset"], primary_metric=row["primary_metric"],
                        metric_value=row["metric_value"], task=row["task"], size_bytes=row["size_bytes"],
                        properties=json.loads(row["properties"]))


def compute_from_row(row: sqlite3.Row) -> ComputeTarget:
    props = json.loads(row["properties"])
    return ComputeTarget(name=row["name"], kind=row["kind"], max_nodes=props.get("max_concurrent_runs", 1))
