"""In-process pieces: metrics, ensemble selection, featurization, chart artifacts."""
from __future__ import annotations

import json
import math
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from app.core import catalog
from app.backends.local.automl import charts, scoring
from app.backends.local.automl.ensemble import greedy_selection
from app.backends.local.automl.search import Trial, diverse, significant_improvement
from app.backends.local.automl.transformer import DataTransformer


def test_classification_metrics_cover_azure_names_and_binary_variants():
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    proba = np.array([[.9, .1], [.2, .8], [.4, .6], [.6, .4], [.3, .7], [.8, .2], [.55, .45], [.1, .9]])
    metrics = scoring.classification_metrics(y, proba, 2, positive=1)
    assert set(metrics) == set(catalog.CLASSIFICATION_METRICS + catalog.BINARY_ONLY_METRICS)
    assert metrics["accuracy"] == pytest.approx(7 / 8)
    assert metrics["AUC_binary"] == pytest.approx(metrics["AUC_weighted"])
    assert metrics["recall_score_binary"] == pytest.approx(4 / 5)
    assert metrics["norm_macro_recall"] == pytest.approx(2 * metrics["balanced_accuracy"] - 1)
    flipped = scoring.classification_metrics(y, proba, 2, positive=0)
    assert flipped["recall_score_binary"] == pytest.approx(1.0)


def test_regression_metrics_normalise_by_the_label_range():
    y = np.array([1.0, 2.0, 3.0, 5.0])
    pred = np.array([1.5, 2.0, 2.5, 5.0])
    metrics = scoring.regression_metrics(y, pred, y_range=4.0)
    assert set(metrics) == set(catalog.REGRESSION_METRICS)
    assert metrics["mean_absolute_error"] == pytest.approx(0.25)
    assert metrics["normalized_mean_absolute_error"] == pytest.approx(0.0625)
    assert scoring.primary_value("normalized_root_mean_squared_error", y, pred, 0, 4.0) == pytest.approx(
        metrics["normalized_root_mean_squared_error"])


def test_loss_respects_the_metric_direction():
    assert scoring.loss("log_loss", 0.3) < scoring.loss("log_loss", 0.4)
    assert scoring.loss("AUC_weighted", 0.9) < scoring.loss("AUC_weighted", 0.8)
    assert scoring.loss("accuracy", float("nan")) == float("inf")


def test_greedy_selection_prefers_the_members_that_help():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    good = np.column_stack([1 - (0.7 * y + 0.15), 0.7 * y + 0.15])
    noise = rng.uniform(size=400)
    bad = np.column_stack([1 - noise, noise])
    pool = [Trial(i, "lgbm", {}, {}, None, pred=p, y=y) for i, p in enumerate([good, bad])]
    step = SimpleNamespace(state=SimpleNamespace(plan=SimpleNamespace(metric="AUC_weighted")),
                           prepared=SimpleNamespace(n_classes=2, y_range=1.0))
    assert greedy_selection(step, pool) == {0: 1}


def test_ensemble_candidates_keep_each_learners_best_among_near_copies_of_the_leader():
    ranked = [Trial(i, "xgboost", {"i": i}, {}, 0.9 - i / 100) for i in range(8)]
    ranked += [Trial(8, "rf", {}, {}, 0.8), Trial(9, "extra_tree", {}, {}, 0.7), Trial(10, "rf", {}, {}, 0.6)]
    chosen = diverse(ranked, 4)
    assert [t.iteration for t in chosen] == [0, 1, 8, 9]       # best first, one slot per other learner
    assert [t.iteration for t in diverse(ranked, 2)] == [0, 8]
    assert diverse(ranked, 20) == ranked


def test_early_stopping_ignores_improvements_below_a_thousandth_of_the_score():
    assert significant_improvement(None, 0.5)                       # the first best always counts
    assert not significant_improvement(0.5258, 0.5262)              # diabetes' ElasticNet steps of 0.0001 r2
    assert significant_improvement(0.5258, 0.5300)
    assert not significant_improvement(0.99, 0.9905) and significant_improvement(0.99, 0.992)
    assert not significant_improvement(5000.0, 4996.0) and significant_improvement(5000.0, 4990.0)    # error metrics: relative
    assert significant_improvement(0.0, 0.0002)                     # near zero, a floor of 0.0001


def test_data_transformer_imputes_encodes_and_drops_identifiers():
    frame = pd.DataFrame({"x": [1.0, None, 3.0] * 10, "c": ["a", "b", None] * 10,
                          "ident": [f"id{i}" for i in range(30)], "empty": [None] * 30})
    dt = DataTransformer().fit(frame)
    out = dt.transform(frame)
    assert not out.isna().any().any()
    assert dt.report_["dropped_id_like"] == ["ident"] and dt.report_["dropped_empty"] == ["empty"]
    assert set(dt.report_["imputed"]) == {"x", "c"}
    assert list(out.columns) == ["x", "c_a", "c_b", "c___missing__"]
    assert out["x"].iloc[1] == 2.0
    unseen = dt.transform(pd.DataFrame({"x": [None], "c": ["zzz"], "ident": ["q"], "empty": [None]}))
    assert unseen.iloc[0].tolist() == [2.0, 0.0, 0.0, 0.0]


