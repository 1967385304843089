"""Where things live inside a local workspace folder."""
from __future__ import annotations

from pathlib import Path


class Layout:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.db = self.root / "workspace.db"
        self.datastore = self.root / "datastore"
        self.datasets = self.datastore / "datasets"
        self.models = self.root / "models"
        self.locks = self.root / "locks"

    def ensure(self) -> None:
        for folder in (self.root, self.datasets, self.models, self.locks):
            folder.mkdir(parents=True, exist_ok=True)

    def run_dir(self, run_id: str) -> Path:
        return self.datastore / "runs" / run_id

    def step_dir(self, run_id: str, step: str) -> Path:
        return self.run_dir(run_id) / step

    def log_path(self, run_id: str, step: str) -> Path:
        return self.run_dir(run_id) / "logs" / f"{step}.log"

    def automl_dir(self, step_run_id: str) -> Path:
        """Azure's layout for AutoML step outputs: azureml/<steprun_id>/metrics_data, model_data."""
        return self.datastore / "azureml" / step_run_id

    def run_lock(self, run_id: str) -> Path:
        return self.locks / f"run-{run_id}.lock"

    def slot_lock(self, compute: str, slot: int) -> Path:
        return self.locks / f"compute-{compute}-{slot}.lock"

    def dataset_dir(self, name: str, version: int) -> Path:
        return self.datasets / name / str(version)

    def model_dir(self, name: str, version: int) -> Path:
        return self.models / name / str(version)
