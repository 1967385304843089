"""Untrusted files and commands: no shell, no unchecked pickles, metrics files read as data."""
from __future__ import annotations

import ast
import os
import pickle
from pathlib import Path

import pytest

from app import locator
from app.backends.local.model_registry import commit_model
from app.backends.local.workspace import LocalBackend
from app.core.untrusted import needs_question, pickle_question

ROOT = Path(__file__).resolve().parents[2]
SUBPROCESS_CALLS = {"Popen", "run", "call", "check_call", "check_output"}
SHELL_CALLS = {("os", "system"), ("os", "popen"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput")}


def _sources():
    for folder in ("app", "step_scripts"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def _command_problems(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path.name}:{node.lineno}"
        for kw in node.keywords:
            if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                problems.append(f"{where}: shell={ast.unparse(kw.value)}")
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in SHELL_CALLS:
                problems.append(f"{where}: {func.value.id}.{func.attr} runs a shell")
            if func.value.id == "subprocess" and func.attr in SUBPROCESS_CALLS and node.args:
                if isinstance(node.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp)):
                    problems.append(f"{where}: a command line string instead of an argument list")
    return problems


def test_no_subprocess_goes_through_a_shell():
    files = list(_sources())
    assert len(files) > 50
    problems = [p for f in files for p in _command_problems(f)]
    assert problems == []


def test_the_shell_check_catches_a_shell(tmp_path):
    bad = tmp_path / "shell_probe.py"
    bad.write_text("import os, subprocess\nsubprocess.run('ls', shell=True)\nos.system('ls')\n")
    assert len(_command_problems(bad)) == 3


class _Payload:
    """A pickle that would create a folder when loaded: proof of whether it was unpickled."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


@pytest.fixture
def model_ws(ws):
    from sklearn.dummy import DummyClassifier

    import pandas as pd

    frame = pd.read_csv(locator.sample_dataset())
    model = DummyClassifier().fit(frame[["Pclass", "Fare"]], frame["Survived"])
    staging = ws.parent / "staging"
    staging.mkdir()
    (staging / "model.pkl").write_bytes(pickle.dumps(model))
    record = commit_model(LocalBackend(ws), "Dummy", staging, "model.pkl", {},
                          {"task": "classification", "properties": {"feature_columns": ["Pclass", "Fare"],
                                                                    "label_column": "Survived"}})
    return ws, record


def test_a_registered_model_predicts(cli, model_ws, tmp_path):
    code, err = cli("predict", "Dummy", str(locator.sample_dataset()), "-o", str(tmp_path / "out.csv"))
    assert code == 0, err
    assert (tmp_path / "out.csv").read_text().splitlines()[0].endswith("prediction,probability_0,probability_1")


def test_a_model_file_changed_after_registration_is_never_unpickled(cli, model_ws, tmp_path):
    ws, record = model_ws
    marker = tmp_path / "payload-ran"
    Path(record.path).write_bytes(pickle.dumps(_Payload(marker)))
    err = cli.refused("predict", "Dummy", str(locator.sample_dataset()), "-o", str(tmp_path / "out.csv"))
    assert "model Dummy:1: the file model.pkl was changed after registration" in err
    assert "it was not loaded" in err
    assert not marker.exists() and not (tmp_path / "out.csv").exists()


def test_a_missing_model_file(cli, model_ws, tmp_path):
    ws, record = model_ws
    Path(record.path).unlink()
    err = cli.refused("predict", "Dummy", str(locator.sample_dataset()), "-o", str(tmp_path / "out.csv"))
    assert "model Dummy:1: its file" in err and "is missing; register the model again" in err


def test_a_pickle_opened_as_a_metrics_file_is_read_as_data(qtbot, tmp_path):
    from app.ui.monitor.metrics_file_view import MetricsFileView
    from app.ui.workers import JobRunner

    marker = tmp_path / "payload-ran"
    path = tmp_path / "metrics_data"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    runner = JobRunner()
    view = MetricsFileView(str(path), runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.load_failed, timeout=10_000) as blocker:
        pass
    runner.shutdown()
    assert "not an AutoML metrics file" in blocker.args[0]
    assert not marker.exists()


def test_pickles_from_outside_a_workspace_need_a_question(ws, tmp_path):
    models = LocalBackend(ws).layout.models
    assert needs_question(tmp_path / "downloaded.pkl", models)
    assert needs_question(models / ".." / ".." / "elsewhere.pkl", models)
    assert needs_question(tmp_path / "m.pkl", None)
    assert not needs_question(models / "Dummy" / "1" / "model.pkl", models)
    text = pickle_question(tmp_path / "downloaded.pkl")
    assert "downloaded.pkl comes from outside this workspace" in text and "can run any code" in text
