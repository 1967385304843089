"""Bad input through the CLI: exit 2, one clear line on stderr, the workspace unchanged."""
from __future__ import annotations

import pytest
import yaml

from app import locator
from app.cli import main

from tests.hardening.workspace_checks import fingerprint


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    assert main(["--workspace", str(root), "datasets", "register", "titanic_ds", str(locator.sample_dataset())]) == 0
    return root


def write_spec(tmp_path, **automl):
    data = yaml.safe_load(locator.example_spec().read_text())
    data["automl"].update(automl)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def run_cli(ws, capsys, *argv):
    before = fingerprint(ws)
    code = main(["--workspace", str(ws), *argv])
    err = capsys.readouterr().err
    assert fingerprint(ws) == before, "the workspace changed"
    return code, err


@pytest.mark.parametrize("settings, fragment", [
    ({"label_column_name": "Survivor"}, "automl.label_column_name: column 'Survivor' is not in dataset"),
    ({"primary_metric": "AUC"}, "'AUC' is not a primary metric"),
    ({"primary_metric": "r2_score"}, "'r2_score' is not valid for classification"),
    ({"iterations": -5}, "automl.iterations: must be at least 1"),
])
def test_bad_settings(ws, tmp_path, capsys, settings, fragment):
    code, err = run_cli(ws, capsys, "run", str(write_spec(tmp_path, **settings)))
    assert code == 2 and fragment in err and "Traceback" not in err


def test_one_class_label(ws, tmp_path, capsys):
    one = tmp_path / "one.csv"
    one.write_text("a,b\n1,x\n2,x\n3,x\n")
    assert main(["--workspace", str(ws), "datasets", "register", "one", str(one)]) == 0
    data = yaml.safe_load(locator.example_spec().read_text())
    data.update(dataset="one", data_prep=None)
    data["automl"]["label_column_name"] = "b"
    spec = tmp_path / "one.yaml"
    spec.write_text(yaml.safe_dump(data))
    code, err = run_cli(ws, capsys, "run", str(spec))
    assert code == 2 and "only one class" in err


@pytest.mark.parametrize("content, fragment", [("", "the file is empty"), ("a,b\n", "no data rows")])
def test_empty_and_header_only_csv(ws, tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, err = run_cli(ws, capsys, "datasets", "register", "bad", str(path))
    assert code == 2 and fragment in err


def test_missing_files(ws, tmp_path, capsys):
    code, err = run_cli(ws, capsys, "datasets", "register", "x", str(tmp_path / "nope.csv"))
    assert code == 2 and "file not found" in err
    code, err = run_cli(ws, capsys, "run", str(tmp_path / "nope.yaml"))
    assert code == 2 and "spec file not found" in err


def test_malformed_yaml(ws, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("experiment: x\nautoml: [unclosed\n")
    code, err = run_cli(ws, capsys, "run", str(path))
    assert code == 2 and "malformed YAML at line" in err


def test_unknown_run_and_model(ws, capsys):
    code, err = run_cli(ws, capsys, "runs", "show", "nope")
    assert code == 2 and "no run 'nope'" in err
    code, err = run_cli(ws, capsys, "models", "show", "Nope:3")
    assert code == 2 and "no model 'Nope:3'" in err
