"""`automl-desk models / predict / delete / usage` need only the Backend protocol: run on the shared fake."""
from __future__ import annotations

import json

import pandas as pd
import pytest

MODEL = "TitanicModel"


@pytest.fixture
def fake(make_fake_backend):
    fake = make_fake_backend()
    fake.add_run("run_a", iterations=4)
    fake.add_model(MODEL, "run_a", 2, properties={"test_score": 0.8123, "test_rows": 179})
    return fake


def test_models_list_and_show(cli_on, fake):
    cli = cli_on(fake)
    code, out, _ = cli("models", "list")
    assert code == 0 and MODEL in out and "run_a" in out
    code, out, _ = cli("models", "show", f"{MODEL}:1")
    assert code == 0 and "AUC_weighted = 0.8500 (validation)" in out
    assert "test split: AUC_weighted = 0.8123 on 179 held-out rows" in out


def test_predict_goes_through_the_backend(cli_on, fake, tmp_path):
    data, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"Age": [1, 2]}).to_csv(data, index=False)
    code, printed, err = cli_on(fake)("predict", MODEL, str(data), "-o", str(out), "--chunk-rows", "10")
    assert code == 0, err
    assert fake.predicted == [(MODEL, 1, str(data), str(out), {"chunk_rows": 10})]  # the latest version
    assert "wrote 2 rows with prediction" in printed


def test_delete_and_usage(cli_on, fake):
    cli = cli_on(fake)
    code, out, _ = cli("usage", "--json")
    assert code == 0 and json.loads(out)["categories"]["models"] == 2048
    code, out, err = cli("delete", "model", f"{MODEL}:1", "--yes")
    assert code == 0, err
    assert f"deleted 1 model version(s): {MODEL}:1" in out and fake.models == []
    code, out, err = cli("delete", "run", "run", "--yes")
    assert code == 0 and "1 run(s): run_a" in out and fake.runs == {}


def test_what_an_azure_workspace_cannot_do_exits_2_saying_why(cli_on, make_fake_backend, tmp_path):
    azure = make_fake_backend(kind="azure")
    azure.add_run("run_a")
    cli = cli_on(azure)
    for argv, capability in ((("predict", MODEL, "x.csv", "-o", str(tmp_path / "o.csv")), "predict"),
                             (("usage",), "disk_usage"), (("delete", "run", "run_a", "--yes"), "delete")):
        code, out, err = cli(*argv)
        assert (code, out) == (2, ""), argv
        assert err == f"error: {azure.capabilities.why_not(capability)}\n"
    assert "run_a" in azure.runs
