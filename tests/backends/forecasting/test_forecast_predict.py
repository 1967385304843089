"""A forecasting pipeline run from the command line, then `predict` on future rows of several series."""
from __future__ import annotations

import pickle

import pandas as pd
import pytest

from app.cli import main

from tests.backends.forecasting.series_data import sales_table

H = 12
SPEC = """
experiment: sales_forecast
dataset: sales_ds
automl:
  task: forecasting
  label_column_name: sales
  iterations: 5
  experiment_timeout_minutes: 5
  allowed_models: [Naive, SeasonalNaive, ElasticNet, LightGBM]
  n_cross_validations: 2
  forecasting:
    time_column_name: month
    time_series_id_column_names: [store]
    forecast_horizon: 12
register:
  model_name: SalesForecast
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("forecast_ws")
    data = root / "sales.csv"
    sales_table(periods=72, stores=("A", "B", "C")).to_csv(data, index=False)
    spec = root / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    assert main(["--workspace", str(root / "ws"), "datasets", "register", "sales_ds", str(data)]) == 0
    assert main(["--workspace", str(root / "ws"), "run", str(spec)]) == 0
    return root


def _future(stores=("A", "B", "C"), start="2021-01-01", periods=H) -> pd.DataFrame:
    return pd.DataFrame([{"month": t.strftime("%Y-%m-%d"), "store": s, "promo": 0.0}
                         for s in stores for t in pd.date_range(start, periods=periods, freq="MS")])


def _predict(workspace, frame, capsys):
    path, out = workspace / "future.csv", workspace / "out.csv"
    out.unlink(missing_ok=True)
    frame.to_csv(path, index=False)
    code = main(["--workspace", str(workspace / "ws"), "predict", "SalesForecast", str(path), "-o", str(out)])
    return code, capsys.readouterr(), out


def test_predict_forecasts_every_future_row_of_every_series(workspace, capsys):
    code, printed, out = _predict(workspace, _future(), capsys)
    assert code == 0, printed.err
    result = pd.read_csv(out)
    assert list(result.columns) == ["month", "store", "promo", "prediction", "prediction_lower", "prediction_upper"]
    assert result.groupby("store").size().to_dict() == {"A": H, "B": H, "C": H}
    assert (result.prediction_lower < result.prediction).all() and (result.prediction < result.prediction_upper).all()
    # Each store keeps its own level (100 apart, on the same trend) and the trend goes on.
    means = result.groupby("store").prediction.mean()
    assert means["B"] - means["A"] == pytest.approx(100, abs=10) and means["C"] - means["B"] == pytest.approx(100, abs=10)
    assert means["A"] == pytest.approx(100 + 0.8 * 77.5, abs=8)


@pytest.mark.parametrize("frame, words", [
    (_future(periods=H + 1), "past the forecast horizon"),
    (_future(stores=("A", "Z")), "series id Z (store) was not in the training data"),
    (_future().drop(columns=["store"]), "need the columns store"),
    (_future(start="2020-06-01"), "not after the end of the training data"),
])
def test_bad_future_rows_get_one_line_and_exit_2(workspace, capsys, frame, words):
    code, printed, out = _predict(workspace, frame, capsys)
    assert code == 2 and words in printed.err and printed.err.count("\n") == 1
    assert not out.exists()


def test_predict_next_periods_builds_the_future_rows_itself(workspace, capsys):
    out = workspace / "next.csv"
    code = main(["--workspace", str(workspace / "ws"), "predict", "SalesForecast", "--periods", "5", "-o", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    result = pd.read_csv(out)
    assert result.groupby("store").size().to_dict() == {"A": 5, "B": 5, "C": 5}
    assert sorted(result.month.unique()) == ["2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01", "2021-05-01"]
    assert "the covariate promo was held at its last known value;" in printed.err
    code = main(["--workspace", str(workspace / "ws"), "predict", "SalesForecast", "--periods", "13", "-o", str(out)])
    assert code == 2 and "forecasts 1 to 12 periods ahead, not 13" in capsys.readouterr().err


def test_a_run_on_data_the_forecasting_block_contradicts_is_refused_before_it_starts(workspace, capsys):
    bad = sales_table(periods=40, stores=("A", "B"))
    bad.loc[3, "month"] = bad.loc[2, "month"]
    bad.to_csv(workspace / "bad.csv", index=False)
    ws = str(workspace / "ws")
    assert main(["--workspace", ws, "datasets", "register", "bad_ds", str(workspace / "bad.csv")]) == 0
    spec = workspace / "bad.yaml"
    spec.write_text(SPEC.replace("dataset: sales_ds", "dataset: bad_ds"))
    capsys.readouterr()
    runs_before = main(["--workspace", ws, "runs", "list", "--json"]) or capsys.readouterr().out
    assert main(["--workspace", ws, "run", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "automl.forecasting.time_column_name: 1 duplicate timestamps of series A" in err
    assert main(["--workspace", ws, "runs", "list", "--json"]) == 0
    assert capsys.readouterr().out == runs_before


def test_any_iteration_of_a_forecasting_run_registers_and_forecasts_as_it_did_in_the_search(workspace, capsys):
    import numpy as np

    from app.backends.local.automl.forecasting.rebuild import rebuild_iteration
    from app.backends.local.iteration_refit import _settings_file, _training_data
    from app.backends.local.workspace import LocalBackend

    backend = LocalBackend(workspace / "ws")
    run = backend.get_run(backend.list_runs(None)[0].run_id)
    by_number = {i.iteration: i for i in run.iterations}
    best = backend.register_iteration(run.run_id, run.best_iteration, "SalesBest")
    assert best.version == 1 and best.properties["refitted"] is False
    # Rebuilt, the saved best (a VotingEnsemble here, so its members too) forecasts exactly as saved.
    assert by_number[run.best_iteration].run_algorithm == "VotingEnsemble"
    rebuilt = rebuild_iteration(_settings_file(backend, run), _training_data(backend, run),
                                by_number[run.best_iteration], by_number)
    with open(backend.get_model("SalesBest", 1).path, "rb") as fh:
        saved = pickle.load(fh)
    future = _future()
    assert np.allclose(rebuilt.predict(future), saved.predict(future))
    assert np.allclose(rebuilt.predict_interval(future), saved.predict_interval(future))

    naive = next(i.iteration for i in run.iterations if i.run_algorithm == "Naive")
    version = backend.register_iteration(run.run_id, naive, "SalesNaive")
    assert version.properties["refitted"] is True and version.properties["run_algorithm"] == "Naive"
    path, out = workspace / "future_naive.csv", workspace / "naive.csv"
    _future().to_csv(path, index=False)
    assert main(["--workspace", str(workspace / "ws"), "predict", "SalesNaive", str(path), "-o", str(out)]) == 0
    forecast = pd.read_csv(out)
    history = sales_table(periods=72, stores=("A", "B", "C"))
    last = history.groupby("store").sales.last()
    assert np.allclose(forecast.prediction, forecast.store.map(last))     # Naive: each store's last value
    capsys.readouterr()
    assert main(["--workspace", str(workspace / "ws"), "predict", "SalesNaive", "--periods", "3", "-o", str(out)]) == 0
    assert "held at" not in capsys.readouterr().err        # Naive reads no covariate: none was held


def test_future_rows_with_a_gap_in_a_covariate_are_forecast_and_the_gap_is_said(workspace, capsys):
    frame = _future()
    frame.loc[3, "promo"] = None
    code, printed, out = _predict(workspace, frame, capsys)
    assert code == 0, printed.err
    assert "warning: promo: 1 row has no value; each series' last known value was used" in printed.err
    assert pd.read_csv(out).prediction.notna().all()


def test_gaps_in_a_file_predicted_in_chunks_are_said_once_with_their_total(workspace, capsys):
    frame = _future()
    frame.loc[[0, 5, 10], "promo"] = None                  # one gap in each of three chunks of four rows
    path, out = workspace / "future.csv", workspace / "out.csv"
    frame.to_csv(path, index=False)
    code = main(["--workspace", str(workspace / "ws"), "predict", "SalesForecast", str(path), "-o", str(out),
                 "--chunk-rows", "4"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert [line for line in err.splitlines() if "promo" in line] == [
        "warning: promo: 3 rows have no value; each series' last known value was used"]


def test_the_registered_model_records_the_statsforecast_it_was_trained_with(workspace):
    from importlib import metadata

    from app.backends.local.workspace import LocalBackend

    packages = LocalBackend(workspace / "ws").get_model("SalesForecast", None).properties["packages"]
    assert packages["statsforecast"] == metadata.version("statsforecast")


def test_runs_show_says_the_runs_warnings_each_once(workspace, capsys):
    from app.backends.local.workspace import LocalBackend

    run_id = LocalBackend(workspace / "ws").list_runs(None)[0].run_id
    assert main(["--workspace", str(workspace / "ws"), "runs", "show", run_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines.count("Warning: automl.forecasting.freq: not set; inferred 'MS' from the data") == 1


def test_all_series_forecast_together_as_each_does_alone(workspace):
    """The regression members forecast every series in one batch; it must split back exactly."""
    import numpy as np

    from app.backends.local.workspace import LocalBackend

    with open(LocalBackend(workspace / "ws").get_model("SalesForecast", None).path, "rb") as fh:
        model = pickle.load(fh)
    future = _future(periods=5)
    together = model.predict_with_interval(future)
    for store, rows in future.groupby("store").groups.items():
        alone = model.predict_with_interval(future.loc[rows])
        for whole, part in zip(together, alone):
            assert np.allclose(whole[np.asarray(rows)], part), store
