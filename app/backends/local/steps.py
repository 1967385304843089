"""What each pipeline step runs, its reuse key, and what its outputs are.

A step is reused (as Azure does with `allow_reuse`) when an earlier successful step of
the same kind had the same script content, arguments and input hashes.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app import locator
from app.backends.local.model_registry import commit_model, file_sha256, held_out_properties
from app.backends.local.procs import python_argv, spawn
from app.backends.local.tables import CSV_SUFFIXES, PARQUET_SUFFIXES
from app.core import runs as rs
from app.core.errors import UserInputError
from app.core.metrics import METRICS_FILE, MODEL_FILE
from app.core.spec import PipelineSpec

TIMEOUT_SLACK = 1.5
TIMEOUT_GRACE_S = 300


@dataclass
class StepOutcome:
    status: str
    error: str | None = None


@dataclass
class StepPlan:
    argv: list[str]
    reuse_key: str
    reused_from: object = None
    events_path: Path | None = None
    stop_file: Path | None = None
    deadline: float | None = None

    def start(self, log_path: Path):
        return spawn(self.argv, log_path, die_with_parent=True)


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Changes whenever the AutoML engine's code changes, so reuse never serves stale results."""
    package = Path(__file__).resolve().parent
    files = sorted((package / "automl").rglob("*.py")) + [package / "automl_step.py"]
    return _digest(*[f.read_bytes() for f in files if f.is_file()])


