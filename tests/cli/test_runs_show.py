"""`automl-desk runs show` words the held-out test-split score beside the validation score."""
from __future__ import annotations

import json

from app.cli import main
from app.core.runs import IterationRecord, RunRecord


class StubBackend:
    def __init__(self, summary):
        its = [IterationRecord("r1_automl_0", 0, run_algorithm="LightGBM", run_preprocessor="MaxAbsScaler",
                               metrics={"AUC_weighted": 0.87}, duration_s=2.0)]
        self.run = RunRecord("r1", "exp", status="Completed", primary_metric="AUC_weighted", iterations=its,
                             best_iteration=0, best_metric=0.87)
        self.summary = summary

    def get_run(self, run_id):
        return self.run

    def get_artifacts(self, run_id):
        return {"summary": self.summary}


def show(monkeypatch, capsys, summary, *extra):
    monkeypatch.setattr("app.cli.runs_cmd.backend_from", lambda args: StubBackend(summary))
    assert main(["runs", "show", "r1", *extra]) == 0
    return capsys.readouterr().out


def test_show_prints_the_test_split_score_labelled(monkeypatch, capsys):
    out = show(monkeypatch, capsys, {"validation_score": 0.87, "test_score": 0.8312, "test_rows": 179})
    assert "AUC_weighted = 0.87" in out
    assert "Best model on the test split AUC_weighted 0.8312 (179 rows), held out of the search" in out


def test_show_without_a_test_split_says_nothing_of_it(monkeypatch, capsys):
    assert "test split" not in show(monkeypatch, capsys, {"validation_score": 0.87})


def test_json_carries_the_test_score(monkeypatch, capsys):
    data = json.loads(show(monkeypatch, capsys, {"test_score": 0.8312, "test_rows": 179}, "--json"))
    assert (data["test_score"], data["test_rows"]) == (0.8312, 179)
