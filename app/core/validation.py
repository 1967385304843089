"""Validation of a pipeline spec: one Problem per finding, addressed by field path.

The GUI forms, the CLI and both backends call `validate_spec`; it is the only judge.
"""
from __future__ import annotations

import re
from pathlib import Path

from app.core import catalog, forecasting
from app.core.spec import BUNDLED_DATAPREP, NAME_PATTERN, PARAM_REF, PipelineSpec, Problem

MAX_ITERATIONS = 1000
AZURE_MIN_TIMEOUT_MINUTES = 15
DATAPREP_OPTIONS = ("drop", "impute_random", "fill_zero", "fill_unknown", "quantile_bins", "encode", "seed")
LOCAL_KEYS = ("warm_start", "seed")
NO_LOCAL_EFFECT = ("max_concurrent_iterations", "mem_in_mb")
_DATASET_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}(:[1-9][0-9]*)?\Z")


def validate_spec(spec: PipelineSpec, target: str = "local", base_dir: Path | None = None) -> list[Problem]:
    """Every problem of `spec` for a run on `target` ("local" or "azure")."""
    problems: list[Problem] = []
    add = lambda path, msg, level="error": problems.append(Problem(path, msg, level))  # noqa: E731

    if not spec.experiment:
        add("experiment", "is required; name the experiment the runs are grouped under, e.g. titanic_automl")
    elif not NAME_PATTERN.match(spec.experiment):
        add("experiment", "use letters, digits, '_', '-' or '.', starting with a letter or digit")
    if not spec.dataset:
        add("dataset", "is required; give a registered dataset name, optionally name:version")
    elif not _DATASET_REF.match(spec.dataset):
        add("dataset", f"'{spec.dataset}' is not a dataset name (letters, digits, '_', '-', '.'; optional ':version')")
    for name, value in spec.parameters.items():
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", str(name)):
            add(f"parameters.{name}", "a parameter name must be an identifier (letters, digits, '_')")
        elif not isinstance(value, (str, int, float, bool)):
            add(f"parameters.{name}", "a parameter default must be a single value")
    _validate_data_prep(spec, add, base_dir)
    _validate_automl(spec, target, add)
    _validate_prep_keeps_the_series(spec, add)
    _validate_register(spec, add)
    return problems


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]


def _validate_data_prep(spec, add, base_dir):
    prep = spec.data_prep
    if prep is None:
        return
    if prep.script == BUNDLED_DATAPREP:
        for key in prep.options:
            if key not in DATAPREP_OPTIONS:
                add(f"data_prep.options.{key}", f"unknown option; the bundled script takes {', '.join(DATAPREP_OPTIONS)}")
        for key in ("drop", "impute_random", "fill_zero", "fill_unknown"):
            value = prep.options.get(key, [])
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                add(f"data_prep.options.{key}", "must be a list of column names")
        for key in ("quantile_bins", "encode"):
            if not isinstance(prep.options.get(key, {}), dict):
                add(f"data_prep.options.{key}", "must be a mapping of column name to value")
        for col, bins in (prep.options.get("quantile_bins") or {}).items() if isinstance(prep.options.get("quantile_bins"), dict) else ():
            if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
                add(f"data_prep.options.quantile_bins.{col}", "the number of bins must be a whole number of at least 2")
        if prep.arguments:
            add("data_prep.arguments", "the bundled script takes `options:`, not `arguments:`")
    else:
        path = Path(prep.script)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if path.suffix != ".py":
            add("data_prep.script", f"'{prep.script}' is not a Python script; give a .py file or {BUNDLED_DATAPREP}")
        elif not path.is_file():
            add("data_prep.script", f"script not found: {path}; check the path or use {BUNDLED_DATAPREP}")
        if prep.options:
            add("data_prep.options", "options are for the bundled script; pass `arguments:` to your own script")


