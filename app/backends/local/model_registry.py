"""Committing registered models into the workspace: files first, then one transaction."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from app.core.errors import UserInputError
from app.core.runs import ModelVersion
from app.core.scores import test_split

MODEL_FILE_NAME = "model.pkl"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def held_out_properties(summary: dict) -> dict:
    """The held-out test-split score of the AutoML step's saved model, for the model's properties."""
    found = test_split(summary)
    return {} if found is None else {"test_score": found[0], "test_rows": found[1]}


def commit_model(backend, name: str, source_dir: Path, model_file: str, extra_files: dict[str, Path],
                 info: dict) -> ModelVersion:
    """Copy the model (and its companions) into models/<name>/<next version> and record it.

    `info` carries run_id, iteration, dataset, task, primary_metric, metric_value, properties.
    The copy goes to a staging folder, renamed into place inside the write transaction, so a
    crash leaves either a committed version or an unowned folder that the next commit clears.
    """
    src = source_dir / model_file
    if not src.is_file():
        raise UserInputError(f"model file {src} is missing; the register step produced no model")
    root = backend.layout.models / name
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        shutil.copy2(src, staging / MODEL_FILE_NAME)
        for target, path in extra_files.items():
            if path is not None and Path(path).is_file():
                shutil.copy2(path, staging / target)
        digest = file_sha256(staging / MODEL_FILE_NAME)
        size = (staging / MODEL_FILE_NAME).stat().st_size
        with backend.store.write() as c:
            row = c.execute("SELECT MAX(version) AS v FROM models WHERE name=?", (name,)).fetchone()
            version = (row["v"] or 0) + 1
            final = backend.layout.model_dir(name, version)
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
            try:
                c.execute("INSERT INTO models (name, version, path, content_hash, size_bytes, created_at, run_id, "
                          "iteration, dataset, task, primary_metric, metric_value, properties) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          (name, version, str(final / MODEL_FILE_NAME), digest, size, time.time(), info.get("run_id"),
                           info.get("iteration"), info.get("dataset", ""), info.get("task", ""),
                           info.get("primary_metric", ""), info.get("metric_value"),
                           json.dumps(info.get("properties", {}))))
            except BaseException:
                shutil.rmtree(final, ignore_errors=True)
                raise
        return backend.get_model(name, version)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
