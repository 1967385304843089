"""The pipeline spec: dataclasses, YAML load/save, and validation.

One YAML file describes a pipeline (dataprep -> AutoML -> register). AutoML settings use
the exact `AutoMLConfig` names so the Azure exporter can pass them straight through.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core import catalog
from app.core.errors import SpecError, UserInputError
from app.core.yaml_io import dump_yaml, load_yaml_text

BUNDLED_DATAPREP = "bundled:dataprep"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}\Z")  # \Z: "$" would let a trailing newline in
PARAM_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


@dataclass(frozen=True)
class Problem:
    """One validation finding, addressed by the field path it concerns."""

    path: str
    message: str
    level: str = "error"  # "error" blocks a run; "warning" is shown and accepted

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{self.path}: {self.message}"


@dataclass
class DataPrepSpec:
    script: str = BUNDLED_DATAPREP
    options: dict = field(default_factory=dict)
    arguments: list = field(default_factory=list)
    allow_reuse: bool = True
    compute: str | None = None

    @property
    def is_bundled(self) -> bool:
        return self.script == BUNDLED_DATAPREP


@dataclass
class AutoMLSettings:
    task: str = "classification"
    label_column_name: str = ""
    primary_metric: str | None = None
    iterations: int = 1000
    iteration_timeout_minutes: float | None = None
    experiment_timeout_hours: float | None = None
    experiment_timeout_minutes: float | None = None
    experiment_exit_score: float | None = None
    enable_early_stopping: bool = True
    n_cross_validations: int | None = None
    validation_size: float | None = None
    test_size: float | None = None
    featurization: str = "auto"
    allowed_models: list | None = None
    blocked_models: list | None = None
    enable_voting_ensemble: bool = True
    enable_stack_ensemble: bool = False
    positive_label: Any = None
    weight_column_name: str | None = None
    max_cores_per_iteration: int = 1
    max_concurrent_iterations: int = 1
    model_explainability: bool = True
    mem_in_mb: int | None = None
    enable_dnn: bool = False
    enable_onnx_compatible_models: bool = False
    forecasting: dict | None = None
    allow_reuse: bool = True
    compute: str | None = None
    local: dict = field(default_factory=dict)

    @property
    def metric(self) -> str:
        """The primary metric, with Azure's per-task default when unset."""
        return self.primary_metric or catalog.DEFAULT_PRIMARY_METRIC.get(self.task, "accuracy")

    def timeout_seconds(self) -> float | None:
        """The experiment timeout in seconds, from hours or minutes, or None."""
        if self.experiment_timeout_minutes is not None:
            return float(self.experiment_timeout_minutes) * 60
        if self.experiment_timeout_hours is not None:
            return float(self.experiment_timeout_hours) * 3600
        return None

    def automl_config_kwargs(self) -> dict:
        """The settings that are `AutoMLConfig` keyword arguments and differ from its defaults.

        Step keys (`allow_reuse`, `compute`), the local-only block and the nested forecasting
        block (which becomes `ForecastingParameters`) are left out.
        """
        skip = {"allow_reuse", "compute", "local", "forecasting"}
        kwargs = {k: v for k, v in dataclasses.asdict(self).items()
                  if k not in skip and v is not None and v != _DEFAULTS_AUTOML.get(k)}
        kwargs.update(task=self.task, label_column_name=self.label_column_name,
                      primary_metric=self.metric, iterations=self.iterations)
        return kwargs


@dataclass
class RegisterSpec:
    model_name: str = "${model_name}"
    allow_reuse: bool = False
    compute: str | None = None


@dataclass
class PipelineSpec:
    experiment: str = ""
    dataset: str = ""
    compute: str = "local"
    parameters: dict = field(default_factory=dict)
    data_prep: DataPrepSpec | None = None
    automl: AutoMLSettings = field(default_factory=AutoMLSettings)
    register: RegisterSpec | None = None
    description: str = ""

    @property
    def dataset_name(self) -> str:
        return self.dataset.split(":", 1)[0]

    @property
    def dataset_version(self) -> int | None:
        _, _, version = self.dataset.partition(":")
        return int(version) if version.isdigit() else None

    def step_compute(self, step: str) -> str:
        part = {"data_prep": self.data_prep, "automl": self.automl, "register": self.register}[step]
        return (part.compute if part is not None and part.compute else None) or self.compute

    def resolved_model_name(self, overrides: dict | None = None) -> str | None:
        """The register step's model name with `${param}` replaced by its value."""
        if self.register is None:
            return None
        values = {**self.parameters, **(overrides or {})}
        match = PARAM_REF.match(str(self.register.model_name))
        return str(values.get(match.group(1), "")) if match else str(self.register.model_name)

    def to_dict(self) -> dict:
        return spec_to_dict(self)

    def to_yaml(self) -> str:
        return dump_yaml(self.to_dict())


