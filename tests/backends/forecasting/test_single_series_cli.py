"""One series whose only covariate is unknown at forecast time, from the command line: the run is
accepted, and the future rows are the time column alone (a one-column file)."""
from __future__ import annotations

import pandas as pd
import pytest

from app.cli import main

from tests.backends.forecasting.series_data import SHOP_SPEC, shop_workspace


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("shop_ws")
    shop_workspace(root)
    return root


def _cli(workspace, capsys, *argv):
    code = main(["--workspace", str(workspace / "ws"), *argv])
    return code, capsys.readouterr()


def test_next_periods_of_a_series_with_no_known_covariates(workspace, capsys):
    out = workspace / "next.csv"
    code, printed = _cli(workspace, capsys, "predict", "ShopForecast", "--periods", "6", "-o", str(out))
    assert code == 0, printed.err
    result = pd.read_csv(out)
    assert list(result.columns) == ["month", "prediction", "prediction_lower", "prediction_upper"]
    assert list(result.month) == [f"2021-{m:02d}-01" for m in range(1, 7)]
    assert result.prediction.between(250, 350).all()


def test_future_rows_given_as_the_time_column_alone(workspace, capsys):
    future, out = workspace / "future.csv", workspace / "out.csv"
    future.write_text("month\n2021-01-01\n2021-02-01\n2021-03-01\n", encoding="utf-8")
    code, printed = _cli(workspace, capsys, "predict", "ShopForecast", str(future), "-o", str(out))
    assert code == 0, printed.err
    assert len(pd.read_csv(out)) == 3 and "wrote 3 rows" in printed.out
    future.write_text("month;note\n2021-01-01;a\n2021-02-01;b\n", encoding="utf-8")     # as Excel saves it in Europe
    code, printed = _cli(workspace, capsys, "predict", "ShopForecast", str(future), "-o", str(out))
    assert code == 0, printed.err
    assert list(pd.read_csv(out).columns[:2]) == ["month", "note"] and "wrote 2 rows" in printed.out


def test_an_unknown_feature_the_data_does_not_have_is_refused_before_a_run_exists(workspace, capsys):
    spec = workspace / "absent.yaml"
    spec.write_text(SHOP_SPEC.replace("FEATURES", "visitors"), encoding="utf-8")
    code, printed = _cli(workspace, capsys, "runs", "list", "--json")
    runs_before = printed.out
    code, printed = _cli(workspace, capsys, "run", str(spec))
    assert code == 2 and printed.err.count("\n") == 1
    assert ("automl.forecasting.features_unknown_at_forecast_time: column 'visitors' is not in dataset shop_ds:1"
            in printed.err)
    assert _cli(workspace, capsys, "runs", "list", "--json")[1].out == runs_before


def test_a_frequency_that_is_not_one_gets_one_line_before_the_data_is_read(workspace, capsys):
    spec = workspace / "freq.yaml"
    spec.write_text(SHOP_SPEC.replace("FEATURES", "footfall").replace("forecast_horizon: 6",
                                                                      "forecast_horizon: 6\n    freq: monthly"))
    code, printed = _cli(workspace, capsys, "run", str(spec))
    assert code == 2 and printed.err.count("\n") == 1 and "Traceback" not in printed.err
    assert "automl.forecasting.freq: 'monthly' is not a frequency" in printed.err
