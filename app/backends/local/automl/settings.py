"""AutoMLConfig settings -> the plan the local engine follows (FLAML arguments and our own limits)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.core import catalog
from app.core.errors import UserInputError
from app.core.spec import AutoMLSettings, spec_from_dict
from app.core.validation import errors_only, validate_spec

# Learners tried when `allowed_models` is not set: FLAML's own default list, less SGD (its
# hinge-loss variants give no probabilities), with ElasticNet as the linear model for regression.
DEFAULT_LEARNERS = {
    "classification": ["lgbm", "rf", "xgboost", "extra_tree", "xgb_limitdepth", "lrl1"],
    "regression": ["lgbm", "rf", "xgboost", "extra_tree", "xgb_limitdepth", "enet"],
}
# Settings the shared validation calls "no local effect" that this engine does honour:
# model_explainability switches the permutation feature importance of the best model.
HONOURED_LOCALLY = {"automl.model_explainability"}
EARLY_STOPPING_LANDMARKS = 20     # Azure: never stop early before iteration 20
EARLY_STOPPING_WINDOW = 10        # then stop after 10 iterations without improvement
# An improvement of less than this share of the best score does not count for early stopping:
# on diabetes, ElasticNet configurations gained 0.0001 r2 every few iterations, so a search
# that had converged at 3 s ran for the whole 30 s; with the tolerance it ends after about 8 s
# with the same test score.
EARLY_STOPPING_TOLERANCE = 1e-3
ENSEMBLE_SHARE = 0.1
SOFT_LIMIT_SHARE = 0.85            # FLAML aims a trial's training at this share of the hard limit
# Below this many cells, thread start-up and contention cost more than they save: measured on
# a busy 2-core machine, LightGBM on iris took 0.11 s with 1 thread and 1.6 s with 2.
SMALL_DATA_CELLS = 200_000              # share of a time budget kept for the ensemble iterations


@dataclass
class Plan:
    settings: AutoMLSettings
    seed: int
    learners: list[str]
    search_iterations: int
    ensembles: list[str]
    search_seconds: float | None
    train_time_limit: float | None         # FLAML's target per trial (soft), below the hard limit
    n_jobs: int
    iteration_seconds: float | None = None  # iteration_timeout_minutes: the hard limit per iteration
    warnings: list[str] = field(default_factory=list)
    eval_method: str = "cv"
    n_splits: int = 3
    validation_size: float = 0.1
    validation_rule: str = ""
    starting_points: dict = field(default_factory=dict)   # FLAML learner -> [first configurations]
    warm_starts: dict = field(default_factory=dict)       # the ones from earlier runs (seeded iterations)

    @property
    def task(self) -> str:
        return self.settings.task

    @property
    def metric(self) -> str:
        return self.settings.metric


def load_settings(path: str | Path) -> tuple[AutoMLSettings, int, list[str]]:
    """The settings JSON (asdict(AutoMLSettings) + seed) validated for local runs, with its warnings."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserInputError(f"settings file not found: {p}") from None
    except json.JSONDecodeError as exc:
        raise UserInputError(f"{p}: the settings are not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise UserInputError(f"{p}: the settings must be a JSON object of AutoMLConfig names")
    seed = data.pop("seed", None)
    if seed is None:
        seed = (data.get("local") or {}).get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UserInputError(f"seed must be a whole number, got {seed!r}")
    spec = spec_from_dict({"experiment": "automl", "dataset": "data", "automl": data})
    problems = [pr for pr in validate_spec(spec, target="local") if pr.path.startswith("automl")]
    errors = errors_only(problems)
    if errors:
        raise UserInputError("; ".join(str(e) for e in errors))
    warnings = [str(pr).removeprefix("warning: ") for pr in problems
                if pr.level == "warning" and pr.path not in HONOURED_LOCALLY]
    return spec.automl, seed, warnings


def make_plan(settings: AutoMLSettings, seed: int, warnings: list[str]) -> Plan:
    """FLAML-facing choices that do not depend on the data."""
    warnings = list(warnings)
    learners = _learners(settings)
    ensembles = []
    if settings.enable_voting_ensemble:
        ensembles.append("VotingEnsemble")
    if settings.enable_stack_ensemble:
        ensembles.append("StackEnsemble")
    search = settings.iterations - len(ensembles)
    if ensembles and search < 2:
        warnings.append(f"iterations={settings.iterations} leaves no room for ensembles; "
                        "they are skipped (ensembles need at least two trained iterations)")
        ensembles, search = [], settings.iterations
    timeout = settings.timeout_seconds()
    search_seconds = timeout * (1 - ENSEMBLE_SHARE) if timeout and ensembles else timeout
    per_trial = settings.iteration_timeout_minutes * 60 if settings.iteration_timeout_minutes else None
    cores = _cores()
    n_jobs = cores if settings.max_cores_per_iteration == -1 else min(settings.max_cores_per_iteration, cores)
    return Plan(settings=settings, seed=seed, learners=learners, search_iterations=search,
                ensembles=ensembles, search_seconds=search_seconds, train_time_limit=per_trial,
                n_jobs=n_jobs, warnings=warnings, iteration_seconds=per_trial)


def _cores() -> int:
    """Cores this process may use (its affinity where the platform tells it)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _learners(settings: AutoMLSettings) -> list[str]:
    table = catalog.LOCAL_LEARNERS[settings.task]
    if settings.allowed_models:
        names = [n for n in settings.allowed_models if n not in (settings.blocked_models or [])]
        learners = [learner for n in names for learner in table[n]]
    else:
        blocked = {learner for n in settings.blocked_models or [] for learner in table.get(n, ())}
        learners = [learner for learner in DEFAULT_LEARNERS[settings.task] if learner not in blocked]
    if not learners:
        raise UserInputError("allowed_models/blocked_models leave no algorithm to train locally")
    return learners


def choose_jobs(plan: Plan, n_rows: int, n_features: int) -> None:
    """max_cores_per_iteration is a cap (as on Azure); small data trains on one thread."""
    if plan.n_jobs != 1 and n_rows * n_features < SMALL_DATA_CELLS:
        plan.n_jobs = 1


def choose_validation(plan: Plan, n_rows: int, min_class_count: int | None) -> None:
    """Azure's validation rule: explicit folds or holdout, else by row count."""
    s = plan.settings
    if s.validation_size is not None:
        plan.eval_method, plan.validation_size = "holdout", float(s.validation_size)
        plan.validation_rule = f"holdout of {s.validation_size:.0%} (validation_size)"
    elif s.n_cross_validations is not None:
        plan.eval_method, plan.n_splits = "cv", int(s.n_cross_validations)
        plan.validation_rule = f"{s.n_cross_validations}-fold cross-validation (n_cross_validations)"
    elif n_rows > 20000:
        plan.eval_method, plan.validation_size = "holdout", 0.1
        plan.validation_rule = "a 10% holdout, chosen automatically for more than 20,000 rows"
    else:
        plan.eval_method = "cv"
        plan.n_splits = 10 if n_rows < 1000 else 3
        plan.validation_rule = (f"{plan.n_splits}-fold cross-validation, chosen automatically for {n_rows:,} rows "
                                "(10 folds under 1,000 rows, 3 up to 20,000)")
    if plan.eval_method == "cv" and min_class_count is not None and min_class_count < plan.n_splits:
        plan.warnings.append(f"the smallest class has {min_class_count} rows, fewer than {plan.n_splits} folds; "
                             f"using {min_class_count} folds")
        plan.n_splits = min_class_count
        plan.validation_rule += f", reduced to {min_class_count} folds"
    _soft_limit(plan)


def _soft_limit(plan: Plan) -> None:
    """FLAML's per-trial target, so that training and — with cross-validation — the refit of a
    new best on all rows (about one fold's time times k/(k-1)) end within the hard limit."""
    if not plan.iteration_seconds:
        return
    share = SOFT_LIMIT_SHARE
    if plan.eval_method == "cv":
        share *= (plan.n_splits - 1) / plan.n_splits
    plan.train_time_limit = plan.iteration_seconds * share
