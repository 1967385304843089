"""The step as the executor runs it: events, Azure-format outputs, a model for a fresh process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pandas as pd

from app.core import catalog

from .conftest import ROOT, fast, iris_frame, titanic_frame


def test_titanic_end_to_end(runner):
    result = runner.run(titanic_frame(), fast(primary_metric="AUC_weighted", iterations=10,
                                              enable_voting_ensemble=True))
    assert result.returncode == 0, result.stderr
    iterations = result.of("iteration")
    assert len(iterations) == 10
    assert [e["iteration"] for e in iterations] == list(range(10))
    assert iterations[-1]["run_algorithm"] == "VotingEnsemble"
    for e in iterations:
        assert len(e["metrics"]) >= 10
        assert e["run_id"] == f"S1_{e['iteration']}"
        assert e["primary_metric"] == "AUC_weighted"
        assert e["run_algorithm"] in catalog.CLASSIFICATION_MODELS + catalog.ENSEMBLE_ALGORITHMS
    phases = [e["phase"] for e in result.of("status")]
    assert phases[:2] == ["featurization", "model_selection"] and phases[-1] == "finalizing"
    finished = result.finished
    assert finished["stop_reason"] == "iterations"
    best = max(e["metrics"]["AUC_weighted"] for e in iterations)
    assert finished["best_metric"] == best
    assert finished["best_run_id"] == f"S1_{finished['best_iteration']}"

    with open(result.out / "metrics_data") as fh:
        frame = pd.DataFrame(json.load(fh))
    assert sorted(frame.columns) == sorted(f"S1_{n}" for n in range(10))
    assert "AUC_weighted" in frame.index and "log_loss" in frame.index
    assert isinstance(frame.loc["accuracy", "S1_0"], list)

    summary = result.summary
    assert summary["best_iteration"] == finished["best_iteration"]
    assert summary["class_labels"] == [0, 1]
    assert summary["feature_columns"] == ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]
    assert {"python", "flaml", "lightgbm", "xgboost", "scikit-learn", "pandas", "numpy"} <= set(summary["versions"])


def test_model_unpickles_in_a_fresh_process(runner, tmp_path):
    frame = iris_frame()
    result = runner.run(frame, fast(label_column_name="target", iterations=4))
    assert result.returncode == 0, result.stderr
    frame.drop(columns=["target"]).to_csv(tmp_path / "x.csv", index=False)
    code = textwrap.dedent(f"""
        import pickle, sys, pandas as pd
        model = pickle.load(open({str(result.out / 'model_data')!r}, 'rb'))
        assert 'flaml' not in sys.modules
        X = pd.read_csv({str(tmp_path / 'x.csv')!r})
        proba = model.predict_proba(X)
        agrees = (model.predict(X) == model.classes_[proba.argmax(1)]).all()
        print(model.classes_.tolist(), proba.shape, agrees)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['setosa', 'versicolor', 'virginica'] (150, 3) True"


def test_bad_label_exits_2_with_one_line(runner):
    result = runner.run(titanic_frame(), fast(label_column_name="Nope"))
    assert result.returncode == 2
    assert "label column 'Nope' is not in the data" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_settings_exit_2(runner):
    result = runner.run(titanic_frame(), fast(primary_metric="r2_score"))
    assert result.returncode == 2
    assert "'r2_score' is not valid for classification" in result.stderr


def test_openmp_threads_spin_briefly_unless_the_user_chose_a_wait_policy():
    code = "import os, app.backends.local.automl_step; print(os.environ.get('GOMP_SPINCOUNT'))"
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    ours = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    theirs = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "OMP_WAIT_POLICY": "PASSIVE"},
                            capture_output=True, text=True)
    assert ours.stdout.strip() == "10000" and theirs.stdout.strip() == "None", (ours.stderr, theirs.stderr)
