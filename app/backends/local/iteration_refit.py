"""Registering any iteration's model (Azure's `TrainingOutput(iteration=…)` / `get_output(iteration=i)`).

The AutoML step keeps only the best model on disk. Another iteration's model is rebuilt on
demand from what the step recorded — its learner and hyperparameters — with the engine's
own code: the same settings file, the same prepared data and train split, the same
featurizer, `learners.refit`, and `learners.pipeline` for the pickled shape. A voting
ensemble refits its members and keeps its recorded weights. The result is committed as a
new version with `commit_model`, exactly like the register step's.
"""
from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path

from app.backends.local.model_registry import commit_model, held_out_properties
from app.backends.local.submit import package_versions
from app.core import catalog
from app.core import runs as rs
from app.core.errors import UserInputError
from app.core.metrics import MODEL_FILE
from app.core.progress import Sink
from app.core.runs import IterationRecord, ModelVersion, RunRecord, default_model_name
from app.core.spec import NAME_PATTERN

PARAMS_FILE = "dataprep_params.json"


def register_iteration(backend, run_ref: str, iteration: int, model_name: str | None = None,
                       sink: Sink | None = None) -> ModelVersion:
    """Register iteration `iteration` of run `run_ref` as the next version of `model_name`.

    The run's saved best model is used as-is for its own iteration; any other is refitted.
    """
    sink = sink or Sink()
    run = backend.get_run(run_ref)
    record = _iteration(run, iteration)
    name = model_name or default_model_name(run)
    if not NAME_PATTERN.match(name or ""):
        raise UserInputError(f"'{name}' is not a model name; use letters, digits, '_', '-' or '.', "
                             "starting with a letter or digit")
    folder = backend.automl_output_dir(run)
    summary = _read_json(folder / "summary.json") if folder is not None else {}
    prep_outputs = run.step("data_prep").outputs if run.step("data_prep") is not None else {}
    with tempfile.TemporaryDirectory(prefix="automl-desk-iteration-") as tmp:
        staged = Path(tmp)
        if summary.get("model_iteration") == iteration and (folder / MODEL_FILE).is_file():
            sink.progress(0.5, f"iteration {iteration} is the saved model; registering it as is")
            (staged / "model.pkl").write_bytes((folder / MODEL_FILE).read_bytes())
            packages = _packages_at_training(run, summary)
            refitted = False
            measured = held_out_properties(summary)
        else:
            model = (refit_forecast_iteration if run.task == "forecasting" else refit_iteration)(
                backend, run, record, sink)
            sink.check()
            (staged / "model.pkl").write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
            packages = package_versions()
            refitted = True
            measured = {}  # the test split scored only the saved model
        sink.progress(0.95, f"registering {name}")
        params = prep_outputs.get("dataprep_params")
        extras = {PARAMS_FILE: Path(params) if params else None}
        info = {"run_id": run.run_id, "iteration": iteration, "dataset": run.dataset, "task": run.task,
                "primary_metric": run.primary_metric, "metric_value": record.metrics.get(run.primary_metric),
                "properties": {"packages": packages, "feature_columns": summary.get("feature_columns"),
                               "class_labels": summary.get("class_labels"),
                               "label_column": summary.get("label_column"), "has_dataprep": bool(params),
                               "automl_step_run_id": summary.get("step_run_id"),
                               "iteration_run_id": record.run_id, "run_algorithm": record.run_algorithm,
                               "refitted": refitted, **measured}}
        model_version = commit_model(backend, name, staged, "model.pkl", extras, info)
    sink.progress(1.0, f"registered {model_version.name}:{model_version.version}")
    return model_version


def _iteration(run: RunRecord, iteration: int) -> IterationRecord:
    record = next((i for i in run.iterations if i.iteration == iteration), None)
    if record is None:
        known = ", ".join(str(i.iteration) for i in run.iterations) or "none"
        raise UserInputError(f"run {run.run_id[:8]} has no iteration {iteration} (its iterations: {known})")
    if record.status != rs.COMPLETED:
        raise UserInputError(f"iteration {iteration} of run {run.run_id[:8]} ended {record.status}; "
                             "only a completed iteration has a model")
    return record


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _packages_at_training(run: RunRecord, summary: dict) -> dict:
    return summary.get("package_versions") or summary.get("versions") or (
        run.properties.get("reproducibility", {}).get("packages", {}))


class _TrainingContext:
    """The run's training data, featurized exactly as the AutoML step did it."""

    def __init__(self, backend, run: RunRecord, sink: Sink):
        from app.backends.local.automl.data import prepare, read_table
        from app.backends.local.automl.featurize import fit_featurizer
        from app.backends.local.automl.settings import load_settings, make_plan

        settings, seed, warnings = load_settings(_settings_file(backend, run))
        self.plan = make_plan(settings, seed, warnings)
        data = _training_data(backend, run)
        sink.progress(0.05, f"reading the training data {data.name}")
        self.prepared = prepare(read_table(data), settings, seed)
        sink.check()
        sink.progress(0.1, "featurizing the training data")
        self.transformer, self.scaler, self.Xf = fit_featurizer(self.prepared.X, settings.featurization,
                                                                self.prepared.y, self.prepared.n_classes)

    def fit_learner(self, record: IterationRecord):
        """The underlying model of a single-learner iteration, trained on all training rows."""
        from app.backends.local.automl import learners

        learner = _flaml_learner(self.plan, record)
        estimator_class, task = _estimator_class(self.plan.task, learner, self.prepared.n_classes)
        p = self.prepared
        # No time budget: FLAML's budget is only a target that it meets by training fewer trees or
        # rounds than the recorded hyperparameters say, so the registered model would differ from the iteration.
        return learners.refit(estimator_class, task, dict(record.hyperparameters), self.Xf, p.y, p.weight,
                              self.plan.n_jobs, None)

    def pipeline(self, final, step_name: str):
        from app.backends.local.automl import learners

        return learners.pipeline(self.transformer, self.scaler, final, step_name, self.prepared.classes)


