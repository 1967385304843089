"""Loading the prepared data and turning it into features, labels, weights and a test split."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from app.core.errors import UserInputError
from app.core.spec import AutoMLSettings

MIN_ROWS = 10


@dataclass
class Prepared:
    X: pd.DataFrame
    y: np.ndarray                      # class codes 0..k-1, or float targets
    weight: np.ndarray | None
    feature_columns: list[str]
    classes: np.ndarray | None = None
    positive: int | None = None        # class code used for the _binary metrics
    y_range: float = 1.0
    X_test: pd.DataFrame | None = None
    y_test: np.ndarray | None = None
    weight_test: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n_classes(self) -> int:
        return 0 if self.classes is None else len(self.classes)

    def class_counts(self) -> dict:
        if self.classes is None:
            return {}
        counts = np.bincount(self.y, minlength=self.n_classes)
        return {str(c): int(n) for c, n in zip(self.classes.tolist(), counts)}


def read_table(path: str | Path) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise UserInputError(f"data file not found: {p}")
    try:
        if p.suffix.lower() in (".csv", ".txt"):
            return pd.read_csv(p)
        try:
            return pd.read_parquet(p)
        except Exception:
            return pd.read_csv(p)
    except Exception as exc:
        raise UserInputError(f"{p}: cannot read the data as Parquet or CSV ({exc})") from None


def prepare(frame: pd.DataFrame, s: AutoMLSettings, seed: int) -> Prepared:
    """Check the frame against the settings and split off labels, weights and the test rows."""
    label = s.label_column_name
    if label not in frame.columns:
        raise UserInputError(f"label column '{label}' is not in the data; columns: {', '.join(map(str, frame.columns))}")
    notes = []
    missing_label = frame[label].isna()
    if missing_label.any():
        notes.append(f"{int(missing_label.sum())} rows with no label were left out")
        frame = frame.loc[~missing_label]
    weight = None
    drop = [label]
    if s.weight_column_name:
        wcol = s.weight_column_name
        if wcol not in frame.columns:
            raise UserInputError(f"weight column '{wcol}' is not in the data")
        weight = pd.to_numeric(frame[wcol], errors="coerce").to_numpy(dtype=float)
        if np.isnan(weight).any() or (weight < 0).any():
            raise UserInputError(f"weight column '{wcol}' must hold non-negative numbers with no gaps")
        drop.append(wcol)
    X = frame.drop(columns=drop)
    if X.shape[1] == 0:
        raise UserInputError("the data has no feature columns besides the label")
    if len(X) < MIN_ROWS:
        raise UserInputError(f"the data has {len(X)} labelled rows; AutoML needs at least {MIN_ROWS}")
    prepared = Prepared(X=X, y=np.empty(0), weight=weight, feature_columns=[str(c) for c in X.columns], notes=notes)
    raw_y = frame[label]
    if s.task == "classification":
        _encode_classes(prepared, raw_y, s.positive_label)
    else:
        values = pd.to_numeric(raw_y, errors="coerce")
        if values.isna().any():
            raise UserInputError(f"label column '{label}' must be numeric for regression")
        prepared.y = values.to_numpy(dtype=float)
        prepared.y_range = float(prepared.y.max() - prepared.y.min())
    if s.test_size:
        _split_test(prepared, float(s.test_size), seed, stratify=s.task == "classification")
    return prepared


def _encode_classes(prepared: Prepared, raw_y: pd.Series, positive_label) -> None:
    classes = np.array(sorted(raw_y.unique().tolist(), key=lambda v: (str(type(v)), v)))
    if len(classes) < 2:
        raise UserInputError(f"the label column has a single class ({classes[0]!r}); classification needs two or more")
    prepared.classes = classes
    prepared.y = pd.Index(classes.tolist(), dtype=object).get_indexer(raw_y.astype(object)).astype(int)
    single = [str(c) for c, n in zip(classes.tolist(), np.bincount(prepared.y)) if n < 2]
    if single:
        raise UserInputError(f"class {', '.join(repr(c) for c in single)} of the label column has a single row; "
                             "validation needs at least two rows per class, so remove or merge it in data prep")
    if positive_label is not None:
        match = [i for i, c in enumerate(classes.tolist()) if c == positive_label or str(c) == str(positive_label)]
        if not match:
            raise UserInputError(f"positive_label {positive_label!r} is not a class of the label column; "
                                 f"classes: {', '.join(map(str, classes.tolist()))}")
        prepared.positive = match[0]
    elif len(classes) == 2:
        prepared.positive = 1


def split_rows(y: np.ndarray, size: float, seed: int, stratify: bool) -> tuple[np.ndarray, np.ndarray]:
    """(kept, held out) row positions, stratified by class when possible."""
    index = np.arange(len(y))
    try:
        return tuple(train_test_split(index, test_size=size, random_state=seed, stratify=y if stratify else None))
    except ValueError:
        return tuple(train_test_split(index, test_size=size, random_state=seed))


def _split_test(prepared: Prepared, size: float, seed: int, stratify: bool) -> None:
    train, test = split_rows(prepared.y, size, seed, stratify)
    if len(test) == 0 or len(train) < MIN_ROWS:
        raise UserInputError(f"test_size {size} leaves too few rows to train or to test; lower it")
    prepared.X_test = prepared.X.iloc[test]
    prepared.y_test = prepared.y[test]
    prepared.weight_test = None if prepared.weight is None else prepared.weight[test]
    prepared.X = prepared.X.iloc[train]
    prepared.y = prepared.y[train]
    prepared.weight = None if prepared.weight is None else prepared.weight[train]
