"""AzureBackend's model calls of the Backend protocol, offline: the SDK objects are stood in for."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.backends.azure import backend as azure_backend
from app.backends.azure.backend import AzureBackend
from app.core.backend import MODEL, RUN
from app.core.errors import NotAvailableError
from app.core.runs import RunRecord


@pytest.fixture()
def backend(offline, monkeypatch):
    backend = AzureBackend(offline.OfflineWorkspace())
    monkeypatch.setattr(backend, "get_run", lambda run_id: RunRecord(run_id, "titanic_automl", "Completed"))
    return backend


def fake_model(name="m", version=1):
    return SimpleNamespace(name=name, version=version, id=f"{name}:{version}", created_time=None, run_id="r_automl_3",
                           properties={}, tags={})


def test_register_iteration_asks_the_automl_step_run(backend, monkeypatch):
    calls = []

    class AutoMLRun:
        def __init__(self, experiment, run_id):
            calls.append(("run", experiment, run_id))

        def register_model(self, model_name=None, iteration=None, **_):
            calls.append(("register", model_name, iteration))
            return fake_model(model_name, 4)

    monkeypatch.setattr("azureml.train.automl.run.AutoMLRun", AutoMLRun)
    monkeypatch.setattr(backend, "_step_run", lambda run_id, step: SimpleNamespace(experiment="exp", id="r_automl"))
    model = backend.register_iteration("r", 3, "Chosen")
    assert calls == [("run", "exp", "r_automl"), ("register", "Chosen", 3)]
    assert (model.name, model.version) == ("Chosen", 4)
    assert backend.register_iteration("r", 3).name == "titanic_automl_model"


def test_only_model_versions_are_deleted_and_nothing_is_predicted_here(backend, monkeypatch):
    deleted = []

    class Model:
        def __init__(self, workspace, name=None, version=None):
            self.name, self.version = name, version

        def delete(self):
            deleted.append((self.name, self.version))

    monkeypatch.setattr("azureml.core.Model", Model)
    monkeypatch.setattr(azure_backend, "model_record", lambda m: m)
    plan = backend.plan_delete(MODEL, ("m", 2))
    assert plan.describe() == "1 model version(s): m:2"
    assert backend.delete(plan)["models"] == ["m:2"] and deleted == [("m", 2)]
    caps = backend.capabilities
    assert MODEL in caps.delete and RUN not in caps.delete and not caps.predict and not caps.disk_usage
    for call in (lambda: backend.plan_delete(RUN, ["r"]), lambda: backend.predict("m", 1, "a.csv", "b.csv"),
                 backend.disk_usage):
        with pytest.raises(NotAvailableError) as refused:
            call()
        assert "Azure" in str(refused.value)
