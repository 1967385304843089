"""`automl-desk predict`, `delete` and `usage` against a workspace with a finished run."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from app import locator
from app.cli import main


MODEL = "TitanicSurvivalInitial"


@pytest.fixture
def raw_csv(tmp_path):
    path = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(path, index=False)
    return path


def test_predict_writes_the_rows_with_predictions(shared, raw_csv, tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(["--workspace", str(shared[0]), "predict", f"{MODEL}:1", str(raw_csv), "-o", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "wrote 891 rows" in printed.out and "saved data prep applied" in printed.out
    frame = pd.read_csv(out)
    assert len(frame) == 891 and {"prediction", "probability_0", "probability_1"} <= set(frame.columns)


def test_predict_json_summary(shared, raw_csv, tmp_path, capsys):
    code = main(["--workspace", str(shared[0]), "predict", MODEL, str(raw_csv), "-o", str(tmp_path / "o.csv"),
                 "--chunk-rows", "400", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["rows"] == 891 and summary["chunks"] == 3 and summary["model"] == f"{MODEL}:1"


@pytest.mark.parametrize("argv, message", [
    (["predict", "Nope:1", "{raw}", "-o", "{out}"], "no model 'Nope:1'"),
    (["predict", f"{MODEL}:x", "{raw}", "-o", "{out}"], "version after ':' must be a number"),
    (["predict", MODEL, "{tmp}/missing.csv", "-o", "{out}"], "data file not found"),
    (["predict", MODEL, "{raw}", "-o", "{tmp}/no/such/dir/out.csv"], "output folder"),
])
def test_predict_bad_input_exits_2_with_one_line(shared, raw_csv, tmp_path, capsys, argv, message):
    fill = {"raw": str(raw_csv), "out": str(tmp_path / "out.csv"), "tmp": str(tmp_path)}
    code = main(["--workspace", str(shared[0])] + [a.format(**fill) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.startswith("error: ") and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_predict_refuses_a_tampered_model(backend, raw_csv, tmp_path, capsys):
    with open(backend.get_model(MODEL, 1).path, "ab") as fh:
        fh.write(b"tampered")
    code = main(["--workspace", str(backend.root), "predict", MODEL, str(raw_csv), "-o", str(tmp_path / "o.csv")])
    assert code == 2 and "changed after registration" in capsys.readouterr().err


def test_delete_asks_for_yes_and_refuses_datasets_in_use(backend, capsys, monkeypatch):
    ws = ["--workspace", str(backend.root)]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(ws + ["delete", "model", f"{MODEL}:1"]) == 2
    assert "add --yes" in capsys.readouterr().err and backend.list_models()
    assert main(ws + ["delete", "model", MODEL, "--yes"]) == 2
    assert "as TitanicSurvivalInitial:VERSION" in capsys.readouterr().err
    assert main(ws + ["delete", "dataset", "titanic_ds:1", "--yes"]) == 2
    assert "add --with-runs" in capsys.readouterr().err and backend.list_datasets()

    assert main(ws + ["delete", "model", f"{MODEL}:1", "--yes"]) == 0
    assert "deleted 1 model version(s): TitanicSurvivalInitial:1" in capsys.readouterr().out
    assert backend.list_models() == []
    assert main(ws + ["delete", "dataset", "titanic_ds:1", "--with-runs", "--yes", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["datasets"] == ["titanic_ds:1"] and len(result["runs"]) == 1 and result["bytes_freed"] > 0
    assert backend.list_runs() == [] and backend.list_datasets() == []


def test_delete_asks_on_a_terminal(backend, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["--workspace", str(backend.root), "delete", "model", f"{MODEL}:1"]) == 0
    assert "nothing deleted" in capsys.readouterr().out and backend.list_models()


def test_usage_lists_categories_and_items(shared, capsys):
    assert main(["--workspace", str(shared[0]), "usage"]) == 0
    out = capsys.readouterr().out
    assert "CATEGORY" in out and "AutoML outputs" in out and f"{MODEL}:1" in out and "titanic_ds:1" in out
    assert main(["--workspace", str(shared[0]), "usage", "--json", "--top", "1"]) == 0
    usage = json.loads(capsys.readouterr().out)
    assert len(usage["largest"]) == 1 and usage["total"] == sum(usage["categories"].values())
