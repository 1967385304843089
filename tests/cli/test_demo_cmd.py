"""`automl-desk demo` with the budget options README gives."""
from __future__ import annotations

import yaml

from app.backends.local.workspace import LocalBackend
from app.cli import main


def test_demo_with_a_timeout_shorter_than_the_examples_iteration_timeout_runs(tmp_path, capsys):
    root = tmp_path / "ws"
    code = main(["--workspace", str(root), "demo", "--iterations", "3", "--timeout-minutes", "2"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "Registered model TitanicSurvivalInitial:1" in printed.out
    run = LocalBackend(root).list_runs(None)[0]
    automl = yaml.safe_load(LocalBackend(root).get_run(run.run_id).spec_yaml)["automl"]
    assert automl["experiment_timeout_minutes"] == 2 and automl["iteration_timeout_minutes"] == 2
    assert automl["iterations"] == 3
