"""VotingEnsemble weights: Caruana's greedy ensemble selection over the rolling-origin forecasts.

With replacement (a member picked twice weighs double), on the mean absolute error of the
average. Absolute rather than squared errors because there are few origins: one origin that
no model saw coming (a crash, a break) dominates squared errors and the selection then
chases that origin instead of what holds across them. The weights kept are those of the
round that scored best, so the ensemble is never worse on the rolling origins than its best
member alone (the first pick).
"""
from __future__ import annotations

import numpy as np

ROUNDS = 20


def greedy_weights(y: np.ndarray, preds: list[np.ndarray], rounds: int = ROUNDS) -> list[int]:
    """How many times each of `preds` was picked (0 for those left out)."""
    counts = [0] * len(preds)
    best_counts, best_error = list(counts), np.inf
    total = np.zeros_like(y, dtype=float)
    for n in range(1, rounds + 1):
        errors = [float(np.mean(np.abs(y - (total + p) / n))) for p in preds]
        choice = int(np.argmin(errors))
        counts[choice] += 1
        total = total + preds[choice]
        if errors[choice] < best_error * (1 - 1e-12):
            best_counts, best_error = list(counts), errors[choice]
    return best_counts
