"""The Backend protocol: what the GUI and CLI may ask of a workspace, local or Azure.

Only the composition root (`app.backends.open_backend`) picks an implementation.
Long operations take a `Sink` for progress and cancellation.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from app.core.progress import Sink
from app.core.runs import ComputeTarget, DatasetVersion, ModelVersion, RunRecord
from app.core.spec import PipelineSpec, Problem

if TYPE_CHECKING:
    import pandas as pd


@runtime_checkable
class Backend(Protocol):
    kind: str            # "local" | "azure"

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
