import sqlite3
import time

import pytest

from app import locator
from app.backends.local.store import SCHEMA_VERSION
from app.backends.local.workspace import LocalBackend
from app.core.errors import SpecError, UserInputError
from app.core.spec import load_spec


def spec():
    return load_spec(locator.example_spec())


def errors(backend, s):
    return {p.path: p.message for p in backend.validate(s) if p.level == "error"}


def test_example_validates_against_titanic(titanic_ws):
    assert errors(titanic_ws, spec()) == {}


def test_label_checks_happen_before_any_run_exists(titanic_ws, tmp_path):
    s = spec()
    s.automl.label_column_name = "Survivd"
    assert "is not in dataset titanic_ds:1" in errors(titanic_ws, s)["automl.label_column_name"]
    s = spec()
    s.data_prep.options["drop"].append("Survived")
    assert "drops the label" in errors(titanic_ws, s)["data_prep.options.drop"]
    one_class = tmp_path / "one.csv"
    one_class.write_text("x,y\n1,a\n2,a\n")
    titanic_ws.register_dataset("one", [str(one_class)])
    s = spec()
    s.dataset, s.data_prep, s.automl.label_column_name = "one", None, "y"
    assert "only one class" in errors(titanic_ws, s)["automl.label_column_name"]
    s.automl.task, s.automl.primary_metric = "regression", None
    assert "numeric label" in errors(titanic_ws, s)["automl.label_column_name"]
    with pytest.raises(SpecError):
        titanic_ws.submit(s)
    assert titanic_ws.list_runs() == []


def test_unknown_parameter_override_is_refused(titanic_ws):
    with pytest.raises(UserInputError, match="unknown pipeline parameter"):
        titanic_ws.submit(spec(), {"modle_name": "x"})
    assert titanic_ws.list_runs() == []


def _fake_active_run(backend, run_id="dead-run"):
    with backend.store.write() as c:
        c.execute("INSERT OR IGNORE INTO experiments VALUES ('e', 0)")
        c.execute("INSERT INTO runs (run_id, experiment, status, created_at, task, primary_metric, spec_yaml, "
                  "parameters, dataset_name, dataset_version, dataset_hash, seed) "
                  "VALUES (?, 'e', 'Running', ?, 'classification', 'accuracy', '', '{}', 'd', 1, 'h', 1)",
                  (run_id, time.time()))
        c.execute("INSERT INTO step_runs (run_id, parent_run_id, name, position, status) "
                  "VALUES ('s1', ?, 'automl', 0, 'Running')", (run_id,))


def test_interrupted_runs_are_failed_on_open(workspace):
    _fake_active_run(workspace)
    reopened = LocalBackend(workspace.root)
    run = reopened.get_run("dead-run")
    assert run.status == "Failed" and "interrupted" in run.error
    assert run.steps[0].status == "Failed"


def test_cancel_without_executor_ends_the_run(workspace):
    _fake_active_run(workspace, "queued-run")
    workspace.cancel("queued")  # a unique prefix is enough
    assert workspace.get_run("queued-run").status == "Canceled"


def test_newer_schema_is_refused_and_left_alone(workspace):
    with sqlite3.connect(workspace.layout.db) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(UserInputError, match="newer AutoML Desk"):
        LocalBackend(workspace.root)
    with sqlite3.connect(workspace.layout.db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_corrupted_database_gets_a_message(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "workspace.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserInputError, match="cannot be read"):
        LocalBackend(root)