def test_dates_written_as_text_are_featurized_as_dates():
    # A CSV's dates reach the step as text: each day distinct, they were dropped as an identifier,
    # while Azure reads them as dates and featurizes their parts.
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    frame = pd.DataFrame({"iso": days.strftime("%Y-%m-%d"), "german": days.strftime("%d.%m.%Y"),
                          "ticket": [f"{n:06d}" for n in range(400)], "name": [f"Mr. {n}" for n in range(400)]})
    frame.loc[3, "iso"] = None
    dt = DataTransformer().fit(frame)
    assert dt.report_["dates"] == ["iso", "german"] and dt.report_["dropped_id_like"] == ["ticket", "name"]
    out = dt.transform(frame)
    assert out["german_month"].tolist() == list(days.month.astype(float))
    assert out["german_day"].iloc[12] == 13.0 and out["iso_dayofweek"].iloc[0] == 6.0     # 1 January 2023: a Sunday
    assert out.loc[3, "iso_year"] == 0.0                                                   # a gap, as for parsed dates
    later = dt.transform(pd.DataFrame({"iso": ["2024-07-04"], "german": ["04.07.2024"], "ticket": ["x"], "name": ["y"]}))
    assert (later["iso_month"].iloc[0], later["german_month"].iloc[0]) == (7.0, 7.0)


def test_rows_to_predict_on_read_their_dates_in_the_trainings_order():
    # Day-first slashes (13/01/2023 onwards): "04/07/2024" alone fits both orders, and must read
    # 4 July as the training dates did, not April 7.
    days = pd.date_range("2023-01-01", periods=60, freq="D")
    dt = DataTransformer().fit(pd.DataFrame({"uk": days.strftime("%d/%m/%Y")}))
    assert dt.plans_[0][1:] == ("date", "%d/%m/%Y")
    assert dt.transform(pd.DataFrame({"uk": ["04/07/2024", None]}))["uk_month"].tolist() == [7.0, 0.0]


def test_accuracy_table_counts_add_up():
    y = np.array([0, 1, 1, 0])
    proba = np.array([[.8, .2], [.3, .7], [.6, .4], [.1, .9]])
    data = charts.accuracy_table(y, proba, [0, 1])["data"]
    first = data["probability_tables"][1][0]           # threshold 0: everything predicted positive
    assert first == [2, 2, 0, 0]
    at_half = data["probability_tables"][1][50]
    assert at_half == [1, 1, 1, 1]
    assert data["percentile_tables"][1][100] == [2, 2, 0, 0]


def test_many_valued_categories_are_ordered_by_mean_target():
    cities = [f"c{i:02d}" for i in range(20)]
    frame = pd.DataFrame({"city": cities * 10})
    y = np.array([1.0 if int(c[1:]) % 2 else 0.0 for c in frame["city"]])   # odd cities are positive
    codes = DataTransformer().fit(frame, y).transform(frame)["city"]
    assert codes[y == 1].min() > codes[y == 0].max()       # one split separates them
    unordered = DataTransformer().fit(frame).transform(frame)["city"]
    assert unordered[y == 1].min() < unordered[y == 0].max()


def test_rows_without_a_target_do_not_order_the_categories():
    """A holdout's validation rows are given as NaN: their labels must not leak into the order."""
    cities = [f"c{i:02d}" for i in range(20)]
    frame = pd.DataFrame({"city": cities * 20})
    odd = np.array([int(c[1:]) % 2 for c in frame["city"]], dtype=float)
    y = odd.copy()
    validation = np.arange(len(y)) >= len(y) // 2
    y[~validation] = 1 - odd[~validation]          # the training rows say even cities are positive
    y[validation] = np.nan                          # the validation rows (odd positive) are hidden
    codes = DataTransformer().fit(frame, y).transform(frame)["city"]
    assert codes[odd == 0].min() > codes[odd == 1].max()   # ordered by the training rows alone


def _callbacks_on(tmp_path, X, y, **settings):
    """SearchCallbacks over a holdout on X, y, with the step reduced to what they use."""
    from app.backends.local.automl.outputs import Outputs
    from app.backends.local.automl.search import SearchCallbacks, SearchState
    from app.backends.local.automl.settings import make_plan
    from app.core.spec import AutoMLSettings

    plan = make_plan(AutoMLSettings(label_column_name="y", **settings), 0, [])
    plan.eval_method = "holdout"
    outputs = Outputs(tmp_path / "out", tmp_path / "events.jsonl")
    step = SimpleNamespace(state=SearchState(run_id="R", plan=plan), outputs=outputs,
                           prepared=SimpleNamespace(classes=np.array([0, 1]), n_classes=2, positive=1, y_range=1.0,
                                                    y=y, weight=None),
                           stop_requested=lambda: False, write_summary=lambda: None,
                           search_deadline=lambda: math.inf, pipeline_for=lambda trial: trial.model, finished=False)
    return SearchCallbacks(step, X), step


