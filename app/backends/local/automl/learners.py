"""FLAML learners: Azure names, refitting a trial's configuration, and the pickled pipeline."""
from __future__ import annotations

from sklearn.pipeline import Pipeline

from app.core import catalog
from app.backends.local.automl.model import DecodedClassifier

PREPROCESSOR = "StandardScalerWrapper"


def azure_name(task: str, learner: str) -> str:
    """`lgbm` -> `LightGBM` etc., as Azure's run_algorithm."""
    for name, learners in catalog.LOCAL_LEARNERS[task].items():
        if learner in learners:
            return name
    return learner


def learner_of(estimator) -> str:
    """The FLAML estimator_list name of a FLAML estimator object."""
    from flaml.automl.task.factory import task_factory

    table = task_factory("classification" if estimator._task.is_classification() else "regression").estimators
    for name, cls in table.items():
        if type(estimator) is cls:
            return name
    return type(estimator).__name__


def refit(estimator_class, task_obj, config: dict, X, y, weight, n_jobs: int, budget: float | None):
    """Train `config` on all of X, y; returns the underlying sklearn-style model."""
    est = estimator_class(task=task_obj, **{**config, "n_jobs": n_jobs})
    kwargs = {} if weight is None else {"sample_weight": weight}
    est.fit(X, y, budget=budget, **kwargs)
    return est.model


def pipeline(transformer, scaler, final, step_name: str, classes=None) -> Pipeline:
    """Azure's shape: datatransformer, scaler, then the estimator (decoded to the user's labels)."""
    if classes is not None and not hasattr(final, "classes"):
        final = DecodedClassifier(final, classes)
    return Pipeline([("datatransformer", transformer), ("standardscalerwrapper", scaler), (step_name, final)])
