"""Validating and submitting a pipeline on the local workspace.

Everything that can be wrong with the spec or the data is found here, before any run
record exists; then the run is recorded and its detached executor started.
"""
from __future__ import annotations

import dataclasses
import json
import os
import platform
import sys
import time
import uuid
from importlib import metadata

from app.backends.local.datachecks import check_data
from app.backends.local.locking import RunLock
from app.backends.local.procs import python_argv, spawn
from app.core import runs as rs
from app.core.errors import NotFoundError, SpecError, UserInputError
from app.core.progress import Sink
from app.core.spec import PipelineSpec, Problem
from app.core.validation import errors_only, validate_spec

DEFAULT_SEED = 42
TRACKED_PACKAGES = ("flaml", "lightgbm", "xgboost-cpu", "xgboost", "scikit-learn", "statsforecast", "pandas", "numpy",
                    "pyarrow")
STEP_ORDER = ("data_prep", "automl", "register")


def validate_for_workspace(backend, spec: PipelineSpec, sink: Sink | None = None) -> list[Problem]:
    problems = validate_spec(spec, target="local")
    for step in STEP_ORDER:
        part = getattr(spec, step)
        compute = spec.step_compute(step) if part is not None or step == "automl" else None
        if compute and compute != "local":
            where = f"{step}.compute" if part is not None and getattr(part, "compute", None) else "compute"
            problems.append(Problem(where, f"'{compute}' is not a compute of this local workspace; use 'local'"))
    if any(p.path == "dataset" for p in errors_only(problems)):
        return problems
    try:
        dataset = backend.get_dataset(spec.dataset_name, spec.dataset_version)
    except NotFoundError as exc:
        return problems + [Problem("dataset", str(exc))]
    problems += check_data(spec, backend.dataset_file(dataset), f"{dataset.name}:{dataset.version}", sink)
    return problems


def package_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def submit_run(backend, spec: PipelineSpec, overrides: dict, sink: Sink) -> str:
    unknown = sorted(set(overrides) - set(spec.parameters))
    if unknown:
        known = ", ".join(spec.parameters) or "none"
        raise UserInputError(f"unknown pipeline parameter(s) {', '.join(unknown)}; the spec defines: {known}")
    sink.progress(None, "validating the spec and the data")
    # Validate with the submitted values, so a bad --set model name is refused before any step runs.
    problems = validate_for_workspace(backend, dataclasses.replace(spec, parameters={**spec.parameters, **overrides}),
                                      sink)
    if errors_only(problems):
        raise SpecError(errors_only(problems))
    sink.check()
    dataset = backend.get_dataset(spec.dataset_name, spec.dataset_version)
    run_id = str(uuid.uuid4())
    now = time.time()
    seed = int(spec.automl.local.get("seed", DEFAULT_SEED))
    parameters = {**spec.parameters, **overrides}
    properties = {"reproducibility": {"seed": seed, "packages": package_versions(),
                                      "dataset_hash": dataset.content_hash},
                  "warnings": [str(p) for p in problems if p.level == "warning"]}
    steps = [s for s in STEP_ORDER if s == "automl" or getattr(spec, s) is not None]
    lock = RunLock(backend.layout.run_lock(run_id))
    if not lock.acquire():
        raise UserInputError(f"run {run_id} is already locked by another process")
    try:
        # The lock is held before the run row exists, so no reader ever sees a lockless active run.
        with backend.store.write() as c:
            c.execute("INSERT OR IGNORE INTO experiments VALUES (?, ?)", (spec.experiment, now))
            c.execute("INSERT INTO runs (run_id, experiment, status, created_at, phase, task, primary_metric, "
                      "spec_yaml, parameters, dataset_name, dataset_version, dataset_hash, seed, properties) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      (run_id, spec.experiment, rs.NOT_STARTED, now, "starting", spec.automl.task,
                       spec.automl.metric, spec.to_yaml(), json.dumps(parameters), dataset.name, dataset.version,
                       dataset.content_hash, seed, json.dumps(properties)))
            for position, name in enumerate(steps):
                c.execute("INSERT INTO step_runs (run_id, parent_run_id, name, position, status, log_path) "
                          "VALUES (?,?,?,?,?,?)", (str(uuid.uuid4()), run_id, name, position, rs.NOT_STARTED,
                                                   str(backend.layout.log_path(run_id, name))))
        _start_executor(backend, run_id, lock)
    finally:
        lock.release()
    return run_id


def _start_executor(backend, run_id: str, lock: RunLock) -> None:
    """Spawn the detached executor, handing it the descriptor of the held run lock."""
    argv = python_argv("-m", "app.backends.local.executor", "--workspace", str(backend.root),
                       "--run-id", run_id, "--lock-fd", str(lock.fd),
                       "--max-concurrent-runs", str(backend.max_concurrent_runs))
    env = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)} if _running_from_source() else None
    spawn(argv, backend.layout.run_dir(run_id) / "logs" / "executor.log", pass_fds=(lock.fd,), env=env)


def _running_from_source() -> bool:
    import app

    return not any(part == "site-packages" for part in os.path.abspath(app.__file__).split(os.sep))
