"""FLAML learners: Azure names, refitting a trial's configuration, and the pickled pipeline."""
from __future__ import annotations

import time

from sklearn.pipeline import Pipeline

from app.core import catalog
from app.backends.local.automl.model import DecodedClassifier
from app.backends.local.automl.timeouts import IterationTimeout

PREPROCESSOR = "StandardScalerWrapper"


def azure_name(task: str, learner: str) -> str:
    """`lgbm` -> `LightGBM` etc., as Azure's run_algorithm."""
    for name, learners in catalog.LOCAL_LEARNERS[task].items():
        if learner in learners:
            return name
    return learner


def _flaml_classes(task: str) -> dict:
    from flaml.automl.task.factory import task_factory

    return task_factory(task).estimators


def learner_name(estimator_class: type, task_obj) -> str:
    """The FLAML estimator_list name of a FLAML estimator class (or of a tolerant subclass)."""
    table = _flaml_classes("classification" if task_obj.is_classification() else "regression")
    for cls in estimator_class.__mro__:
        for name, known in table.items():
            if cls is known:
                return name
    return estimator_class.__name__


OPENING_COST = 1e-3       # an untried learner's cost relative to the first one's, in the opening round


def tolerant_learners(task: str, names: list[str], clock, opening_round: bool = False) -> dict[str, type]:
    """FLAML estimator classes whose failed or timed-out fit is recorded instead of ending the search.

    The failure is kept on the estimator (`failure`, and `timed_out` when the trial's alarm
    ended the fit) for the metric callback, which then reports a Failed iteration; FLAML sees
    an infinite loss and moves on. `clock` (the search callbacks) starts the trial's clock at
    its first fit (`fit_started`), gives the alarm and is told each fit's duration (`fit_ended`).

    `opening_round`: every learner's first trial comes right after the first learner's. FLAML
    orders untried learners by their cost relative to LightGBM (forests 2, XGBoost 1.6, ...),
    so LightGBM and XGBoost took the first dozen iterations while the forests that win small
    sets (breast cancer, iris) came at iteration 12 or later, and the early ensembles lacked
    them. Those costs only order the untried learners; once tried, each learner's measured
    cost counts."""
    table = _flaml_classes(task)
    chosen = [name for name in names if name in table]
    return {name: _tolerant(table[name], clock, (1.0 if i == 0 else OPENING_COST) if opening_round else None)
            for i, name in enumerate(chosen)}


def _tolerant(cls: type, clock, relative_cost: float | None = None) -> type:
    def fit(self, X_train, y_train, budget=None, free_mem_ratio=0, **kwargs):
        self.failure, self.timed_out = None, False
        clock.fit_started()
        started = time.time()
        try:
            with clock.alarm.fitting():
                return cls.fit(self, X_train, y_train, budget=budget, free_mem_ratio=free_mem_ratio, **kwargs)
        except IterationTimeout:
            self.failure, self.timed_out = "timed out", True
            return time.time() - started
        except Exception as exc:  # one bad configuration must not end the run
            if clock.alarm.expired:       # the alarm rang inside a library callback that re-raised its own error
                self.failure, self.timed_out = "timed out", True
            else:
                self.failure = f"{type(exc).__name__}: {exc}"
            return 0.0
        finally:
            clock.fit_ended(time.time() - started)

    members = {"fit": fit, "wrapped": cls}
    if relative_cost is not None:
        members["cost_relative2lgbm"] = classmethod(lambda _cls: relative_cost)
    return type(cls.__name__, (cls,), members)


def base_class(cls: type) -> type:
    """The FLAML class behind a tolerant subclass (refits should fail loudly)."""
    return getattr(cls, "wrapped", cls)


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
