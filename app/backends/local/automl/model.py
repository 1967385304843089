"""Final estimators of the pickled pipelines: label decoding and prefitted ensembles.

The engine trains on class codes 0..k-1; these wrappers give back the user's labels and
`predict_proba` columns in `classes_` order. Light imports only (see the package docstring).
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone


def _codes(classes: np.ndarray, y) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(classes.tolist())}
    return np.array([lookup[v] for v in np.asarray(y).tolist()])


class _Labels(ClassifierMixin, BaseEstimator):
    """`classes_` and `predict` from `predict_proba` over class codes."""

    @property
    def classes_(self) -> np.ndarray:
        return np.asarray(self.classes)

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class DecodedClassifier(_Labels):
    """A classifier fitted on class codes, speaking the original labels."""

    def __init__(self, estimator=None, classes=None):
        self.estimator = estimator
        self.classes = classes

    def fit(self, X, y, sample_weight=None):
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.estimator.fit(X, _codes(self.classes_, y), **kwargs)
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.estimator.predict_proba(X)


class PreFittedSoftVotingClassifier(DecodedClassifier):
    """Weighted average of prefitted members' probabilities (Azure's VotingEnsemble).

    `estimators` is a list of (iteration number as text, fitted model on class codes).
    """

    def __init__(self, estimators=None, weights=None, classes=None):
        self.estimators = estimators
        self.weights = weights
        self.classes = classes

    def fit(self, X, y, sample_weight=None):
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        codes = _codes(self.classes_, y)
        self.estimators = [(name, clone(est).fit(X, codes, **kwargs)) for name, est in self.estimators]
        return self

    def predict_proba(self, X) -> np.ndarray:
        total = sum(w * est.predict_proba(X) for (_, est), w in zip(self.estimators, self.weights))
        return total / float(np.sum(self.weights))


class PreFittedSoftVotingRegressor(RegressorMixin, BaseEstimator):
    """Weighted average of prefitted members' predictions (Azure's VotingEnsemble)."""

    def __init__(self, estimators=None, weights=None):
        self.estimators = estimators
        self.weights = weights

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def fit(self, X, y, sample_weight=None):
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.estimators = [(name, clone(est).fit(X, y, **kwargs)) for name, est in self.estimators]
        return self

    def predict(self, X) -> np.ndarray:
        total = sum(w * np.asarray(est.predict(X), dtype=float) for (_, est), w in zip(self.estimators, self.weights))
        return total / float(np.sum(self.weights))


class StackEnsembleClassifier(_Labels):
    """Prefitted members whose probabilities feed a meta-learner (Azure's StackEnsemble)."""

    def __init__(self, estimators=None, meta_learner=None, classes=None):
        self.estimators = estimators
        self.meta_learner = meta_learner
        self.classes = classes

    def _meta_features(self, X) -> np.ndarray:
        return np.hstack([est.predict_proba(X) for _, est in self.estimators])

    def predict_proba(self, X) -> np.ndarray:
        return self.meta_learner.predict_proba(self._meta_features(X))


class StackEnsembleRegressor(RegressorMixin, BaseEstimator):
    """Prefitted members whose predictions feed a meta-learner (Azure's StackEnsemble)."""

    def __init__(self, estimators=None, meta_learner=None):
        self.estimators = estimators
        self.meta_learner = meta_learner

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict(self, X) -> np.ndarray:
        meta = np.column_stack([np.asarray(est.predict(X), dtype=float) for _, est in self.estimators])
        return self.meta_learner.predict(meta)
