"""What a label column's values say about the task: classes, or a continuous target.

The wizard infers the task from the sample it previews (the user can override it) and
checks the choices that contradict the values: classification of a continuous label,
a positive label that is not one of the classes.
"""
from __future__ import annotations

MAX_CLASSES = 50   # more distinct values than this, with decimals among them, is a continuous target
FEW_CLASSES = 10   # up to this many decimal values may be classes, however few the rows


def _values(series):
    return series.dropna()


def has_decimals(series) -> bool:
    values = _values(series)
    if values.dtype.kind not in "fc":
        return False
    return bool((values != values.round()).any())


def looks_continuous(series) -> bool:
    """Numbers with decimals and more distinct values than a class list would have: over MAX_CLASSES,
    or (in a small table) so many for the rows that most classes would hold a row or two."""
    values = _values(series)
    if values.dtype.kind not in "iufc" or not has_decimals(values):
        return False
    distinct = values.nunique()
    return distinct > MAX_CLASSES or (distinct > FEW_CLASSES and 2 * distinct >= len(values))


def infer_task(series) -> tuple[str, str]:
    """(task, why) for a label column, e.g. ('regression', 'Price has 214 distinct decimal values')."""
    name, distinct = series.name, _values(series).nunique()
    if looks_continuous(series):
        return "regression", f"{name} has {distinct} distinct decimal values"
    if _values(series).dtype.kind in "iu" and distinct > MAX_CLASSES:
        return "regression", f"{name} has {distinct} distinct whole numbers"
    return "classification", f"{name} has {distinct} distinct value{'s' if distinct != 1 else ''}"


def class_texts(series, limit: int = 8) -> tuple[list[str], int]:
    """The first `limit` class values as text, and how many there are."""
    values = sorted(_values(series).unique(), key=str)
    return [str(v) for v in values[:limit]], len(values)


def is_class(series, value) -> bool:
    """True when `value` (as typed: text, number or boolean) is one of the column's values."""
    return str(value) in {str(v) for v in _values(series).unique()}
