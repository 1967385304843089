"""The register step: a local manifest for the executor, or Model.register inside an Azure run."""
from __future__ import annotations

import hashlib
import json
import pickle
import sys
import types

import pytest


@pytest.fixture
def step_outputs(tmp_path):
    """The files the AutoML and data-prep steps leave, named as Azure names them."""
    model = tmp_path / "automl" / "model_data"
    model.parent.mkdir()
    model.write_bytes(pickle.dumps({"weights": list(range(100))}))
    metrics = tmp_path / "automl" / "metrics_data"
    metrics.write_text(json.dumps({"run_1": {"AUC_weighted": [0.9]}}), encoding="utf-8")
    params = tmp_path / "prep" / "dataprep_params.json"
    params.parent.mkdir()
    params.write_text(json.dumps({"format": "automl-desk-dataprep"}), encoding="utf-8")
    return {"model": model, "metrics": metrics, "params": params, "out": tmp_path / "registered"}


def test_local_mode_writes_the_manifest(run_script, step_outputs):
    out = step_outputs["out"]
    done = run_script("register_model.py", "--model", step_outputs["model"], "--model-name", "TitanicSurvival",
                      "--output", out, "--metrics", step_outputs["metrics"],
                      "--dataprep-params", step_outputs["params"], "--mode", "local",
                      "--property", "run_id=abc", "--property", "note=a=b")
    assert done.returncode == 0, done.stderr
    assert "TitanicSurvival" in done.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    original = step_outputs["model"].read_bytes()
    assert manifest["model_name"] == "TitanicSurvival"
    assert manifest["model_file"] == "model.pkl"
    assert manifest["sha256"] == hashlib.sha256(original).hexdigest()
    assert manifest["size_bytes"] == len(original)
    assert manifest["dataprep_params_file"] == "dataprep_params.json"
    assert manifest["metrics_file"] == "metrics_data.json"
    assert manifest["properties"] == {"run_id": "abc", "note": "a=b"}
    assert manifest["created_at"].endswith("Z")
    assert manifest["mode"] == "local"
    assert "version" not in manifest
    assert (out / "model.pkl").read_bytes() == original
    assert json.loads((out / "dataprep_params.json").read_text()) == {"format": "automl-desk-dataprep"}
    assert sorted(p.name for p in out.iterdir()) == [
        "dataprep_params.json", "manifest.json", "metrics_data.json", "model.pkl"]


def test_model_folder_and_missing_companions(register_model, step_outputs):
    manifest = register_model.register(step_outputs["model"].parent, "m1", step_outputs["out"], mode="local")
    assert manifest["sha256"] == hashlib.sha256(step_outputs["model"].read_bytes()).hexdigest()
    assert manifest["dataprep_params_file"] is None and manifest["metrics_file"] is None
    # The data-prep output folder may be passed instead of the params file itself.
    manifest = register_model.register(step_outputs["model"], "m1", step_outputs["out"],
                                       dataprep_params=step_outputs["params"].parent, mode="local")
    assert manifest["dataprep_params_file"] == "dataprep_params.json"


@pytest.mark.parametrize("name", ["has space", "-leading", "x" * 256, "bad/slash", ""])
def test_bad_model_name_exits_2(register_model, step_outputs, capsys, name):
    code = register_model.main(["--model", str(step_outputs["model"]), f"--model-name={name}",
                                "--output", str(step_outputs["out"]), "--mode", "local"])
    assert code == 2
    err = capsys.readouterr().err
    assert "is not valid" in err and "Traceback" not in err
    assert not (step_outputs["out"] / "manifest.json").exists()


def test_bad_model_name_exits_2_as_a_program(run_script, step_outputs):
    done = run_script("register_model.py", "--model", step_outputs["model"], "--model-name", "no good",
                      "--output", step_outputs["out"], "--mode", "local")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "register_model: model name 'no good' is not valid; use letters, digits, '_', '-' and '.', "
        "start with a letter or digit, at most 255 characters"]


def test_missing_or_empty_model_and_bad_property_exit_2(register_model, step_outputs, tmp_path, capsys):
    base = ["--model-name", "m", "--output", str(step_outputs["out"]), "--mode", "local"]
    assert register_model.main(["--model", str(tmp_path / "absent"), *base]) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty.pkl"
    empty.write_bytes(b"")
    assert register_model.main(["--model", str(empty), *base]) == 2
    assert "is empty" in capsys.readouterr().err
    assert register_model.main(["--model", str(step_outputs["model"]), *base, "--property", "novalue"]) == 2
    assert "not KEY=VALUE" in capsys.readouterr().err
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    (crowded / "a.bin").write_bytes(b"1")
    (crowded / "b.bin").write_bytes(b"2")
    assert register_model.main(["--model", str(crowded), *base]) == 2
    assert "holds no model file" in capsys.readouterr().err


class _FakeModel:
    calls: list = []

    def __init__(self, name):
        self.name, self.version, self.id = name, 7, f"{name}:7"

    @classmethod
    def register(cls, workspace, model_path, model_name, tags=None, properties=None, description=None,
                 child_paths=None, **kwargs):
        cls.calls.append({"workspace": workspace, "model_path": model_path, "model_name": model_name,
                          "tags": tags, "properties": properties, "child_paths": child_paths})
        return cls(model_name)


def _fake_azureml(monkeypatch, run_id):
    run = types.SimpleNamespace(id=run_id, experiment=types.SimpleNamespace(workspace="the-workspace"))
    core = types.ModuleType("azureml.core")
    core.Run = types.SimpleNamespace(get_context=lambda: run)
    core.Model = _FakeModel
    monkeypatch.setitem(sys.modules, "azureml", types.ModuleType("azureml"))
    monkeypatch.setitem(sys.modules, "azureml.core", core)
    _FakeModel.calls = []


def test_azure_mode_registers_through_the_run_workspace(register_model, step_outputs, monkeypatch):
    _fake_azureml(monkeypatch, "pipeline-step-run-1")
    manifest = register_model.register(step_outputs["model"], "TitanicSurvival", step_outputs["out"],
                                       dataprep_params=step_outputs["params"], mode="auto",
                                       properties={"source": "automl"})
    [call] = _FakeModel.calls
    assert call["workspace"] == "the-workspace"
    assert call["model_name"] == "TitanicSurvival"
    assert call["model_path"] == str(step_outputs["out"])
    assert sorted(call["child_paths"]) == ["dataprep_params.json", "model.pkl"]
    assert call["tags"] == {"source": "automl"}
    assert call["properties"]["sha256"] == manifest["sha256"]
    assert manifest["mode"] == "azure"
    assert manifest["azure_model"] == {"name": "TitanicSurvival", "version": 7, "id": "TitanicSurvival:7",
                                       "run_id": "pipeline-step-run-1"}
    written = json.loads((step_outputs["out"] / "manifest.json").read_text(encoding="utf-8"))
    assert written["azure_model"]["version"] == 7


def test_auto_mode_is_local_offline_or_without_azureml(register_model, step_outputs, monkeypatch, capsys):
    _fake_azureml(monkeypatch, "OfflineRun_1234")
    assert register_model.register(step_outputs["model"], "m", step_outputs["out"])["mode"] == "local"
    assert _FakeModel.calls == []
    assert register_model.main(["--model", str(step_outputs["model"]), "--model-name", "m",
                                "--output", str(step_outputs["out"]), "--mode", "azure"]) == 2
    assert "--mode azure needs" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "azureml.core", None)   # makes the import fail
    assert register_model.register(step_outputs["model"], "m", step_outputs["out"])["mode"] == "local"
