"""The Backend protocol: what the GUI and CLI may ask of a workspace, local or Azure.

Only the composition root (`app.backends.open_backend`) picks an implementation.
Long operations take a `Sink` for progress and cancellation. What a kind of workspace
cannot do it says in `capabilities`, and the call raises NotAvailableError with a
message saying where it can be done.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from app.core.progress import Sink
from app.core.runs import ComputeTarget, DatasetVersion, ModelVersion, RunRecord
from app.core.spec import PipelineSpec, Problem

if TYPE_CHECKING:
    import pandas as pd


RUN, DATASET, MODEL = "run", "dataset", "model"
"""What `plan_delete` can delete: runs, dataset versions, model versions."""


@dataclass(frozen=True)
class Capabilities:
    """What one kind of workspace can do beyond browsing runs, datasets and models.

    The desktop enables, hides or explains its actions from this instead of asking which kind
    of workspace is open; `unavailable` says, per capability left off, what to do instead.
    """

    validation_target: str = "local"
    """Whose limits a spec is checked against: "local" or "azure"."""
    create_compute: bool = False
    predict: bool = False
    register_iteration: bool = False
    delete: frozenset[str] = frozenset()
    """Kinds `plan_delete` accepts (RUN, DATASET, MODEL)."""
    disk_usage: bool = False
    unavailable: dict[str, str] = field(default_factory=dict)
    """capability name -> why it is off here and where to do it instead."""

    def why_not(self, capability: str) -> str:
        return self.unavailable.get(capability) or "Not available on this kind of workspace."


class DeletionPlan(Protocol):
    """What one deletion would remove; `plan_delete` makes it, `delete` carries it out."""

    runs: list[str]
    datasets: list[tuple[str, int]]
    models: list[tuple[str, int]]

    def describe(self) -> str:
        """One line for a confirmation: what goes."""

    def size(self) -> int:
        """Bytes it frees (0 where the service does not say)."""


@runtime_checkable
class Backend(Protocol):
    kind: str            # "local" | "azure": for display; ask `capabilities` what it can do
    capabilities: Capabilities

    def describe(self) -> dict:
        """{'kind', 'name', 'location', 'connected'} for the status bar and diagnostics."""

    # datasets
    def list_datasets(self) -> list[DatasetVersion]:
        """Every registered version of every dataset, newest version first per name."""

    def get_dataset(self, name: str, version: int | None = None) -> DatasetVersion:
        """One version (latest when `version` is None); NotFoundError when absent."""

    def register_dataset(self, name: str, sources: list[str], description: str = "",
                         sink: Sink | None = None) -> DatasetVersion:
        """Snapshot CSV/Parquet files or URLs as the next version of `name`."""

    def preview_dataset(self, name: str, version: int | None = None, rows: int = 100) -> "pd.DataFrame":
        """The first rows of a registered version."""

    # computes
    def list_computes(self) -> list[ComputeTarget]: ...

    def create_compute(self, target: ComputeTarget, sink: Sink | None = None) -> ComputeTarget: ...

    # pipelines and runs
    def validate(self, spec: PipelineSpec) -> list[Problem]:
        """Spec problems plus checks of the spec against the workspace and the data."""

    def submit(self, spec: PipelineSpec, parameters: dict | None = None, sink: Sink | None = None) -> str:
        """Start a run and return its id; raises SpecError before any run exists if invalid."""

    def get_run(self, run_id: str) -> RunRecord: ...

    def resolve_run_id(self, ref: str) -> str:
        """The full id of a run given by its id or, where the backend allows, a unique prefix."""

    def list_experiments(self) -> list[str]: ...

    def list_runs(self, experiment: str | None = None) -> list[RunRecord]:
        """Runs newest first, with steps but without iterations."""

    def cancel(self, run_id: str) -> None: ...

    def read_log(self, run_id: str, step: str, tail_bytes: int | None = None) -> str: ...

    def get_artifacts(self, run_id: str) -> dict:
        """Chart artifacts and guardrails of the AutoML step: name -> parsed JSON."""

    def fetch_outputs(self, run_id: str, dest: Path | None = None, sink: Sink | None = None) -> dict[str, Path]:
        """Local paths of the AutoML step's `metrics_data` and `model_data`."""

    # models
    def list_models(self) -> list[ModelVersion]: ...

    def get_model(self, name: str, version: int | None = None) -> ModelVersion: ...

    def predict(self, name: str, version: int | None, data_path, out_path, sink: Sink | None = None,
                **options) -> dict:
        """Write `data_path`'s rows plus the model's predictions to `out_path` (CSV); returns a summary
        (model, rows, output, columns, warnings, dataprep). Needs `capabilities.predict`."""

    def predict_next_periods(self, name: str, version: int | None, periods: int, out_path,
                             sink: Sink | None = None) -> dict:
        """A forecasting model's next `periods` periods of every series, written and summarised like
        `predict`. Needs `capabilities.predict`."""

    def register_iteration(self, run_id: str, iteration: int, model_name: str | None = None,
                           sink: Sink | None = None) -> ModelVersion:
        """Register one iteration's model of a finished run. Needs `capabilities.register_iteration`."""

    # housekeeping
    def plan_delete(self, kind: str, ref, with_runs: bool = False) -> DeletionPlan:
        """Plan deleting runs (`ref`: run ids or prefixes) or one dataset / model version (`ref`:
        (name, version)); raises InUseError naming the runs that would have to go too unless
        `with_runs`. `kind` must be in `capabilities.delete`."""

    def delete(self, plan: DeletionPlan) -> dict:
        """Carry out a plan: {'runs', 'datasets', 'models', 'bytes_freed'}."""

    def disk_usage(self, top: int = 20) -> dict:
        """{'location', 'total', 'categories': {name: bytes}, 'largest': [{kind, ref, label, bytes}]}.
        Needs `capabilities.disk_usage`."""