def _validate_automl(spec, target, add):
    a = spec.automl
    task = a.task
    if task not in catalog.TASKS:
        add("automl.task", f"'{task}' is not a task; choose one of {', '.join(catalog.TASKS)}")
        return
    if not a.label_column_name:
        add("automl.label_column_name", "is required; name the column to predict")
    _validate_metric(a, add)
    _validate_limits(a, target, add)
    _validate_validation(a, add)
    if a.featurization not in ("auto", "off"):
        add("automl.featurization", "choose 'auto' or 'off'")
    _validate_models(a, target, add)
    if a.max_cores_per_iteration == 0 or a.max_cores_per_iteration < -1:
        add("automl.max_cores_per_iteration", "use -1 for all cores or a positive number")
    if a.max_concurrent_iterations < 1:
        add("automl.max_concurrent_iterations", "must be at least 1")
    if a.positive_label is not None and task != "classification":
        add("automl.positive_label", "is only used for classification")
    if a.weight_column_name and a.weight_column_name == a.label_column_name:
        add("automl.weight_column_name", "cannot be the label column")
    _validate_forecasting(a, target, add)
    if target == "local":
        if a.enable_dnn:
            add("automl.enable_dnn", "deep-learning models cannot be trained locally; set it to false or run on Azure")
        for key in NO_LOCAL_EFFECT:
            if getattr(a, key) != _default(key):
                add(f"automl.{key}", "has no effect on the local backend; it is kept for Azure", "warning")
        if a.enable_onnx_compatible_models:
            add("automl.enable_onnx_compatible_models", "has no effect locally (models are pickled)", "warning")
        for key in a.local:
            if key not in LOCAL_KEYS:
                add(f"automl.local.{key}", f"unknown local setting; known: {', '.join(LOCAL_KEYS)}")
    elif a.local:
        add("automl.local", "local-only settings are ignored on Azure", "warning")


def _default(key):
    from app.core.spec import AutoMLSettings
    return getattr(AutoMLSettings(), key)


def _validate_metric(a, add):
    metric = a.primary_metric
    if metric is None:
        return
    valid = catalog.PRIMARY_METRICS[a.task]
    if metric in valid:
        return
    other = [t for t in catalog.TASKS if metric in catalog.PRIMARY_METRICS[t]]
    if other:
        add("automl.primary_metric", f"'{metric}' is not valid for {a.task}; choose one of {', '.join(valid)}")
    else:
        add("automl.primary_metric", f"'{metric}' is not a primary metric; choose one of {', '.join(valid)}")


def _validate_limits(a, target, add):
    if a.iterations < 1:
        add("automl.iterations", f"must be at least 1, got {a.iterations}")
    elif a.iterations > MAX_ITERATIONS:
        add("automl.iterations", f"must be at most {MAX_ITERATIONS} (Azure's limit), got {a.iterations}")
    if a.iteration_timeout_minutes is not None and a.iteration_timeout_minutes <= 0:
        add("automl.iteration_timeout_minutes", "must be greater than 0")
    if a.experiment_timeout_hours is not None and a.experiment_timeout_minutes is not None:
        add("automl.experiment_timeout_minutes", "set either experiment_timeout_hours or _minutes, not both")
    key = "experiment_timeout_minutes" if a.experiment_timeout_minutes is not None else "experiment_timeout_hours"
    timeout = a.timeout_seconds()
    if timeout is not None:
        if timeout <= 0:
            add(f"automl.{key}", "must be greater than 0")
        elif a.iteration_timeout_minutes and a.iteration_timeout_minutes > 0 and timeout < a.iteration_timeout_minutes * 60:
            add(f"automl.{key}", "the experiment timeout is shorter than iteration_timeout_minutes; raise it or lower the iteration timeout")
        elif target == "azure" and timeout < AZURE_MIN_TIMEOUT_MINUTES * 60:
            add(f"automl.{key}", f"Azure requires at least {AZURE_MIN_TIMEOUT_MINUTES} minutes (0.25 hours)")


