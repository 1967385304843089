"""Featurization: fit the data transformer and scaler on the training rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from app.core.errors import UserInputError
from app.backends.local.automl.transformer import DataTransformer, NumericPassthrough


def fit_featurizer(X: pd.DataFrame, featurization: str, y=None, n_classes: int = 0):
    """(transformer, scaler, features of X) — 'off' demands numeric columns with no gaps, as Azure does.

    With `y`, categories with many values are ordered by their mean target (regression, or
    binary class codes); multiclass labels have no such order, so `y` is ignored for them."""
    if featurization == "off":
        text = [str(c) for c in X.columns if not (pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c]))]
        if text:
            raise UserInputError(f"featurization is 'off' but columns {', '.join(text)} are not numeric; "
                                 "encode them in data prep or set featurization: auto")
        gaps = [str(c) for c in X.columns if X[c].isna().any()]
        if gaps:
            raise UserInputError(f"featurization is 'off' but columns {', '.join(gaps)} have missing values; "
                                 "fill them in data prep or set featurization: auto")
        infinite = [str(c) for c in X.columns if np.isinf(X[c].to_numpy(dtype=float)).any()]
        if infinite:
            raise UserInputError(f"featurization is 'off' but columns {', '.join(infinite)} have infinite values; "
                                 "replace them in data prep or set featurization: auto")
        transformer = NumericPassthrough().fit(X)
    else:
        transformer = DataTransformer().fit(X, y if n_classes <= 2 else None)
    features = transformer.transform(X)
    if features.shape[1] == 0:
        raise UserInputError("no usable feature columns are left after featurization "
                             "(every column was empty or looked like an identifier)")
    scaler = StandardScaler().set_output(transform="pandas").fit(features)
    return transformer, scaler, scaler.transform(features)
