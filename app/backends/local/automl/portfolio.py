"""Starting configurations: the libraries' well-tried defaults, sized to the data.

FLAML starts each learner from its cheapest configuration (e.g. 4 trees), which needs many
iterations to become competitive. Azure's first iterations are sensible defaults instead;
starting from them gives a strong model in the first few iterations, and FLAML's local
search then refines around them. Only configurations from earlier runs (warm start) make
an iteration `seeded: true`; these defaults are every run's ordinary opening.

On small data the boosted learners also open with a shallow, strongly regularised variant:
there the defaults overfit (on a noisy 1,500-row set, 4-leaf trees beat 31-leaf ones), and
FLAML's local search then starts from whichever of the two scored better.
"""
from __future__ import annotations

SMALL_DATA_ROWS = 5000
# A forest's first fit costs about trees x rows: 100 trees on 45,000 rows took 10 s on a busy
# 2-core machine, a sixth of a one-minute budget for a learner that rarely wins on big data.
# Forests open with at most this many tree-rows (100 trees up to 10,000 rows, fewer beyond);
# FLAML grows the trees when they pay.
FOREST_TREE_ROWS = 500_000
MIN_FOREST_TREES = 8


def starting_points(learners: list[str], n_rows: int, classification: bool,
                    fit_rows: int | None = None) -> dict[str, list[dict]]:
    """`fit_rows`: the rows a first trial trains on (a fold, or the first sample on big data)."""
    trees = max(5, min(100, n_rows))
    forest_trees = max(MIN_FOREST_TREES, min(trees, FOREST_TREE_ROWS // max(1, fit_rows or n_rows)))
    leaves = max(5, min(32768, n_rows >> 1))
    boosted = {"n_estimators": trees, "learning_rate": 0.1, "colsample_bytree": 1.0,
               "reg_alpha": 1 / 1024, "reg_lambda": 1.0}
    table = {
        "lgbm": {**boosted, "num_leaves": min(31, leaves), "min_child_samples": 20, "log_max_bin": 8},
        "xgboost": {**boosted, "max_leaves": min(31, leaves), "min_child_weight": 1.0, "subsample": 1.0,
                    "colsample_bylevel": 1.0},
        "xgb_limitdepth": {**boosted, "max_depth": 6, "min_child_weight": 1.0, "subsample": 1.0,
                           "colsample_bylevel": 1.0},
        "rf": {"n_estimators": forest_trees, "max_features": 0.5, "max_leaves": leaves},
        "extra_tree": {"n_estimators": forest_trees, "max_features": 0.5, "max_leaves": leaves},
        "lrl1": {"C": 1.0},
        "lrl2": {"C": 1.0},
    }
    if classification:
        for name in ("rf", "extra_tree"):
            table[name]["criterion"] = "gini"
    points = {name: [dict(table[name])] for name in learners if name in table}
    if n_rows <= SMALL_DATA_ROWS:
        shallow = {"n_estimators": 40, "learning_rate": 0.3, "colsample_bytree": 0.8, "reg_alpha": 1 / 1024,
                   "reg_lambda": 10.0}
        variants = {
            "lgbm": {**shallow, "num_leaves": 4, "min_child_samples": 20, "log_max_bin": 8},
            "xgboost": {**shallow, "max_leaves": 4, "min_child_weight": 1.0, "subsample": 0.9, "colsample_bylevel": 1.0},
            "xgb_limitdepth": {**shallow, "max_depth": 2, "min_child_weight": 1.0, "subsample": 0.9,
                               "colsample_bylevel": 1.0},
        }
        for name, config in variants.items():
            if name in points:
                points[name].append(config)
    return points


def merge(warm: dict[str, list[dict]], defaults: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """FLAML starting points: earlier runs' configurations first, then the defaults."""
    learners = list(dict.fromkeys([*warm, *defaults]))
    return {name: [*warm.get(name, []), *defaults.get(name, [])] for name in learners}


def is_start(config: dict, starts: list[dict]) -> bool:
    """True when a trial's configuration is one of the starting points (FLAML may round numbers)."""
    return any(_same(config, start) for start in starts)


def _same(config: dict, start: dict) -> bool:
    if not start:
        return False
    for key, value in start.items():
        got = config.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not isinstance(got, (int, float)) or abs(got - value) > 1e-6 * max(1.0, abs(value)):
                return False
        elif got != value:
            return False
    return True