def _validate_validation(a, add):
    if a.n_cross_validations is not None and a.n_cross_validations < 2:
        add("automl.n_cross_validations", "needs at least 2 folds (or leave it unset for Azure's automatic rule)")
    if a.validation_size is not None:
        if not 0 < a.validation_size < 1:
            add("automl.validation_size", "must be a fraction between 0 and 1, e.g. 0.2")
        if a.n_cross_validations is not None:
            add("automl.validation_size", "set either validation_size or n_cross_validations, not both")
    if a.test_size is not None:
        if not 0 <= a.test_size < 1:
            add("automl.test_size", "must be a fraction between 0 and 1, e.g. 0.2")
        if a.task == "forecasting" and a.test_size:
            add("automl.test_size", "is not supported for forecasting (Azure does not split series either)")


def _validate_models(a, target, add):
    known = catalog.MODELS[a.task]
    for key in ("allowed_models", "blocked_models"):
        names = getattr(a, key) or []
        for name in names:
            if name not in known:
                add(f"automl.{key}", f"'{name}' is not an algorithm for {a.task}; choose from {', '.join(known)}")
            elif target == "local" and key == "allowed_models" and name not in catalog.local_models(a.task):
                reason = "is deprecated on Azure too" if name in catalog.REFUSED_MODELS else "has no local equivalent"
                add(f"automl.{key}", f"'{name}' {reason}; locally available: {', '.join(catalog.local_models(a.task))}")
    if a.allowed_models is not None and not a.allowed_models:
        add("automl.allowed_models", "is empty; list at least one algorithm or remove the setting")
    elif a.allowed_models:
        left = set(a.allowed_models) - set(a.blocked_models or [])
        if not left:
            add("automl.blocked_models", "blocks every allowed model; nothing is left to train")
    if target == "local" and a.blocked_models and not a.allowed_models:
        if not set(catalog.local_models(a.task)) - set(a.blocked_models):
            add("automl.blocked_models", "blocks every algorithm available locally")


def _validate_forecasting(a, target, add):
    if a.task != "forecasting":
        if a.forecasting:
            add("automl.forecasting", "is only used with task: forecasting")
        return
    if a.validation_size is not None:
        add("automl.validation_size", "forecasting validates on rolling origins; set n_cross_validations "
            "(and forecasting.cv_step_size) instead")
    forecasting.validate_block(a.forecasting, a.label_column_name, target, add)


def _validate_prep_keeps_the_series(spec, add):
    """The bundled data prep must leave forecasting's time column as dates and its series ids in place.
    Said at the forecasting fields: they are chosen after the data prep, where the clash shows."""
    prep, a = spec.data_prep, spec.automl
    if prep is None or prep.script != BUNDLED_DATAPREP or a.task != "forecasting" or not isinstance(a.forecasting, dict):
        return
    path = "automl.forecasting."
    time_column = a.forecasting.get("time_column_name")
    ids = a.forecasting.get("time_series_id_column_names") or []
    ids = [ids] if isinstance(ids, str) else list(ids) if isinstance(ids, list) else []
    drop = prep.options.get("drop") or []
    for col in drop if isinstance(drop, list) else []:
        if col == time_column:
            add(path + "time_column_name", f"column '{col}' is dropped by the data prep (data_prep.options.drop); "
                "stop dropping it there, or choose another time column")
        elif col in ids:
            add(path + "time_series_id_column_names", f"column '{col}' is dropped by the data prep "
                "(data_prep.options.drop); stop dropping it there, or leave it out of the series ids")
    for key, verb in (("encode", "encoded"), ("quantile_bins", "binned")):
        value = prep.options.get(key) or {}
        if isinstance(value, dict) and time_column in value:
            add(path + "time_column_name", f"column '{time_column}' is {verb} by the data prep "
                f"(data_prep.options.{key}), so it no longer holds dates; remove it there or choose another "
                "time column")


def _validate_register(spec, add):
    reg = spec.register
    if reg is None:
        return
    match = PARAM_REF.match(str(reg.model_name))
    if match:
        if match.group(1) not in spec.parameters:
            add("register.model_name", f"refers to parameter '{match.group(1)}', which `parameters:` does not define")
            return
        name = str(spec.parameters[match.group(1)])
    else:
        name = str(reg.model_name)
    if not NAME_PATTERN.match(name):
        add("register.model_name", f"'{name}' is not a model name (letters, digits, '_', '-', '.')")