def _training_data(backend, run: RunRecord) -> Path:
    prep = run.step("data_prep")
    if prep is not None:
        path = Path(prep.outputs.get("prepared_data", ""))
        if not path.is_file():
            raise UserInputError(f"run {run.run_id[:8]}: its prepared data {path} is gone; "
                                 "the iteration cannot be refitted")
        return path
    name, _, version = run.dataset.partition(":")
    return backend.dataset_file(backend.get_dataset(name, int(version) if version else None))


def _settings_file(backend, run: RunRecord) -> Path:
    folder = backend.automl_output_dir(run)
    settings_file = folder / "settings.json" if folder is not None else None
    if settings_file is None or not settings_file.is_file():
        raise UserInputError(f"run {run.run_id[:8]} has no AutoML settings file; its outputs were removed, "
                             "so its iterations cannot be refitted")
    return settings_file


def refit_forecast_iteration(backend, run: RunRecord, record: IterationRecord, sink: Sink):
    """The forecasting model of `record`, rebuilt on the run's series."""
    from app.backends.local.automl.forecasting.rebuild import rebuild_iteration

    settings_file, data = _settings_file(backend, run), _training_data(backend, run)
    sink.progress(0.2, f"refitting iteration {record.iteration} ({record.run_algorithm}) on {data.name}")
    return rebuild_iteration(settings_file, data, record, {i.iteration: i for i in run.iterations})


def refit_iteration(backend, run: RunRecord, record: IterationRecord, sink: Sink):
    """The pickled pipeline of `record`, rebuilt on the run's training rows (with progress)."""
    context = _TrainingContext(backend, run, sink)
    task = context.plan.task
    if record.run_algorithm == "VotingEnsemble":
        return _refit_voting(context, run, record, sink)
    if record.run_algorithm in catalog.ENSEMBLE_ALGORITHMS:
        raise UserInputError(f"iteration {record.iteration} is a {record.run_algorithm}: its meta-learner was "
                             "trained on out-of-fold predictions that the run did not keep, so it cannot be "
                             "rebuilt; register the run's best model or another iteration")
    from app.backends.local.automl import learners

    sink.progress(0.2, f"refitting iteration {record.iteration} ({record.run_algorithm})")
    model = context.fit_learner(record)
    learner = _flaml_learner(context.plan, record)
    return context.pipeline(model, learners.azure_name(task, learner).lower())


def _refit_voting(context: _TrainingContext, run: RunRecord, record: IterationRecord, sink: Sink):
    from app.backends.local.automl.model import PreFittedSoftVotingClassifier, PreFittedSoftVotingRegressor

    members = record.hyperparameters.get("ensembled_iterations") or []
    weights = record.hyperparameters.get("ensemble_weights") or []
    if not members or len(members) != len(weights):
        raise UserInputError(f"iteration {record.iteration} does not record its ensemble members and weights")
    fitted = []
    for done, number in enumerate(members):
        sink.check()
        sink.progress(0.2 + 0.7 * done / len(members),
                      f"refitting ensemble member {done + 1} of {len(members)} (iteration {number})")
        fitted.append((str(number), context.fit_learner(_iteration(run, number))))
    if context.prepared.classes is not None:
        final = PreFittedSoftVotingClassifier(fitted, list(weights), context.prepared.classes)
        return context.pipeline(final, "prefittedsoftvotingclassifier")
    return context.pipeline(PreFittedSoftVotingRegressor(fitted, list(weights)), "prefittedsoftvotingregressor")


def _flaml_learner(plan, record: IterationRecord) -> str:
    """The FLAML learner behind an Azure algorithm name; ambiguous names are told apart by their
    hyperparameters (e.g. XGBoost's `max_leaves` vs the depth-limited variant's `max_depth`)."""
    names = catalog.LOCAL_LEARNERS[plan.task].get(record.run_algorithm, ())
    candidates = [n for n in plan.learners if n in names] or list(names)
    if len(candidates) > 1:
        keys = set(record.hyperparameters)
        fitting = [n for n in candidates if keys <= _search_space_keys(plan.task, n)]
        candidates = fitting or candidates
    if len(candidates) != 1:
        raise UserInputError(f"iteration {record.iteration} ({record.run_algorithm}) could have been trained by "
                             f"{' or '.join(candidates) or 'no local learner'}; it cannot be refitted unambiguously")
    return candidates[0]


def _search_space_keys(task: str, learner: str) -> set:
    cls, _ = _estimator_class(task, learner, 2)
    return set(cls.search_space(data_size=(100, 10), task="binary" if task == "classification" else task))


def _estimator_class(task: str, learner: str, n_classes: int):
    """(FLAML estimator class, FLAML task object) as the search used them."""
    from flaml.automl.task.factory import task_factory

    if task == "classification":
        name = "binary" if n_classes <= 2 else "multiclass"
    else:
        name = "regression"
    flaml_task = task_factory(name)
    table = flaml_task.estimators
    if learner not in table:
        raise UserInputError(f"learner '{learner}' is not available in the installed FLAML; "
                             "install the FLAML version the run used")
    return table[learner], flaml_task
