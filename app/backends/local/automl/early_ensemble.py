"""A VotingEnsemble kept ready during the search, so a canceled or cut-short step still ends with one.

The ensembles proper are built after the search. A user who cancels, or a step stopped at
its hard deadline, would otherwise keep only the best single model. So while the search
runs, the greedy selection over the kept out-of-fold predictions is repeated from time to
time, and when the ensemble beats the best iteration its pipeline is written beside
model_data. Its members are the models already at hand: the best one refitted on all rows,
the others as trained in their trials (with cross-validation, on the last fold). When the
step finishes without a VotingEnsemble iteration of its own (canceled, or the final
ensembles did not fit in the time), or the final selection scores worse than the ready one,
the ready one becomes the VotingEnsemble iteration and model_data, by renaming the file:
cheap enough for the stop file's one-second exit.

The selection costs a fraction of a second, more on big data, so it runs again only after
the search has spent OVERHEAD_FACTOR times its last cost, or at once when a new best
arrives and at least NEW_BEST_FACTOR times its cost has passed.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from app.core import catalog
from app.backends.local.automl import learners
from app.backends.local.automl.ensemble import candidates, voting_model, weighted_vote
from app.backends.local.automl.search import Trial

READY_FILE = "model_data.ensemble"
OVERHEAD_FACTOR = 10       # at most about a tenth of the search time
NEW_BEST_FACTOR = 4       # a new best: at most about a fifth


@dataclass
class Ready:
    value: float
    metrics: dict
    members: list[int]
    algorithms: list[str]
    weights: list[float]


class EarlyEnsembles:
    def __init__(self, step):
        self.step = step
        self.ready: Ready | None = None
        self._last_end = 0.0
        self._last_cost = 0.0
        self._best_at_last = None

    def refresh(self) -> None:
        """Rebuild the ready ensemble when it is due (called after each completed iteration)."""
        step = self.step
        best = step.state.best
        since = time.time() - self._last_end
        due = since >= OVERHEAD_FACTOR * self._last_cost or (
            best is not self._best_at_last and since >= NEW_BEST_FACTOR * self._last_cost)
        if best is None or not due:
            return
        if time.time() + self._last_cost >= step.search_deadline():
            return               # the time left is the finishing work's: the ensembles proper come next
        started = time.time()
        try:
            self._build()
        finally:
            self._last_end = time.time()
            self._last_cost = self._last_end - started
            self._best_at_last = best

    def _build(self) -> None:
        step = self.step
        pool = [t for t in candidates(step) if _model(t) is not None]
        if len(pool) < 2:
            return
        members, weights, trial = weighted_vote(step, pool)
        value, metrics = trial.value, trial.metrics
        held = self.ready
        improves = value is not None and math.isfinite(value) and (
            held is None or catalog.better(step.state.plan.metric, value, held.value))
        if held is not None and not improves:
            # the candidates changed since (better trials pushed its members out): keep the better one
            if not _beats_best(step, held.value):
                self._forget()
            return
        if len(members) < 2 or not improves or not _beats_best(step, value):
            self._forget()       # the best alone, or no better than it: nothing worth keeping
            return
        model, name = voting_model(step, [(str(t.iteration), _model(t)) for t in members], weights)
        transformer, scaler = step.featurizer
        pipeline = learners.pipeline(transformer, scaler, model, name, step.prepared.classes)
        ready = Ready(value, metrics, [t.iteration for t in members],
                      [learners.azure_name(step.state.plan.task, t.learner) for t in members], weights)
        with step.outputs.lock:
            if step.finished:          # the stop file's exit got here first: nothing may follow its outputs
                return
            step.outputs.write_model(pipeline, READY_FILE)
            self.ready = ready
            step.outputs.event("ensemble_ready", value=value, members=ready.members, weights=weights, time=time.time())

    def _forget(self) -> None:
        with self.step.outputs.lock:
            self.ready = None
            self.step.outputs.discard(READY_FILE)

    def keep(self) -> None:
        """At the end of the step (under the output lock): the ready ensemble becomes an iteration
        when the step has no VotingEnsemble of its own and it still beats the best."""
        step, ready = self.step, self.ready
        step.callbacks.early_ensembles = None     # committing it must not start another selection
        own = any(t.learner == "VotingEnsemble" for t in step.state.trials)
        if ready is None or own or not _beats_best(step, ready.value):
            self.ready = None
            step.outputs.discard(READY_FILE)
            return
        self._commit()

    def take_if_better(self, value: float | None) -> bool:
        """The final VotingEnsemble: when the ready one scored better than the final selection
        (whose candidates are the best trials at the end, which need not hold the ready one's
        members) and beats the best, the ready one becomes the step's VotingEnsemble."""
        step = self.step
        with step.outputs.lock:          # the stop file's exit commits it otherwise: not both
            ready = self.ready
            if step.finished or ready is None or not _beats_best(step, ready.value):
                return False
            if value is not None and math.isfinite(value) and not catalog.better(step.state.plan.metric,
                                                                                    ready.value, value):
                return False
            step.callbacks.early_ensembles = None
            self._commit()
            return True

    def _commit(self) -> None:
        step, ready = self.step, self.ready
        self.ready = None
        trial = Trial(iteration=len(step.state.trials), learner="VotingEnsemble", config={}, metrics=ready.metrics,
                      value=ready.value)
        step.callbacks.commit(trial, seeded=False, algorithm="VotingEnsemble", model_file=READY_FILE,
                              hyperparameters={"ensembled_iterations": ready.members,
                                               "ensembled_algorithms": ready.algorithms,
                                               "ensemble_weights": ready.weights, "built_during_search": True})


def _model(t: Trial):
    """A member's model without training: refitted (the best) or the trial's own."""
    return t.model if t.model is not None else t.fitted


def _beats_best(step, value: float) -> bool:
    best = step.state.best_value()
    return best is None or catalog.better(step.state.plan.metric, value, best)
