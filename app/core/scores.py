"""The held-out test-split score, read from an AutoML step's summary, worded beside the validation score.

The search picks the best model by its validation score; the test split (`test_size`) is kept
out of the search and scored once on the chosen model, so it is the fairer estimate.
"""
from __future__ import annotations


def test_split(summary: dict | None) -> tuple[float, int | None] | None:
    """(score, rows) of the best model on the test split, or None when no test split was held out."""
    if not summary or summary.get("test_score") is None:
        return None
    rows = summary.get("test_rows")
    return float(summary["test_score"]), None if rows is None else int(rows)


def test_split_text(summary: dict | None, metric: str) -> str:
    """'test split AUC_weighted 0.8512 (179 rows)', or '' when there is none."""
    found = test_split(summary)
    if found is None:
        return ""
    score, rows = found
    held = f" ({rows} rows)" if rows is not None else ""
    return f"test split {metric} {score:.4f}{held}"
