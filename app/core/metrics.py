"""The AutoML metrics output in Azure's format, and tidy views of it.

File: one JSON object; keys are iteration run ids `<steprun_id>_<n>`; values are
`{metric_name: [value]}`. Azure's downloads have no extension; scalars instead of
one-element lists are tolerated. `pd.DataFrame(json)` gives rows = metrics.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from app.core import catalog
from app.core.errors import UserInputError

if TYPE_CHECKING:
    import pandas as pd

METRICS_FILE = "metrics_data"
MODEL_FILE = "model_data"


def iteration_of(run_id: str) -> int | None:
    """The iteration number at the end of `<steprun_id>_<n>`, or None."""
    tail = str(run_id).rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


def to_metrics_json(iterations: Iterable) -> dict:
    """Azure's metrics-output mapping from IterationRecords (scalar, finite values only)."""
    out = {}
    for it in iterations:
        out[it.run_id] = {name: [_clean(value)] for name, value in sorted(it.metrics.items())
                          if isinstance(value, (int, float)) and not isinstance(value, bool)}
    return out


def _clean(value: float):
    value = float(value)
    return value if math.isfinite(value) else None


def write_metrics_file(path: str | Path, iterations: Iterable) -> Path:
    """Write atomically so a reader never sees half a file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(to_metrics_json(iterations), indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def find_metrics_file(path: str | Path) -> Path:
    """Accept the file itself, `<x>.json`, or a folder holding Azure's `metrics_data`."""
    p = Path(path)
    if p.is_dir():
        for candidate in (p / METRICS_FILE, p / f"{METRICS_FILE}.json", *sorted(p.glob(f"azureml/*/{METRICS_FILE}"))):
            if candidate.is_file():
                return candidate
        raise UserInputError(f"{p}: no {METRICS_FILE} file in this folder")
    if p.is_file():
        return p
    if p.with_suffix(".json").is_file():
        return p.with_suffix(".json")
    raise UserInputError(f"metrics file not found: {p}")


def read_metrics_file(path: str | Path) -> dict[str, dict[str, float]]:
    """{run_id: {metric: value}} from an Azure-format metrics output."""
    p = find_metrics_file(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserInputError(f"{p}: not an AutoML metrics file (expected JSON: {exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise UserInputError(f"{p}: not an AutoML metrics file; expected {{run_id: {{metric: [value]}}}}")
    result = {}
    for run_id, metrics in data.items():
        row = {}
        for name, value in metrics.items():
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str):
                try:
                    value = float(value)
                except ValueError:
                    continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[name] = float(value)
        result[str(run_id)] = row
    return result


def tidy_frame(metrics: dict[str, dict[str, float]]) -> "pd.DataFrame":
    """Rows = iterations sorted by number, columns = metrics, plus `run_id` and `iteration`."""
    import pandas as pd

    rows = [{"run_id": rid, "iteration": iteration_of(rid), **vals} for rid, vals in metrics.items()]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["run_id", "iteration"])
    frame["iteration"] = frame["iteration"].fillna(-1).astype(int)
    return frame.sort_values("iteration").reset_index(drop=True)


def best_so_far(values: Iterable[float | None], metric: str) -> list[float | None]:
    """The running best of `values` in iteration order for `metric`'s direction."""
    out, best = [], None
    for v in values:
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            if best is None or catalog.better(metric, v, best):
                best = v
        out.append(best)
    return out


def best_index(values: list[float | None], metric: str) -> int | None:
    """Index of the best value (first on ties), or None when there is none."""
    best = None
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if best is None or catalog.better(metric, v, values[best]):
            best = i
    return best


def guess_primary_metric(metrics: dict[str, dict[str, float]]) -> str:
    """A sensible metric to plot for a file with no run record."""
    names = {n for vals in metrics.values() for n in vals}
    for candidate in ("AUC_weighted", "accuracy", "normalized_root_mean_squared_error", "r2_score"):
        if candidate in names:
            return candidate
    return sorted(names)[0] if names else ""
