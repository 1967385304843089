"""Downloads the AutoML step's pipeline outputs into a per-run cache and reads them.

Azure writes each output as an extension-less file `azureml/<automl_steprun_id>/<name>`
(`metrics_data`, `model_data`); the shared reader in app.core.metrics accepts that layout.
A finished run's outputs never change, so a cached download is reused.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from app.backends.azure.pipeline import METRICS_DATA, METRICS_OUTPUT, MODEL_DATA, MODEL_OUTPUT
from app.core.errors import UserInputError
from app.core.metrics import read_metrics_file
from app.core.progress import Sink

OUTPUTS = ((METRICS_OUTPUT, METRICS_DATA), (MODEL_OUTPUT, MODEL_DATA))
RUNTIME_MESSAGE = (
    "This model was trained by Azure AutoML; loading it needs the package azureml-automl-runtime "
    "(pip install azureml-automl-runtime, the same version the model was trained with, on Python 3.8-3.10), "
    "which AutoML Desk does not install. Its metrics and charts work without it.")


def cache_root() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("automl-desk", appauthor=False)) / "azure"


def run_cache_dir(workspace_key: str, run_id: str, root: Path | None = None) -> Path:
    return Path(root or cache_root()) / _safe(workspace_key) / _safe(run_id)


def _safe(part: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(part)) or "_"


def cached_output(dest: Path, data_name: str) -> Path | None:
    found = sorted(Path(dest).glob(f"azureml/*/{data_name}"))
    return found[0] if found else None


def download_outputs(pipeline_run, dest: Path, sink: Sink | None = None) -> dict[str, Path]:
    """{'metrics_data': path, 'model_data': path} under `dest`, downloading what is missing."""
    sink = sink or Sink()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    paths = {}
    for index, (output_name, data_name) in enumerate(OUTPUTS):
        sink.check()
        path = cached_output(dest, data_name)
        if path is None:
            sink.progress(index / len(OUTPUTS), f"downloading {data_name}")
            reference = pipeline_run.get_pipeline_output(output_name)
            reference.download(local_path=str(dest), overwrite=True, show_progress=False)
            path = dest / reference.path_on_datastore
            if not path.is_file():
                path = cached_output(dest, data_name)
            if path is None:
                raise UserInputError(f"run {pipeline_run.id}: the output '{output_name}' downloaded no "
                                     f"{data_name} file; the AutoML step may not have finished")
        paths[data_name] = path
    sink.progress(1.0, "outputs downloaded")
    return paths


def read_downloaded_metrics(paths: dict[str, Path]) -> dict[str, dict[str, float]]:
    return read_metrics_file(paths[METRICS_DATA])


def automl_runtime_message() -> str | None:
    """None when an Azure-trained model can be loaded here, else what to install and why."""
    try:
        found = importlib.util.find_spec("azureml.automl.runtime") is not None
    except (ImportError, ValueError):
        found = False
    return None if found else RUNTIME_MESSAGE


ARTIFACT_PREFIX = "aml://artifactId/"


def chart_artifacts(child_run) -> dict:
    """{metric: parsed JSON} for the non-scalar metrics of an AutoML child run.

    `get_metrics()` returns them as `aml://artifactId/ExperimentRun/dcid.<run_id>/<path>`
    references; the part after the run id is the artifact's name within the run.
    """
    import json
    import tempfile

    found = {}
    with tempfile.TemporaryDirectory(prefix="automl-desk-artifacts-") as tmp:
        for name, value in (child_run.get_metrics() or {}).items():
            if not (isinstance(value, str) and value.startswith(ARTIFACT_PREFIX)):
                continue
            artifact = value[len(ARTIFACT_PREFIX):].split(f"dcid.{child_run.id}/", 1)[-1]
            target = Path(tmp) / _safe(name)
            child_run.download_file(artifact, output_file_path=str(target))
            try:
                found[name] = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue   # an artifact that is not JSON is not a chart the app can draw
    return found
