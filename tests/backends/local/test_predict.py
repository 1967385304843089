"""Predicting with a registered model on raw data: saved data prep, chunks, checks before unpickling."""
from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest

from app import locator
from app.backends.local import predict as pr
from app.backends.local.model_registry import file_sha256
from app.backends.local.workspace import LocalBackend
from app.core.errors import UserInputError
from app.core.progress import Cancelled, Sink

from tests.finished_run import copy_workspace, finished_run_workspace

MODEL = "TitanicSurvivalInitial"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root, run_id = finished_run_workspace(tmp_path_factory)
    backend = LocalBackend(root)
    run = backend.get_run(run_id)
    model = backend.get_model(MODEL, 1)
    prepared = pd.read_parquet(run.step("data_prep").outputs["prepared_data"])
    with open(model.path, "rb") as fh:
        fitted = pickle.load(fh)
    return backend, model, prepared, fitted


@pytest.fixture
def raw_csv(tmp_path):
    path = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(path, index=False)
    return path


def test_raw_rows_get_predictions_matching_the_model_on_the_prepared_frame(shared, raw_csv, tmp_path):
    backend, model, prepared, fitted = shared
    out = tmp_path / "out.csv"
    summary = pr.predict_file(backend, MODEL, 1, raw_csv, out)
    result = pd.read_csv(out)
    raw = pd.read_csv(raw_csv)
    assert len(result) == len(raw) == summary["rows"]
    assert list(result.columns) == list(raw.columns) + ["prediction", "probability_0", "probability_1"]
    assert summary["dataprep"] is True and summary["warnings"] == []
    expected = fitted.predict_proba(prepared[model.properties["feature_columns"]])
    np.testing.assert_allclose(result[["probability_0", "probability_1"]].to_numpy(), expected, atol=1e-12)
    np.testing.assert_array_equal(result["prediction"], fitted.predict(prepared[model.properties["feature_columns"]]))
    pd.testing.assert_frame_equal(result[raw.columns], raw)


def test_saved_bins_are_used_on_a_file_with_other_value_ranges(shared, tmp_path):
    backend, model, prepared, fitted = shared
    raw = pd.read_csv(locator.sample_dataset())
    # Only old passengers with dear tickets: re-fitting quantile bins here would give other edges.
    subset = raw[(raw["Age"] > 45) & (raw["Fare"] > 30)].drop(columns=["Survived"])
    assert 10 < len(subset) < 100
    path = tmp_path / "rich_and_old.csv"
    subset.to_csv(path, index=False)
    predictor = pr._ChunkPredictor(model, fitted, pr._dataprep_params(model))
    features = predictor.features_of(pd.read_csv(path))
    training_rows = prepared.loc[subset.index, model.properties["feature_columns"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(features.reset_index(drop=True), training_rows, check_dtype=False)
    assert features["Age"].nunique() <= 2  # the training bins put every one of them in the top bins

    out = tmp_path / "out.csv"
    pr.predict_file(backend, MODEL, 1, path, out)
    np.testing.assert_allclose(pd.read_csv(out)["probability_1"], fitted.predict_proba(training_rows)[:, 1])


def test_chunks_report_progress_and_keep_every_row(shared, raw_csv, tmp_path):
    backend = shared[0]
    sink = Sink()
    out = tmp_path / "out.csv"
    summary = pr.predict_file(backend, MODEL, None, raw_csv, out, sink, chunk_rows=200)
    assert summary["chunks"] == 5 and summary["rows"] == 891 == len(pd.read_csv(out))
    fractions = [f for f, _ in sink.messages if f is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert not out.with_name("out.csv.partial").exists()


def test_parquet_input_works_too(shared, raw_csv, tmp_path):
    path = tmp_path / "raw.parquet"
    pd.read_csv(raw_csv).to_parquet(path)
    summary = pr.predict_file(shared[0], MODEL, 1, path, tmp_path / "out.csv", chunk_rows=300)
    assert summary["rows"] == 891 and summary["chunks"] == 3


def test_cancel_between_chunks_leaves_no_output(shared, raw_csv, tmp_path):
    out = tmp_path / "out.csv"

    def cancel_after_first_chunk(fraction, message):
        if message.startswith("predicted"):
            sink.cancel()

    sink = Sink(on_progress=cancel_after_first_chunk)
    with pytest.raises(Cancelled):
        pr.predict_file(shared[0], MODEL, 1, raw_csv, out, sink, chunk_rows=100)
    assert list(tmp_path.iterdir()) == [raw_csv]


def test_missing_columns_are_named(shared, tmp_path):
    path = tmp_path / "bad.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived", "Sex"]).to_csv(path, index=False)
    with pytest.raises(UserInputError, match="'Sex'"):
        pr.predict_file(shared[0], MODEL, 1, path, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_tampered_model_file_is_refused_before_unpickling(shared, raw_csv, tmp_path, monkeypatch):
    root = shared[0].root
    backend = copy_workspace(root, tmp_path / "ws")
    model_file = backend.get_model(MODEL, 1).path
    with open(model_file, "ab") as fh:
        fh.write(b"\0")
    monkeypatch.setattr(pr.pickle, "load", lambda *a, **k: pytest.fail("a tampered file was unpickled"))
    out = tmp_path / "out.csv"
    with pytest.raises(UserInputError, match="changed after registration.*not loaded"):
        pr.predict_file(backend, MODEL, 1, raw_csv, out)
    assert not out.exists() and not out.with_name("out.csv.partial").exists()


def test_package_mismatch_warns_naming_the_packages(shared):
    model = shared[1]
    packages = {**model.properties["packages"], "lightgbm": "0.0.1", "no-such-package-xyz": "1.0"}
    changed = dataclasses.replace(model, properties={**model.properties, "packages": packages})
    _, warnings = pr.load_checked(changed)
    assert len(warnings) == 1
    assert "lightgbm 0.0.1 at training" in warnings[0] and "no-such-package-xyz 1.0 at training, not installed" \
        in warnings[0]
    assert "pandas" not in warnings[0]


def test_an_azure_trained_model_is_named_as_such(shared, tmp_path):
    # What an Azure AutoML pickle starts with: a reference to azureml's runtime classes.
    path = tmp_path / "model.pkl"
    path.write_bytes(b"cazureml.automl.runtime.shared.model_wrappers\nPipelineWithYTransformations\n)\x81.")
    azure = dataclasses.replace(shared[1], path=str(path), content_hash=file_sha256(path),
                                properties={"packages": {"azureml-automl-runtime": "1.60.0"}})
    with pytest.raises(UserInputError, match="trained by Azure AutoML.*azureml-automl-runtime==1.60.0"):
        pr.load_checked(azure)


def test_output_may_not_overwrite_the_input(shared, raw_csv):
    with pytest.raises(UserInputError, match="is the input file"):
        pr.predict_file(shared[0], MODEL, 1, raw_csv, raw_csv)
