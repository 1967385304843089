"""Per-iteration and cross-run tables shared by the run monitor and the CLI (pandas, no Qt).

An iteration frame has one row per iteration sorted by number: `iteration`, `run_id`,
`pipeline`, `run_algorithm`, `run_preprocessor`, `duration_s`, then one column per metric.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable

from app.core import metrics as metrics_io

if TYPE_CHECKING:
    import pandas as pd

INFO_COLUMNS = ("iteration", "run_id", "pipeline", "run_algorithm", "run_preprocessor", "duration_s")
BEST_SO_FAR = "best_so_far"


def iterations_frame(iterations: Iterable) -> "pd.DataFrame":
    """From IterationRecords (only their finite scalar metrics)."""
    import pandas as pd

    rows = []
    for it in iterations:
        row = {"iteration": it.iteration, "run_id": it.run_id, "pipeline": it.pipeline,
               "run_algorithm": it.run_algorithm, "run_preprocessor": it.run_preprocessor,
               "duration_s": it.duration_s}
        row.update({name: float(value) for name, value in it.metrics.items() if _is_number(value)})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(INFO_COLUMNS) if not rows else None)
    return _ordered(frame)


def metrics_file_frame(metrics: dict[str, dict[str, float]]) -> "pd.DataFrame":
    """From a metrics file read by `app.core.metrics.read_metrics_file` (no pipeline names in it)."""
    frame = metrics_io.tidy_frame(metrics)
    for column in INFO_COLUMNS:
        if column not in frame.columns:
            frame[column] = "" if column in ("pipeline", "run_algorithm", "run_preprocessor") else None
    return _ordered(frame)


def _ordered(frame: "pd.DataFrame") -> "pd.DataFrame":
    info = [c for c in INFO_COLUMNS if c in frame.columns]
    metric_columns = sorted(c for c in frame.columns if c not in INFO_COLUMNS)
    frame = frame[info + metric_columns]
    if len(frame):
        frame = frame.sort_values("iteration", kind="stable").reset_index(drop=True)
    return frame


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def metric_columns(frame: "pd.DataFrame") -> list[str]:
    return [c for c in frame.columns if c not in INFO_COLUMNS and c != BEST_SO_FAR]


def metric_values(frame: "pd.DataFrame", metric: str) -> list[float | None]:
    if metric not in frame.columns:
        return [None] * len(frame)
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in frame[metric]]


def best_position(frame: "pd.DataFrame", metric: str) -> int | None:
    """Row position of the best iteration for `metric` (first on ties), or None."""
    return metrics_io.best_index(metric_values(frame, metric), metric)


def leaderboard(frame: "pd.DataFrame", metric: str) -> "pd.DataFrame":
    """The iteration frame with `best_so_far` after `metric`, which comes right after the info columns."""
    values = metric_values(frame, metric)
    table = frame.copy()
    table[BEST_SO_FAR] = metrics_io.best_so_far(values, metric)
    others = [c for c in metric_columns(frame) if c != metric]
    info = [c for c in INFO_COLUMNS if c in table.columns]
    if metric not in table.columns:
        table[metric] = values
    return table[info + [metric, BEST_SO_FAR] + others]


def choose_metric(frame: "pd.DataFrame", preferred: str = "") -> str:
    """`preferred` when the frame has it, else a sensible default (raises on a frame with no metrics)."""
    names = metric_columns(frame)
    if preferred and preferred in names:
        return preferred
    guess = metrics_io.guess_primary_metric({"_": {n: 0.0 for n in names}})
    return guess


def best_summary(frame: "pd.DataFrame", metric: str) -> dict:
    """The best iteration of one run: its number, pipeline and every metric."""
    position = best_position(frame, metric)
    if position is None:
        return {"iteration": None, "pipeline": "", "metrics": {}}
    row = frame.iloc[position]
    return {"iteration": int(row["iteration"]), "pipeline": str(row.get("pipeline", "") or ""),
            "metrics": {m: float(row[m]) for m in metric_columns(frame)
                        if row[m] is not None and not (isinstance(row[m], float) and math.isnan(row[m]))}}


def short_labels(labels: list[str], minimum: int = 8, long: int = 16) -> list[str]:
    """Labels longer than `long` (run ids are UUIDs) cut to the shortest prefix of at least
    `minimum` characters that still tells them apart, so they fit in headers and legends."""
    for n in range(minimum, max(map(len, labels), default=0) + 1):
        cut = [label[:n] if len(label) > long else label for label in labels]
        if len(set(cut)) == len(labels):
            return cut
    return list(labels)


def compare_table(frames: dict[str, "pd.DataFrame"], metric: str, baseline: str) -> "pd.DataFrame":
    """Rows = metrics (`metric` first); per run the value of its best iteration (chosen by
    `metric`); then `<run> - <baseline>` difference columns for every other run."""
    import pandas as pd

    if baseline not in frames:
        raise KeyError(baseline)
    summaries = {label: best_summary(frame, metric)["metrics"] for label, frame in frames.items()}
    names = sorted({n for values in summaries.values() for n in values} - {metric})
    index = [metric, *names]
    table = pd.DataFrame({label: [values.get(n) for n in index] for label, values in summaries.items()},
                         index=index, dtype=float)
    table.index.name = "metric"
    for label in frames:
        if label != baseline:
            table[f"{label} - {baseline}"] = table[label] - table[baseline]
    return table