def _events(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]


def test_a_failed_trial_becomes_a_failed_iteration_and_the_search_goes_on(tmp_path):
    from app.backends.local.automl import learners

    X = pd.DataFrame({"a": np.arange(40.0)})
    y = np.arange(40) % 2
    callbacks, step = _callbacks_on(tmp_path, X, y, iterations=5)
    broken = learners.tolerant_learners("classification", ["lgbm"], callbacks)["lgbm"](
        task="binary", n_estimators=4, num_leaves=-3, n_jobs=1)
    broken.fit(X, y)
    loss, _ = callbacks.metric_fn(X, y, broken, [0, 1], X, y, config={"num_leaves": -3})
    assert loss == float("inf")
    event = _events(tmp_path)[-1]
    assert event["status"] == "Failed" and event["run_algorithm"] == "LightGBM"
    assert "num_leaves" in event["error"] and event["metrics"] == {}
    assert step.state.best is None and len(step.state.records) == 1


def test_a_trial_past_the_iteration_timeout_ends_timed_out_and_the_next_one_runs(tmp_path):
    from app.backends.local.automl import learners

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(3000, 10)), columns=[f"x{i}" for i in range(10)])
    y = (X["x0"] + rng.normal(size=3000) > 0).astype(int).to_numpy()
    callbacks, step = _callbacks_on(tmp_path, X, y, iterations=5, iteration_timeout_minutes=0.02)
    lgbm = learners.tolerant_learners("classification", ["lgbm"], callbacks)["lgbm"]
    # No soft budget is passed, so only the hard limit (1.2 s) can end this fit: far more
    # boosting rounds than fit in it, never stopping early.
    slow = lgbm(task="binary", n_estimators=1_000_000, num_leaves=31, learning_rate=1e-6, n_jobs=1)
    started = time.time()
    slow.fit(X, y)
    loss, _ = callbacks.metric_fn(X, y, slow, [0, 1], X, y, config={"n_estimators": 1_000_000})
    assert time.time() - started < 1.2 + 1.0
    assert loss == float("inf")
    quick = lgbm(task="binary", n_estimators=10, num_leaves=7, n_jobs=1)
    quick.fit(X, y)
    loss, _ = callbacks.metric_fn(X, y, quick, [0, 1], X, y, config={"n_estimators": 10})
    assert math.isfinite(loss)
    timed_out, finished = [e for e in _events(tmp_path) if e["event"] == "iteration"]
    assert timed_out["status"] == "Failed" and timed_out.get("timed_out") is True
    assert "iteration_timeout_minutes" in timed_out["error"] and timed_out["metrics"] == {}
    assert finished["status"] == "Completed" and finished["is_best"] and finished["iteration"] == 1
    assert step.state.best.iteration == 1


def test_full_size_cost_covers_the_measured_growth_of_training_time():
    from app.backends.local.automl.fullsize import MARGIN, growth

    # measured: boosting 22,500 -> 900,000 rows 19-26x, 90,000 -> 900,000 7.3-10.9x; forests 40x rows 66-70x
    assert 26 <= MARGIN * growth("lgbm", 22_500, 900_000) <= 36
    assert 10.9 <= MARGIN * growth("xgb_limitdepth", 90_000, 900_000) <= 12
    assert 70 <= growth("rf", 22_500, 900_000) <= 100
    assert growth("lgbm", 50_000, 50_000) == growth("extra_tree", 50_000, 50_000) == 1


def test_rows_within_a_time_inverts_the_growth_of_training_time():
    from app.backends.local.automl.fullsize import MARGIN, growth, rows_within

    for learner in ("xgboost", "rf"):
        rows = rows_within(learner, 22_500, 0.5, 6.0)
        assert 22_500 < rows < 900_000
        assert MARGIN * 0.5 * growth(learner, 22_500, rows) == pytest.approx(6.0, rel=1e-3)
    assert rows_within("lgbm", 22_500, 0.5, 0.0) == 0


def test_forests_open_with_fewer_trees_when_their_first_fit_has_many_rows():
    from app.backends.local.automl.portfolio import starting_points

    small = starting_points(["rf", "extra_tree", "lgbm"], 10_000, True, fit_rows=6_666)
    big = starting_points(["rf", "extra_tree", "lgbm"], 1_000_000, True, fit_rows=22_500)
    assert small["rf"][0]["n_estimators"] == small["extra_tree"][0]["n_estimators"] == 75
    assert big["rf"][0]["n_estimators"] == 22 and big["lgbm"][0]["n_estimators"] == 100