_DEFAULTS_AUTOML = {f.name: (f.default if f.default is not dataclasses.MISSING else f.default_factory())
                    for f in dataclasses.fields(AutoMLSettings)}
_ALWAYS_EMIT = {"task", "label_column_name", "primary_metric", "iterations"}

# Accepted Python types per field; int is accepted where float is expected.
_NUM = (int, float)
_TYPES = {
    "experiment": str, "dataset": str, "compute": str, "parameters": dict, "description": str,
    "script": str, "options": dict, "arguments": list, "allow_reuse": bool, "model_name": str,
    "task": str, "label_column_name": str, "primary_metric": str, "iterations": int,
    "iteration_timeout_minutes": _NUM, "experiment_timeout_hours": _NUM,
    "experiment_timeout_minutes": _NUM, "experiment_exit_score": _NUM,
    "enable_early_stopping": bool, "n_cross_validations": int, "validation_size": _NUM,
    "test_size": _NUM, "featurization": str, "allowed_models": list, "blocked_models": list,
    "enable_voting_ensemble": bool, "enable_stack_ensemble": bool, "positive_label": (str, int, bool),
    "weight_column_name": str, "max_cores_per_iteration": int, "max_concurrent_iterations": int,
    "model_explainability": bool, "mem_in_mb": int, "enable_dnn": bool,
    "enable_onnx_compatible_models": bool, "forecasting": dict, "local": dict,
}
_TYPE_WORDS = {str: "a string", dict: "a mapping", list: "a list", bool: "true or false",
               int: "a whole number", _NUM: "a number", (str, int, bool): "a class label"}


def _build(cls, data: Any, path: str, problems: list[Problem]):
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(path or "spec", "must be a mapping of settings"))
        return cls()
    names = [f.name for f in dataclasses.fields(cls)]
    kwargs = {}
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in names:
            close = [n for n in names if n.lower() == str(key).lower().replace("-", "_")]
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(names)}"
            problems.append(Problem(where, f"unknown setting; {hint}"))
            continue
        if key in ("data_prep", "automl", "register"):
            sub = {"data_prep": DataPrepSpec, "automl": AutoMLSettings, "register": RegisterSpec}[key]
            kwargs[key] = _build(sub, value, where, problems) if value is not None else None
            continue
        expected = _TYPES.get(key)
        if value is not None and expected is not None and not _type_ok(value, expected):
            problems.append(Problem(where, f"must be {_TYPE_WORDS[expected]}, got {value!r}"))
            continue
        kwargs[key] = value
    return cls(**kwargs)


def _type_ok(value, expected) -> bool:
    if isinstance(value, bool) and expected in (int, _NUM):
        return False
    return isinstance(value, expected)


def spec_from_dict(data: Any, source: str = "spec") -> PipelineSpec:
    """Build a spec from parsed YAML; raise SpecError naming every malformed field."""
    problems: list[Problem] = []
    spec = _build(PipelineSpec, data, "", problems)
    if problems:
        raise SpecError(problems)
    return spec


def load_spec(path: str | Path) -> PipelineSpec:
    p = Path(path)
    if not p.is_file():
        raise UserInputError(f"spec file not found: {p}")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserInputError(f"{p}: not a UTF-8 text file; save the spec as UTF-8 YAML") from None
    return spec_from_dict(load_yaml_text(text, source=str(p)), source=str(p))


def parse_spec(text: str) -> PipelineSpec:
    return spec_from_dict(load_yaml_text(text))


def save_spec(spec: PipelineSpec, path: str | Path) -> None:
    Path(path).write_text(spec.to_yaml(), encoding="utf-8")


def spec_to_dict(spec: PipelineSpec) -> dict:
    """A compact, readable mapping: defaults left out except the settings users look for."""
    out: dict = {"experiment": spec.experiment, "dataset": spec.dataset, "compute": spec.compute}
    if spec.description:
        out["description"] = spec.description
    if spec.parameters:
        out["parameters"] = dict(spec.parameters)
    if spec.data_prep is not None:
        out["data_prep"] = _non_default(spec.data_prep, DataPrepSpec(), keep={"script"})
    out["automl"] = _non_default(spec.automl, AutoMLSettings(), keep=_ALWAYS_EMIT)
    if spec.register is not None:
        out["register"] = _non_default(spec.register, RegisterSpec(), keep={"model_name", "allow_reuse"})
    return out


def _non_default(obj, default, keep) -> dict:
    result = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is not None and (f.name in keep or value != getattr(default, f.name)):
            result[f.name] = value          # an unset key is left out: "primary_metric: null" read as no metric
    return result


def copy_spec(spec: PipelineSpec) -> PipelineSpec:
    return spec_from_dict(spec_to_dict(spec))
