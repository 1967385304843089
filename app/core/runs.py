"""Run, step-run and iteration records shared by every backend, with Azure's status strings."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

NOT_STARTED, QUEUED, PREPARING, STARTING, RUNNING = "NotStarted", "Queued", "Preparing", "Starting", "Running"
FINALIZING, CANCEL_REQUESTED = "Finalizing", "CancelRequested"
COMPLETED, FAILED, CANCELED, NOT_RESPONDING, UNKNOWN = "Completed", "Failed", "Canceled", "NotResponding", "Unknown"

STATUSES = (NOT_STARTED, QUEUED, PREPARING, STARTING, RUNNING, FINALIZING, CANCEL_REQUESTED,
            COMPLETED, FAILED, CANCELED, NOT_RESPONDING)
TERMINAL = frozenset({COMPLETED, FAILED, CANCELED})
ACTIVE = frozenset(STATUSES) - TERMINAL


# Azure job statuses the monitor shows as a nearby state of its own: `Provisioning` is the
# cluster bringing nodes up (before Preparing finishes), `Paused` a job held before it resumes.
SDK_ALIASES = {"Finished": COMPLETED, "Cancelled": CANCELED, "Provisioning": PREPARING, "Paused": QUEUED}


def normalize_status(raw: str | None) -> str:
    """Map an SDK or stored status string to one of ours; `Finished` means `Completed`."""
    if raw in SDK_ALIASES:
        return SDK_ALIASES[raw]
    return raw if raw in STATUSES else UNKNOWN


def elapsed(started_at: float | None, ended_at: float | None) -> float | None:
    """Seconds from start to end, or to now while still going; None before it starts."""
    if started_at is None:
        return None
    return (ended_at or time.time()) - started_at


def is_terminal(status: str) -> bool:
    return status in TERMINAL


VARIANT_ALGORITHMS = ("ExponentialSmoothing",)


@dataclass
class IterationRecord:
    """One AutoML child run `<steprun_id>_<n>`."""

    run_id: str
    iteration: int
    status: str = COMPLETED
    run_algorithm: str = ""
    run_preprocessor: str = ""
    hyperparameters: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    duration_s: float | None = None
    seeded: bool = False

    @property
    def pipeline(self) -> str:
        """How Azure's widget names an iteration: '<preprocessor> <algorithm>', with the variant of an
        algorithm tried in more than one (ExponentialSmoothing as ETS and as Theta) in brackets."""
        variant = self.hyperparameters.get("method") if self.run_algorithm in VARIANT_ALGORITHMS else None
        algorithm = f"{self.run_algorithm} ({variant})" if isinstance(variant, str) else self.run_algorithm
        return " ".join(p for p in (self.run_preprocessor, algorithm) if p)


@dataclass
class StepRunRecord:
    run_id: str
    name: str                       # "data_prep" | "automl" | "register"
    status: str = NOT_STARTED
    reused: bool = False
    reused_from: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    error: str | None = None
    log_path: str | None = None
    outputs: dict = field(default_factory=dict)   # output name -> local path

    @property
    def duration_s(self) -> float | None:
        return elapsed(self.started_at, self.ended_at)


@dataclass
class RunRecord:
    """One pipeline submission with its steps and (for the AutoML step) iterations."""

    run_id: str
    experiment: str
    status: str = NOT_STARTED
    created_at: float | None = None
    started_at: float | None = None
    ended_at: float | None = None
    phase: str = ""                 # what the run is doing now, e.g. "queued behind run X"
    error: str | None = None
    primary_metric: str = ""
    task: str = ""
    parameters: dict = field(default_factory=dict)
    spec_yaml: str = ""
    dataset: str = ""               # name:version
    best_metric: float | None = None
    best_iteration: int | None = None
    backend: str = "local"
    steps: list[StepRunRecord] = field(default_factory=list)
    iterations: list[IterationRecord] = field(default_factory=list)
    properties: dict = field(default_factory=dict)   # reproducibility, guardrails, stop reason…

    def step(self, name: str) -> StepRunRecord | None:
        return next((s for s in self.steps if s.name == name), None)

    def warning_lines(self) -> list[str]:
        """The warnings of the run's checks and steps as sentences, each once (the submit-time check
        and the step may say the same thing; the 'warning: ' prefix is dropped)."""
        raw = self.properties.get("warnings")
        lines: list[str] = []
        for item in raw if isinstance(raw, list) else [raw] if raw else []:
            text = str(item).removeprefix("warning: ").strip()
            if text and text not in lines:
                lines.append(text)
        return lines

    @property
    def duration_s(self) -> float | None:
        return elapsed(self.started_at, self.ended_at)


@dataclass
class DatasetVersion:
    name: str
    version: int
    sources: list[str]
    content_hash: str
    created_at: float
    rows: int | None = None
    columns: list[str] = field(default_factory=list)
    path: str | None = None         # local snapshot file
    description: str = ""
    notes: list[str] = field(default_factory=list)    # what registration did to the files, said then (not stored)


@dataclass
class ModelVersion:
    name: str
    version: int
    path: str
    content_hash: str
    created_at: float
    run_id: str | None = None
    iteration: int | None = None
    dataset: str = ""
    primary_metric: str = ""
    metric_value: float | None = None
    task: str = ""
    size_bytes: int = 0
    properties: dict = field(default_factory=dict)  # package versions, dataprep params path…


@dataclass
class ComputeTarget:
    name: str
    kind: str = "local"             # "local" | "AmlCompute"
    vm_size: str = ""
    min_nodes: int = 0
    max_nodes: int = 1
    priority: str = "Dedicated"
    state: str = "Succeeded"


def cluster_name_problem(name: str) -> str:
    """What Azure would refuse in a new cluster's name, or ''."""
    if not (2 <= len(name) <= 16 and name[:1].isascii() and name[:1].isalpha()
            and all(c.isascii() and (c.isalnum() or c == "-") for c in name)):
        return "Azure cluster names have 2–16 letters, digits or '-', starting with a letter"
    return ""


def default_model_name(run: RunRecord) -> str:
    """The run's registered model name (its register step's), else '<experiment>_model'."""
    from app.core.spec import parse_spec

    try:
        spec = parse_spec(run.spec_yaml)
        if spec.register is not None:
            return spec.resolved_model_name(run.parameters)
    except Exception:  # noqa: BLE001 - an unreadable old spec just loses the default
        pass
    return f"{run.experiment}_model"
