"""The data transformer that leads every pickled pipeline (Azure's `datatransformer` step).

It is fitted once on the training split and turns the prepared data's raw columns into
numeric features: median imputation, one-hot or ordered codes for text
columns, parts of dates, and ID-like text columns dropped. What it did is kept in
`report` for the guardrails. Light imports only: models are unpickled without FLAML.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from app.core.timeseries import date_text_format, parse_times

ONE_HOT_MAX = 10          # text columns with at most this many values are one-hot encoded
MAX_CODES = 100           # beyond this many values, rarer ones share one "other" code
ID_LIKE_RATIO = 0.9       # a text column with this share of distinct values is an identifier
SMOOTHING = 10            # rows of prior weight when ordering categories by their mean target
# Fitting (medians, category counts and orders) on this many sampled rows gives the same plan
# as on all of them for all but the rarest categories, and saves seconds on a million rows.
FIT_ROWS = 200_000
MISSING = "__missing__"


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]", "_", str(name)) or "col"


def _finite(s: pd.Series) -> pd.Series:
    """Numbers as floats; infinite values count as missing, so they are imputed like gaps."""
    return pd.to_numeric(s, errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)


def _as_dates(s: pd.Series, form) -> pd.Series:
    """A date column's values as datetimes: as fitted, so a few rows to predict on (no day
    above 12) are read in the training data's order."""
    if form is None:
        return pd.to_datetime(s, errors="coerce")
    if form == "text":
        return parse_times(s)[0]
    return pd.to_datetime(s.astype("object").where(s.notna()).astype(str).str.strip(), format=form, errors="coerce")


def _by_target_mean(text: pd.Series, y: np.ndarray, kept: list) -> list:
    """Categories ordered by their smoothed mean target, so one tree split can separate high from low
    (the ordering LightGBM uses for its own categorical splits). Rows whose target is NaN (a
    holdout's validation rows) do not count, so the order tells nothing about them."""
    known = ~np.isnan(y)
    frame = pd.DataFrame({"v": text.to_numpy()[known], "y": y[known]})
    stats = frame.groupby("v")["y"].agg(["sum", "count"])
    prior = float(y[known].mean()) if known.any() else 0.0
    smoothed = (stats["sum"] + SMOOTHING * prior) / (stats["count"] + SMOOTHING)
    return sorted(kept, key=lambda v: (smoothed.get(v, prior), str(v)))


class DataTransformer(TransformerMixin, BaseEstimator):
    """Raw prepared columns -> numeric feature frame (featurization 'auto')."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled

    def fit(self, X: pd.DataFrame, y=None):
        """`y` (regression targets or 0/1 codes), when given, orders many-valued categories."""
        self.input_columns_ = list(X.columns)
        self.plans_: list[tuple[str, str, object]] = []
        self.report_ = {"imputed": {}, "dropped_id_like": [], "dropped_empty": [],
                        "one_hot": [], "codes": [], "dates": []}
        full = X
        if len(X) > FIT_ROWS:
            rows = np.sort(np.random.default_rng(0).choice(len(X), FIT_ROWS, replace=False))
            X, y = X.iloc[rows], (None if y is None else np.asarray(y)[rows])
        n = len(X)
        for col in X.columns:
            s = X[col]
            numeric = pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s)
            if (_finite(s) if numeric else s).isna().all():
                self.report_["dropped_empty"].append(col)
                continue
            if numeric:
                values = _finite(s)
                fill = float(values.median())
                if values.isna().any() or full is not X and _finite(full[col]).isna().any():
                    gaps = int(_finite(full[col]).isna().sum())
                    self.report_["imputed"][col] = {"count": gaps, "value": fill, "how": "median"}
                self.plans_.append((col, "num", fill))
            elif pd.api.types.is_datetime64_any_dtype(s):
                self.report_["dates"].append(col)
                self.plans_.append((col, "date", None))
            elif (form := date_text_format(s)) is not None:
                self.report_["dates"].append(col)
                self.plans_.append((col, "date", form))
            else:
                text = s.astype("object").where(s.notna(), MISSING).astype(str)
                counts = text.value_counts()
                if full[col].isna().any():
                    self.report_["imputed"][col] = {"count": int(full[col].isna().sum()), "value": MISSING,
                                                    "how": "own category"}
                if n >= 20 and len(counts) >= ID_LIKE_RATIO * n:
                    self.report_["dropped_id_like"].append(col)
                elif len(counts) <= ONE_HOT_MAX:
                    self.report_["one_hot"].append(col)
                    self.plans_.append((col, "onehot", list(counts.index)))
                else:
                    self.report_["codes"].append(col)
                    kept = list(counts.index[:MAX_CODES])
                    if y is not None:
                        kept = _by_target_mean(text, np.asarray(y, dtype=float), kept)
                    self.plans_.append((col, "codes", {v: i for i, v in enumerate(kept)}))
        self.feature_names_ = list(self._names())
        return self

    def _names(self):
        seen: set[str] = set()
        for col, kind, info in self.plans_:
            if kind == "onehot":
                names = [f"{col}_{v}" for v in info]
            elif kind == "date":
                names = [f"{col}_{part}" for part in ("year", "month", "day", "dayofweek", "hour")]
            else:
                names = [col]
            for name in names:
                safe = _safe(name)
                while safe in seen:
                    safe += "_"
                seen.add(safe)
                yield safe

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in self.input_columns_ if c not in X.columns]
        if missing:
            raise ValueError(f"columns missing from the data: {', '.join(map(str, missing))}")
        # one preallocated block filled column by column: stacking the parts copied a million rows twice
        data = np.empty((len(X), len(self.feature_names_)))
        at = 0
        for col, kind, info in self.plans_:
            s = X[col]
            if kind == "num":
                block = _finite(s).fillna(info).to_numpy()[:, None]
            elif kind == "date":
                d = _as_dates(s, info)
                block = np.column_stack([d.dt.year, d.dt.month, d.dt.day, d.dt.dayofweek, d.dt.hour]).astype(float)
                block = np.nan_to_num(block, nan=0.0)
            else:
                text = s.astype("object").where(s.notna(), MISSING).astype(str).to_numpy()
                if kind == "onehot":
                    block = np.column_stack([(text == v) for v in info]).astype(float)
                else:
                    codes = pd.Index(list(info)).get_indexer(text)
                    block = np.where(codes < 0, len(info), codes).astype(float)[:, None]
            data[:, at:at + block.shape[1]] = block
            at += block.shape[1]
        return pd.DataFrame(data, columns=self.feature_names_, index=X.index)


class NumericPassthrough(TransformerMixin, BaseEstimator):
    """featurization 'off': pass the numeric columns through in their fitted order."""

    def fit(self, X: pd.DataFrame, y=None):
        self.input_columns_ = list(X.columns)
        self.feature_names_ = [_safe(c) for c in X.columns]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        data = X[self.input_columns_].astype(float).to_numpy()
        return pd.DataFrame(data, columns=self.feature_names_, index=X.index)
