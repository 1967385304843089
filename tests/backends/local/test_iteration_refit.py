"""Registering any iteration's model, and resubmitting a past run's spec with a change."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from app import locator
from app.backends.local.iteration_refit import refit_iteration, register_iteration
from app.backends.local.model_registry import file_sha256
from app.backends.local.predict import predict_file
from app.core import runs as rs
from app.core.errors import UserInputError
from app.core.metrics import MODEL_FILE
from app.core.progress import Sink
from app.core.spec import parse_spec

from .runs_helpers import wait_done

MODEL = "TitanicSurvivalInitial"


def _prepared_features(backend, run):
    frame = pd.read_parquet(run.step("data_prep").outputs["prepared_data"])
    return frame.drop(columns=["Survived"])


def test_a_non_best_iteration_registers_as_a_new_version(backend, shared, tmp_path):
    run = backend.get_run(shared[1])
    best = run.best_iteration
    other = next(i for i in run.iterations if i.iteration != best and i.run_algorithm != "StackEnsemble")
    sink = Sink()
    model = register_iteration(backend, run.run_id, other.iteration, sink=sink)
    assert (model.name, model.version) == (MODEL, 2)
    assert model.iteration == other.iteration and model.run_id == run.run_id
    assert model.metric_value == pytest.approx(other.metrics[run.primary_metric])
    assert model.properties["refitted"] is True and model.properties["has_dataprep"] is True
    assert model.properties["iteration_run_id"] == other.run_id
    assert file_sha256(model.path) == model.content_hash
    assert any("refitting" in message for _, message in sink.messages)
    assert sorted(p.name for p in (backend.layout.models / MODEL / "2").iterdir()) == ["dataprep_params.json",
                                                                                      "model.pkl"]
    raw = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(raw, index=False)
    summary = predict_file(backend, MODEL, 2, raw, tmp_path / "out.csv")
    assert summary["rows"] == 891


def test_refitting_the_best_iteration_reproduces_the_engines_model(backend, shared):
    run = backend.get_run(shared[1])
    record = next(i for i in run.iterations if i.iteration == run.best_iteration)
    rebuilt = refit_iteration(backend, run, record, Sink())
    with open(backend.automl_output_dir(run) / MODEL_FILE, "rb") as fh:
        saved = pickle.load(fh)
    X = _prepared_features(backend, run)
    assert [name for name, _ in rebuilt.steps] == [name for name, _ in saved.steps]
    np.testing.assert_allclose(rebuilt.predict_proba(X), saved.predict_proba(X), atol=1e-9)


def test_the_best_iteration_registers_the_saved_model_as_is(backend, shared):
    run = backend.get_run(shared[1])
    model = register_iteration(backend, run.run_id, run.best_iteration, model_name="BestAgain")
    assert (model.name, model.version) == ("BestAgain", 1)
    assert model.properties["refitted"] is False
    assert model.content_hash == file_sha256(backend.automl_output_dir(run) / MODEL_FILE)


def test_an_unknown_iteration_is_refused_naming_the_known_ones(backend, shared):
    with pytest.raises(UserInputError, match=r"no iteration 99 \(its iterations: 0, 1"):
        register_iteration(backend, shared[1], 99)
    with pytest.raises(UserInputError, match="not a model name"):
        register_iteration(backend, shared[1], 0, model_name="bad name")
    assert [m.version for m in backend.list_models()] == [1]


def test_a_cloned_run_resubmits_with_the_changed_setting(backend, shared):
    past = backend.get_run(shared[1])
    spec = parse_spec(past.spec_yaml)
    spec.parameters["model_name"] = "TitanicClone"
    clone_id = backend.submit(spec)
    clone = wait_done(backend, clone_id)
    assert clone.status == rs.COMPLETED, clone.error
    assert parse_spec(clone.spec_yaml).parameters["model_name"] == "TitanicClone"
    assert parse_spec(clone.spec_yaml).automl == spec.automl
    assert backend.get_model("TitanicClone").run_id == clone_id
