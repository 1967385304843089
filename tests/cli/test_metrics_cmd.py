"""`automl-desk metrics` and `compare` on metrics files and on runs of a stub workspace."""
from __future__ import annotations

import csv
import json

import pytest

from app.cli import main
from app.core.runs import IterationRecord, RunRecord

FILE = {"s_0": {"AUC_weighted": [0.81], "log_loss": [0.52]},
        "s_2": {"AUC_weighted": [0.86], "log_loss": [0.47]},
        "s_1": {"AUC_weighted": [0.88], "log_loss": [0.49]}}


@pytest.fixture
def metrics_file(tmp_path):
    """Azure's download layout: no extension."""
    path = tmp_path / "metrics_data"
    path.write_text(json.dumps(FILE), encoding="utf-8")
    return path


class StubBackend:
    def __init__(self, runs):
        self.runs = {r.run_id: r for r in runs}

    def get_run(self, run_id):
        from app.core.errors import NotFoundError
        if run_id not in self.runs:
            raise NotFoundError(f"no run '{run_id}' in this workspace")
        return self.runs[run_id]


def _run(run_id, values, metric="accuracy"):
    its = [IterationRecord(f"{run_id}_automl_{n}", n, run_algorithm="LightGBM", run_preprocessor="MaxAbsScaler",
                           metrics={metric: v, "log_loss": 1 - v}, duration_s=2.0) for n, v in enumerate(values)]
    return RunRecord(run_id, "exp", status="Completed", primary_metric=metric, iterations=its)


@pytest.fixture
def stub_workspace(monkeypatch):
    backend = StubBackend([_run("A", [0.7, 0.8, 0.75]), _run("B", [0.72, 0.74, 0.9, 0.85])])
    monkeypatch.setattr("app.cli.backend_from", lambda args: backend)
    monkeypatch.setattr("app.cli.metrics_cmd.backend_from", lambda args: backend)
    monkeypatch.setattr("app.cli.compare_cmd.backend_from", lambda args: backend, raising=False)
    return backend


def test_table_of_a_downloaded_metrics_file_marks_the_best(metrics_file, capsys):
    assert main(["metrics", str(metrics_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:5] == ["ITERATION", "PIPELINE", "DURATION", "AUC_WEIGHTED", "BEST"]
    rows = [line.split() for line in lines[1:]]
    assert [r[0] for r in rows] == ["0", "1", "2"]
    assert rows[1][-1] == "*" and rows[2][-1] == "0.8800"


def test_csv_and_json_of_a_run_use_its_primary_metric(stub_workspace, tmp_path, capsys):
    out = tmp_path / "a.csv"
    assert main(["metrics", "A", "--csv", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert data["metric"] == "accuracy"
    assert [r["best_so_far"] for r in data["iterations"]] == [0.7, 0.8, 0.8]
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["pipeline"] == "MaxAbsScaler LightGBM"
    assert [float(r["best_so_far"]) for r in rows] == [0.7, 0.8, 0.8]


def test_minimised_metric_best_so_far_goes_down(metrics_file, capsys):
    assert main(["metrics", str(metrics_file), "--metric", "log_loss", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["best_so_far"] for r in data["iterations"]] == [0.52, 0.49, 0.47]


def test_plot_writes_a_png(metrics_file, tmp_path):
    out = tmp_path / "m.png"
    assert main(["metrics", str(metrics_file), "--plot", str(out), "--metric", "log_loss"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("argv, message", [
    (["--metric", "nope"], "choose one of: AUC_weighted, log_loss"),
    (["--plot", "x.gif"], ".png, .svg or .pdf"),
])
def test_bad_input_exits_2_with_a_clear_line(metrics_file, capsys, argv, message):
    assert main(["metrics", str(metrics_file), *argv]) == 2
    assert message in capsys.readouterr().err


def test_not_a_metrics_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "metrics_data"
    bad.write_text("not json")
    assert main(["metrics", str(bad)]) == 2
    assert "not an AutoML metrics file" in capsys.readouterr().err


def test_compare_two_runs_gives_differences_to_the_first(stub_workspace, tmp_path, capsys):
    out, png = tmp_path / "c.csv", tmp_path / "c.png"
    assert main(["compare", "A", "B", "--csv", str(out), "--plot", str(png)]) == 0
    with open(out, newline="") as fh:
        rows = {r["metric"]: r for r in csv.DictReader(fh)}
    assert float(rows["accuracy"]["A"]) == 0.8 and float(rows["accuracy"]["B"]) == 0.9
    assert float(rows["accuracy"]["B - A"]) == pytest.approx(0.1)
    assert float(rows["log_loss"]["B - A"]) == pytest.approx(-0.1)
    assert png.stat().st_size > 1000


def test_compare_prints_a_table(stub_workspace, capsys):
    assert main(["compare", "A", "B"]) == 0
    out = capsys.readouterr().out
    assert "B - A" in out and "+0.1000" in out


def test_compare_needs_two_runs(stub_workspace, capsys):
    assert main(["compare", "A"]) == 2
    assert "at least two runs" in capsys.readouterr().err


def test_short_labels_keep_runs_apart():
    from app.core.run_tables import short_labels

    assert short_labels(["f892a000-a1bb-42f3-a635", "752a63a7-8116-4adb-8b9a"]) == ["f892a000", "752a63a7"]
    assert short_labels(["abcdefgh-1-xxxxxxxxx", "abcdefgh-2-xxxxxxxxx"]) == ["abcdefgh-1", "abcdefgh-2"]
    assert short_labels(["run_20261127_a1", "run_b"]) == ["run_20261127_a1", "run_b"]
