"""Small prepared frames and a runner for the AutoML step as a subprocess."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core.spec import AutoMLSettings

ROOT = Path(__file__).resolve().parents[3]


def titanic_frame() -> pd.DataFrame:
    df = pd.read_csv(ROOT / "resources" / "titanic.csv").drop(columns=["PassengerId", "Name", "Ticket", "Cabin"])
    df["Age"] = df["Age"].fillna(df["Age"].median())
    df["Embarked"] = df["Embarked"].fillna("S")
    df["Sex"] = (df["Sex"] == "female").astype(int)
    return df


def iris_frame() -> pd.DataFrame:
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    df = data.frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    df["target"] = data.target_names[data.target]
    return df


def diabetes_frame(rows: int = 300) -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame.head(rows)


def messy_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Categoricals, gaps and an identifier column, with a learnable binary label."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    colour = rng.choice(["red", "green", "blue"], size=rows)
    df = pd.DataFrame({"x": x, "colour": colour, "ident": [f"id{i}" for i in range(rows)],
                       "noise": rng.normal(size=rows)})
    df["y"] = np.where(x + (colour == "red") + rng.normal(scale=0.5, size=rows) > 0.5, "yes", "no")
    df.loc[rng.choice(rows, 30, replace=False), "x"] = np.nan
    df.loc[rng.choice(rows, 20, replace=False), "colour"] = None
    return df


@dataclasses.dataclass
class StepResult:
    returncode: int
    stderr: str
    out: Path
    events: list

    def of(self, kind: str) -> list:
        return [e for e in self.events if e["event"] == kind]

    @property
    def summary(self) -> dict:
        return json.loads((self.out / "summary.json").read_text())

    @property
    def finished(self) -> dict:
        return self.of("finished")[-1]


class StepRunner:
    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.n = 0

    def paths(self, frame: pd.DataFrame, settings: dict | None = None, **overrides):
        self.n += 1
        base = self.tmp / f"run{self.n}"
        base.mkdir()
        data = base / "data.parquet"
        frame.to_parquet(data)
        values = dataclasses.asdict(AutoMLSettings(**(settings or {})))
        values.update(overrides)
        values.setdefault("seed", 7)
        (base / "settings.json").write_text(json.dumps(values))
        args = [sys.executable, "-m", "app.backends.local.automl_step", "--data", str(data),
                "--settings", str(base / "settings.json"), "--output-dir", str(base / "out"),
                "--step-run-id", f"S{self.n}", "--events", str(base / "events.jsonl"),
                "--stop-file", str(base / "stop")]
        return base, args

    def run(self, frame: pd.DataFrame, settings: dict | None = None, timeout: float = 120, extra: tuple = (),
            **overrides) -> StepResult:
        base, args = self.paths(frame, settings, **overrides)
        proc = subprocess.run([*args, *extra], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        return collect(base, proc.returncode, proc.stderr)


def collect(base: Path, returncode: int, stderr: str) -> StepResult:
    events_path = base / "events.jsonl"
    events = [json.loads(line) for line in events_path.read_text().splitlines()] if events_path.exists() else []
    return StepResult(returncode, stderr, base / "out", events)


def fast(**settings) -> dict:
    """Tiny budgets for tests: few iterations, few folds, no ensemble unless asked."""
    base = {"label_column_name": "Survived", "iterations": 5, "n_cross_validations": 3,
            "enable_voting_ensemble": False, "enable_early_stopping": False}
    base.update(settings)
    return base


@pytest.fixture
def runner(tmp_path) -> StepRunner:
    return StepRunner(tmp_path)
