"""Downloading the AutoML outputs into the per-run cache and reading Azure's metrics format."""
from __future__ import annotations

from pathlib import Path

from app.backends.azure import outputs
from app.core.metrics import tidy_frame
from app.core.progress import Sink
from .fake_runs import STEP_ID, FakePipelineRun, FakeRun


def test_download_then_read_with_the_shared_reader(tmp_path):
    run = FakePipelineRun()
    sink = Sink()
    paths = outputs.download_outputs(run, tmp_path / "cache", sink)
    assert paths["metrics_data"] == tmp_path / "cache" / "azureml" / STEP_ID / "metrics_data"
    assert paths["model_data"].read_bytes() == b"\x80\x04pickled-model"
    metrics = outputs.read_downloaded_metrics(paths)
    assert metrics[f"{STEP_ID}_4"] == {"AUC_weighted": 0.9464561255318638, "accuracy": 0.9141122913505311,
                                       "log_loss": 0.19873167918750304}
    frame = tidy_frame(metrics)
    assert list(frame["iteration"]) == [4, 39]
    assert sink.messages[-1] == (1.0, "outputs downloaded")


def test_cached_outputs_are_not_downloaded_again(tmp_path):
    run = FakePipelineRun()
    outputs.download_outputs(run, tmp_path, None)
    outputs.download_outputs(run, tmp_path, None)
    assert run.downloads == [f"azureml/{STEP_ID}/metrics_data", f"azureml/{STEP_ID}/model_data"]


def test_run_cache_dirs_are_per_workspace_and_run(monkeypatch, tmp_path):
    monkeypatch.setattr(outputs, "cache_root", lambda: tmp_path)
    a = outputs.run_cache_dir("sub_rg_ws", "run/1")
    assert a == tmp_path / "sub_rg_ws" / "run_1"
    assert a != outputs.run_cache_dir("sub_rg_other", "run/1")


def test_predict_on_an_azure_model_names_the_missing_runtime(monkeypatch):
    monkeypatch.setattr(outputs.importlib.util, "find_spec", lambda name: None)
    message = outputs.automl_runtime_message()
    assert "azureml-automl-runtime" in message and "pip install" in message
    monkeypatch.setattr(outputs.importlib.util, "find_spec", lambda name: object())
    assert outputs.automl_runtime_message() is None


def test_chart_artifacts_download_the_referenced_json():
    child = FakeRun(f"{STEP_ID}_4")
    child.metrics = {"AUC_weighted": 0.94,
                     "confusion_matrix": f"aml://artifactId/ExperimentRun/dcid.{STEP_ID}_4/confusion_matrix"}
    asked = []

    def download_file(name, output_file_path):
        asked.append(name)
        Path(output_file_path).write_text('{"schema_type": "confusion_matrix", "data": {"matrix": [[5, 1], [2, 7]]}}')

    child.download_file = download_file
    found = outputs.chart_artifacts(child)
    assert asked == ["confusion_matrix"]
    assert found["confusion_matrix"]["data"]["matrix"] == [[5, 1], [2, 7]]
