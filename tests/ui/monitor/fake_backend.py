"""A deterministic in-memory Backend for monitor tests: finished runs and a live run that gains
iterations each time it is polled. No Qt, usable from worker threads."""
from __future__ import annotations

import copy
import math
import random
import threading
import time
from pathlib import Path

from app.core import metrics as metrics_io
from app.core import runs as rs
from app.core.errors import NotFoundError
from app.core.runs import IterationRecord, RunRecord, StepRunRecord

ALGORITHMS = ("LightGBM", "XGBoostClassifier", "RandomForest", "ExtremeRandomTrees", "LogisticRegression")
PREPROCESSORS = ("MaxAbsScaler", "StandardScalerWrapper", "SparseNormalizer", "MinMaxScaler")
CLASSIFICATION = ("AUC_weighted", "accuracy", "log_loss", "f1_score_weighted", "precision_score_weighted")
REGRESSION = ("normalized_root_mean_squared_error", "r2_score", "spearman_correlation", "mean_absolute_error")


def make_iteration(step_run_id: str, n: int, task: str = "classification", seed: int = 0) -> IterationRecord:
    rnd = random.Random(seed * 100_003 + n)
    quality = 1 - math.exp(-0.15 * (n + 1)) * 0.5 + rnd.uniform(-0.12, 0.05)
    if task == "classification":
        metrics = {"AUC_weighted": min(0.99, 0.55 + 0.4 * quality), "accuracy": min(0.98, 0.5 + 0.38 * quality),
                   "log_loss": max(0.05, 0.9 - 0.6 * quality), "f1_score_weighted": 0.45 + 0.4 * quality,
                   "precision_score_weighted": 0.5 + 0.35 * quality}
    else:
        metrics = {"normalized_root_mean_squared_error": max(0.01, 0.3 - 0.2 * quality),
                   "r2_score": 0.3 + 0.6 * quality, "spearman_correlation": 0.4 + 0.5 * quality,
                   "mean_absolute_error": max(0.1, 3 - 2 * quality)}
    return IterationRecord(
        run_id=f"{step_run_id}_{n}", iteration=n, run_algorithm=ALGORITHMS[n % len(ALGORITHMS)],
        run_preprocessor=PREPROCESSORS[(n // 2) % len(PREPROCESSORS)],
        hyperparameters={"n_estimators": 10 + n, "learning_rate": round(0.05 + 0.01 * (n % 7), 3)},
        metrics=metrics, duration_s=1.0 + (n % 5) * 0.5)


def classification_artifacts(seed: int = 0) -> dict:
    """Azure-shaped chart artifacts for a binary classifier."""
    rnd = random.Random(seed)
    thresholds = [i / 20 for i in range(21)]
    positives, negatives = 120, 180
    table = []
    for t in thresholds:
        tp = round(positives * (1 - t ** 2.2))
        fp = round(negatives * (1 - t) ** 2.5)
        table.append([tp, fp, negatives - fp, positives - tp])
    other = [[row[2], row[3], row[0], row[1]] for row in table]
    return {
        "confusion_matrix": {"schema_type": "confusion_matrix", "schema_version": "1.0.0",
                             "data": {"class_labels": ["0", "1"], "matrix": [[150, 30], [25, 95]]}},
        "accuracy_table": {"schema_type": "accuracy_table", "schema_version": "1.0.1",
                           "data": {"class_labels": ["0", "1"], "probability_thresholds": thresholds,
                                    "probability_tables": [other, table]}},
        "feature_importance": {"features": ["Sex", "Pclass", "Fare", "Age", "SibSp"],
                               "importances": [0.41, 0.22, 0.17, 0.12 + rnd.random() * 0.01, 0.05]},
    }


class FakeBackend:
    kind = "fake"

    def __init__(self, outputs_dir: Path | None = None):
        self._lock = threading.Lock()
        self._runs: dict[str, RunRecord] = {}
        self._pending: dict[str, list[IterationRecord]] = {}
        self._per_poll: dict[str, int] = {}
        self._artifacts: dict[str, dict] = {}
        self._logs: dict[tuple[str, str], str] = {}
        self.outputs_dir = outputs_dir
        self.cancelled: list[str] = []
        self.get_run_calls = 0

    def describe(self) -> dict:
        return {"kind": "fake", "name": "fake", "location": "memory", "connected": True}

    # -- building runs ---------------------------------------------------------------------------
    def add_run(self, run_id: str, experiment: str = "titanic", iterations: int = 10, task: str = "classification",
                seed: int = 0, status: str = rs.COMPLETED, primary_metric: str = "") -> RunRecord:
        primary = primary_metric or ("AUC_weighted" if task == "classification"
                                     else "normalized_root_mean_squared_error")
        now = time.time()
        step_id = f"{run_id}_automl"
        run = RunRecord(run_id=run_id, experiment=experiment, status=status, created_at=now - 300,
                        started_at=now - 290, ended_at=None if status in rs.ACTIVE else now - 10,
                        primary_metric=primary, task=task, parameters={"label": "Survived"},
                        spec_yaml=f"name: {experiment}\nautoml:\n  task: {task}\n  primary_metric: {primary}\n",
                        dataset="titanic:1",
                        steps=[StepRunRecord(f"{run_id}_data_prep", "data_prep", rs.COMPLETED, reused=True,
                                             started_at=now - 290, ended_at=now - 280),
                               StepRunRecord(step_id, "automl", rs.COMPLETED if status == rs.COMPLETED else status,
                                             started_at=now - 280, ended_at=None if status in rs.ACTIVE else now - 20),
                               StepRunRecord(f"{run_id}_register", "register",
                                             rs.COMPLETED if status == rs.COMPLETED else rs.NOT_STARTED,
                                             started_at=now - 20 if status == rs.COMPLETED else None,
                                             ended_at=now - 10 if status == rs.COMPLETED else None)],
                        iterations=[make_iteration(step_id, n, task, seed) for n in range(iterations)],
                        properties={"guardrails": [{"name": "Class balancing detection", "result": "Passed"}],
                                    "stop_reason": "iterations reached", "seed": seed})
        self._update_best(run)
        with self._lock:
            self._runs[run_id] = run
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
            return list(self._runs[run_id].iterations) + list(self._pending.get(run_id, []))

    @staticmethod
    def _update_best(run: RunRecord) -> None:
        values = [it.metrics.get(run.primary_metric) for it in run.iterations]
        best = metrics_io.best_index(values, run.primary_metric)
        run.best_iteration = None if best is None else run.iterations[best].iteration
        run.best_metric = None if best is None else values[best]

    def _advance(self, run: RunRecord) -> None:
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

    # -- Backend protocol ----------------------------------------------------------------------
    def get_run(self, run_id: str) -> RunRecord:
        with self._lock:
            self.get_run_calls += 1
            if run_id not in self._runs:
                raise NotFoundError(f"no run '{run_id}'")
            run = self._runs[run_id]
            self._advance(run)
            snapshot = copy.copy(run)
            snapshot.steps = [copy.copy(s) for s in run.steps]
            snapshot.iterations = list(run.iterations)
            return snapshot

    def list_experiments(self) -> list[str]:
        with self._lock:
            return sorted({r.experiment for r in self._runs.values()})

    def list_runs(self, experiment: str | None = None) -> list[RunRecord]:
        with self._lock:
            chosen = [r for r in self._runs.values() if experiment in (None, r.experiment)]
            listed = [copy.copy(r) for r in sorted(chosen, key=lambda r: r.created_at or 0, reverse=True)]
        for r in listed:
            r.iterations = []
        return listed

    def cancel(self, run_id: str) -> None:
        with self._lock:
            self.cancelled.append(run_id)
            run = self._runs[run_id]
            if run.status in rs.ACTIVE:
                run.status, run.phase = rs.CANCEL_REQUESTED, "cancel requested"

    def read_log(self, run_id: str, step: str, tail_bytes: int | None = None) -> str:
        with self._lock:
            text = self._logs.get((run_id, step), "")
        return text[-tail_bytes:] if tail_bytes else text

    def get_artifacts(self, run_id: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._artifacts.get(run_id, {}))

    def fetch_outputs(self, run_id: str, dest: Path | None = None, sink=None) -> dict[str, Path]:
        if self.outputs_dir is None:
            import tempfile
            self.outputs_dir = Path(tempfile.mkdtemp(prefix="fake-outputs-"))
        folder = Path(dest or self.outputs_dir) / run_id
        folder.mkdir(parents=True, exist_ok=True)
        run = self.get_run(run_id)
        metrics_path = metrics_io.write_metrics_file(folder / metrics_io.METRICS_FILE, run.iterations)
        model_path = folder / metrics_io.MODEL_FILE
        model_path.write_bytes(b"model bytes")
        return {metrics_io.METRICS_FILE: metrics_path, metrics_io.MODEL_FILE: model_path}