class StepPlanner:
    def __init__(self, backend, run_row, spec: PipelineSpec):
        self.backend, self.layout, self.spec = backend, backend.layout, spec
        self.run_id = run_row["run_id"]
        self.parameters = json.loads(run_row["parameters"])
        self.seed = run_row["seed"]
        self.dataset = backend.get_dataset(run_row["dataset_name"], run_row["dataset_version"])
        self.outputs: dict[str, dict] = {}

    def plan(self, name: str, step_id: str) -> StepPlan:
        plan = getattr(self, f"_plan_{name}")(step_id)
        part = getattr(self.spec, name)
        if part is not None and part.allow_reuse:
            plan.reused_from = self._find_reusable(name, plan.reuse_key)
        return plan

    def _find_reusable(self, name: str, key: str):
        with self.backend.store.read() as c:
            rows = c.execute("SELECT * FROM step_runs WHERE name=? AND reuse_key=? AND status=? AND parent_run_id != ? "
                             "ORDER BY ended_at DESC", (name, key, rs.COMPLETED, self.run_id)).fetchall()
        for row in rows:
            outputs = json.loads(row["outputs"])
            if outputs and all(Path(p).exists() for k, p in outputs.items() if k != "step_run_id" and k != "model"):
                if row["reused_from"]:
                    with self.backend.store.read() as c:
                        original = c.execute("SELECT * FROM step_runs WHERE run_id=?", (row["reused_from"],)).fetchone()
                    return original or row
                return row
        return None

    def record_outputs(self, name: str, outputs: dict) -> None:
        self.outputs[name] = outputs

    def complete(self, name: str, step_id: str) -> dict:
        outputs = getattr(self, f"_complete_{name}")(step_id)
        self.outputs[name] = outputs
        return outputs

    def after_cancel(self, name: str, step_id: str) -> None:
        """The AutoML step has already saved its best model so far; nothing else to keep."""

    # -- data prep ---------------------------------------------------------------------------
    def _dataprep_script(self) -> Path:
        prep = self.spec.data_prep
        return locator.step_script("dataprep.py") if prep.is_bundled else Path(prep.script)

    def _plan_data_prep(self, step_id: str) -> StepPlan:
        prep, script = self.spec.data_prep, self._dataprep_script()
        if not script.is_file():
            raise UserInputError(f"data-prep script not found: {script}")
        out = self.layout.step_dir(self.run_id, "data_prep")
        out.mkdir(parents=True, exist_ok=True)
        data = self.backend.dataset_file(self.dataset)
        if prep.is_bundled:
            args = ["--input", str(data), "--output", str(out), "--options", json.dumps(prep.options)]
        else:
            args = [str(a) for a in prep.arguments] + ["--input", str(data), "--output", str(out)]
        key = _digest("data_prep", script.read_bytes(), prep.options, prep.arguments, self.dataset.content_hash)
        return StepPlan(python_argv(str(script), *args), key)

    def _complete_data_prep(self, step_id: str) -> dict:
        out = self.layout.step_dir(self.run_id, "data_prep")
        tables = sorted(p for p in out.iterdir() if p.suffix.lower() in PARQUET_SUFFIXES | CSV_SUFFIXES)
        preferred = [p for p in tables if p.name == "prepared.parquet"]
        if not (preferred or tables):
            raise UserInputError("the data-prep step wrote no CSV or Parquet file to its output folder")
        params = out / "dataprep_params.json"
        result = {"prepared_data": str((preferred or tables)[0])}
        if params.is_file():
            result["dataprep_params"] = str(params)
        return result

    # -- AutoML ------------------------------------------------------------------------------
    def training_data(self) -> Path:
        if "data_prep" in self.outputs:
            return Path(self.outputs["data_prep"]["prepared_data"])
        return self.backend.dataset_file(self.dataset)

    def _plan_automl(self, step_id: str) -> StepPlan:
        out = self.layout.automl_dir(step_id)
        out.mkdir(parents=True, exist_ok=True)
        settings = {**dataclasses.asdict(self.spec.automl), "seed": self.seed}
        settings_path = out / "settings.json"
        settings_path.write_text(json.dumps(settings, indent=1), encoding="utf-8")
        data = self.training_data()
        key = _digest("automl", engine_fingerprint(), settings, file_sha256(data))
        argv = python_argv("-m", "app.backends.local.automl_step", "--data", str(data),
                           "--settings", str(settings_path), "--output-dir", str(out),
                           "--step-run-id", step_id, "--events", str(out / "events.jsonl"),
                           "--stop-file", str(out / "STOP"))
        argv += [arg for folder in self._warm_start_sources() for arg in ("--warm-start", str(folder))]
        timeout = self.spec.automl.timeout_seconds()
        deadline = time.time() + timeout * TIMEOUT_SLACK + TIMEOUT_GRACE_S if timeout else None
        return StepPlan(argv, key, events_path=out / "events.jsonl", stop_file=out / "STOP", deadline=deadline)

    def _warm_start_sources(self, limit: int = 3) -> list[Path]:
        """Output folders of earlier finished AutoML steps of the same task on the same dataset: starts that fit.

        Runs on other datasets have other columns; offering them only made every run say it ignored them.
        """
        if not self.spec.automl.local.get("warm_start", True):
            return []
        with self.backend.store.read() as c:
            rows = c.execute("SELECT s.run_id FROM step_runs s JOIN runs r ON r.run_id = s.parent_run_id "
                             "WHERE s.name='automl' AND s.status=? AND s.reused=0 AND r.task=? AND r.run_id != ? "
                             "AND r.dataset_name=? ORDER BY s.ended_at DESC LIMIT ?",
                             (rs.COMPLETED, self.spec.automl.task, self.run_id, self.spec.dataset_name,
                              limit)).fetchall()
        folders = [self.layout.automl_dir(r["run_id"]) for r in rows]
        return [f for f in folders if (f / "best_configs.json").is_file()]

    def _complete_automl(self, step_id: str) -> dict:
        out = self.layout.automl_dir(step_id)
        if not (out / MODEL_FILE).is_file():
            raise UserInputError("the AutoML step produced no model: no iteration finished within the budget; "
                                 "raise experiment_timeout or iteration_timeout_minutes")
        return {METRICS_FILE: str(out / METRICS_FILE), MODEL_FILE: str(out / MODEL_FILE),
                "summary": str(out / "summary.json"), "step_run_id": step_id}

    def _automl_summary(self) -> dict:
        path = Path(self.outputs.get("automl", {}).get("summary", ""))
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    # -- register ----------------------------------------------------------------------------
    def _plan_register(self, step_id: str) -> StepPlan:
        name = self.spec.resolved_model_name(self.parameters)
        automl = self.outputs["automl"]
        out = self.layout.step_dir(self.run_id, "register")
        out.mkdir(parents=True, exist_ok=True)
        args = ["--model", automl[MODEL_FILE], "--model-name", name, "--output", str(out), "--mode", "local",
                "--metrics", automl[METRICS_FILE]]
        params = self.outputs.get("data_prep", {}).get("dataprep_params")
        if params:
            args += ["--dataprep-params", params]
        key = _digest("register", file_sha256(Path(automl[MODEL_FILE])), name)
        return StepPlan(python_argv(str(locator.step_script("register_model.py")), *args), key)

    def _complete_register(self, step_id: str) -> dict:
        out = self.layout.step_dir(self.run_id, "register")
        manifest_path = out / "manifest.json"
        if not manifest_path.is_file():
            raise UserInputError("the register step wrote no manifest.json")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        summary = self._automl_summary()
        with self.backend.store.read() as c:
            run = c.execute("SELECT properties FROM runs WHERE run_id=?", (self.run_id,)).fetchone()
        packages = summary.get("package_versions") or json.loads(run["properties"]).get(
            "reproducibility", {}).get("packages", {})
        params_file = manifest.get("dataprep_params_file")
        info = {"run_id": self.run_id, "iteration": summary.get("best_iteration"),
                "dataset": f"{self.dataset.name}:{self.dataset.version}", "task": self.spec.automl.task,
                "primary_metric": self.spec.automl.metric, "metric_value": summary.get("best_metric"),
                "properties": {"packages": packages, "feature_columns": summary.get("feature_columns"),
                               "class_labels": summary.get("class_labels"),
                               "label_column": self.spec.automl.label_column_name,
                               "has_dataprep": bool(params_file),
                               "automl_step_run_id": self.outputs["automl"].get("step_run_id"),
                               **held_out_properties(summary)}}
        extras = {"dataprep_params.json": out / params_file if params_file else None}
        model = commit_model(self.backend, manifest["model_name"], out, manifest["model_file"], extras, info)
        return {"model": f"{model.name}:{model.version}"}
