"""The bundled data-prep step: fitted on training data, applied with saved parameters."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

TITANIC_COLUMNS = ["Survived", "Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, run_script, titanic_csv, titanic_options):
    """The Titanic example, fitted through the command line once for the module."""
    out = tmp_path_factory.mktemp("fitted")
    done = run_script("dataprep.py", "--input", titanic_csv, "--output", out,
                      "--options", json.dumps(titanic_options), "--label", "Survived")
    assert done.returncode == 0, done.stderr
    return {"out": out, "stdout": done.stdout, "prepared": pd.read_parquet(out / "prepared.parquet"),
            "params": json.loads((out / "dataprep_params.json").read_text(encoding="utf-8"))}


def test_titanic_example_options_give_a_complete_numeric_frame(fitted):
    prepared = fitted["prepared"]
    assert "891 rows x 8 columns" in fitted["stdout"]
    assert list(prepared.columns) == TITANIC_COLUMNS
    assert len(prepared) == 891
    assert prepared.isna().sum().sum() == 0
    for col in ("Sex", "Embarked", "Age", "Fare"):
        assert pd.api.types.is_integer_dtype(prepared[col]), col
    assert set(prepared["Age"]) == set(range(5))
    assert set(prepared["Fare"]) == set(range(5))
    assert set(prepared["Sex"]) == {0, 1}
    # Two passengers have no port: "unknown" takes the code after S, C, Q.
    assert (prepared["Embarked"] == 3).sum() == 2
    assert set(prepared["Survived"]) == {0, 1}


def test_params_file_holds_what_was_learned(fitted):
    params = fitted["params"]
    assert params["label"] == "Survived"
    assert len(params["quantile_bins"]["Age"]["edges"]) == 6
    assert params["encode"]["Sex"]["codes"] == {"male": 0, "female": 1}
    assert params["encode"]["Embarked"]["other_code"] == 3
    assert params["impute_random"]["Age"]["kind"] == "values"
    assert params["columns"] == TITANIC_COLUMNS


def test_apply_on_the_training_rows_equals_the_fitted_output(fitted, run_script, titanic_csv, tmp_path):
    done = run_script("dataprep.py", "--input", titanic_csv, "--output", tmp_path,
                      "--apply-params", fitted["out"] / "dataprep_params.json")
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "prepared.parquet"), fitted["prepared"])
    saved = json.loads((tmp_path / "dataprep_params.json").read_text(encoding="utf-8"))
    assert saved == fitted["params"]


def test_apply_uses_the_saved_edges_not_new_ones(dataprep, fitted, titanic_csv):
    raw = dataprep.read_table(titanic_csv)
    extreme = raw.head(6).copy()
    extreme["Age"] = [0.05, 22.0, 30.0, 150.0, 400.0, np.nan]
    extreme["Fare"] = [0.0, 8.0, 30.0, 5000.0, 90000.0, np.nan]
    applied = dataprep.apply(extreme, fitted["params"])
    age_edges = fitted["params"]["quantile_bins"]["Age"]["edges"]
    fare_edges = fitted["params"]["quantile_bins"]["Fare"]["edges"]
    assert list(applied["Age"][:5]) == [0, 1, 2, 4, 4]
    assert list(applied["Fare"]) == [0, 1, 3, 4, 4, 0]   # the missing fare is filled with 0 first
    assert list(applied["Age"][:5]) == [int(np.searchsorted(age_edges[1:-1], v)) for v in extreme["Age"][:5]]
    assert list(applied["Fare"][:5]) == [int(np.searchsorted(fare_edges[1:-1], v)) for v in extreme["Fare"][:5]]
    # Fitting on these rows instead would spread them over all five bins.
    refitted, _ = dataprep.fit(extreme, {"fill_zero": ["Fare"], "quantile_bins": {"Fare": 5}})
    assert list(refitted["Fare"]) != list(applied["Fare"])


def test_same_values_get_the_same_bins_as_in_training(dataprep, fitted, titanic_csv):
    raw = dataprep.read_table(titanic_csv)
    rows = raw[raw["Age"].notna()].sample(40, random_state=1)
    applied = dataprep.apply(rows, fitted["params"])
    expected = fitted["prepared"].loc[rows.index]
    assert list(applied["Age"]) == list(expected["Age"])
    assert list(applied["Fare"]) == list(expected["Fare"])


def test_label_may_be_absent_when_applying(fitted, run_script, titanic_csv, tmp_path):
    unlabeled = tmp_path / "new.csv"
    pd.read_csv(titanic_csv).drop(columns=["Survived"]).head(20).to_csv(unlabeled, index=False)
    done = run_script("dataprep.py", "--input", unlabeled, "--output", tmp_path / "out",
                      "--apply-params", fitted["out"] / "dataprep_params.json", "--label", "Survived")
    assert done.returncode == 0, done.stderr
    prepared = pd.read_parquet(tmp_path / "out" / "prepared.parquet")
    assert list(prepared.columns) == [c for c in TITANIC_COLUMNS if c != "Survived"]
    pd.testing.assert_frame_equal(prepared, fitted["prepared"].drop(columns=["Survived"]).head(20))


def test_apply_refuses_data_missing_a_trained_column(dataprep, fitted, titanic_csv):
    raw = dataprep.read_table(titanic_csv).drop(columns=["Pclass"])
    with pytest.raises(dataprep.DataPrepError, match="column 'Pclass', which the parameters were fitted with"):
        dataprep.apply(raw, fitted["params"])


def test_option_naming_an_absent_column_exits_2(run_script, titanic_csv, tmp_path):
    data = tmp_path / "no_fare.csv"
    pd.read_csv(titanic_csv).drop(columns=["Fare"]).to_csv(data, index=False)
    done = run_script("dataprep.py", "--input", data, "--output", tmp_path / "out",
                      "--options", json.dumps({"fill_zero": ["Fare"]}))
    assert done.returncode == 2
    assert done.stderr.startswith(
        "dataprep: option 'fill_zero' names column 'Fare', which is not in the data (columns: PassengerId, ")
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "prepared.parquet").exists()


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"\n  \n", "is empty"),
    (b"a,b,c\n", "has a header but no data rows"),
])
def test_empty_and_header_only_files_exit_2(dataprep, tmp_path, capsys, content, expected):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    assert dataprep.main(["--input", str(data), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_missing_input_and_bad_options_exit_2(dataprep, titanic_csv, tmp_path, capsys):
    assert dataprep.main(["--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert dataprep.main(["--input", str(titanic_csv), "--output", str(tmp_path), "--options", "{drop"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert dataprep.main(["--input", str(titanic_csv), "--output", str(tmp_path),
                          "--options", '{"bins": {"Age": 3}}']) == 2
    assert "unknown option 'bins'" in capsys.readouterr().err
    assert dataprep.main(["--output", str(tmp_path)]) == 2
    assert "--input" in capsys.readouterr().err


def test_folder_input_concatenates_parts_and_sniffs_extensionless_files(dataprep, titanic_csv, tmp_path):
    raw = pd.read_csv(titanic_csv)
    parts = tmp_path / "parts"
    parts.mkdir()
    raw.iloc[:500].to_csv(parts / "part-0.csv", index=False)
    raw.iloc[500:].to_csv(parts / "part-1.csv", index=False)
    (parts / ".hidden.csv").write_text("x\n1\n")
    pd.testing.assert_frame_equal(dataprep.read_table(parts), raw)

    azure_style = tmp_path / "mounted"
    azure_style.mkdir()
    raw.to_parquet(azure_style / "prepared_data", index=False)
    (azure_style / "_SUCCESS").write_text("")
    pd.testing.assert_frame_equal(dataprep.read_table(azure_style), pd.read_parquet(azure_style / "prepared_data"))


def test_folder_mixing_formats_is_refused(dataprep, tmp_path):
    frame = pd.DataFrame({"a": [1, 2]})
    frame.to_csv(tmp_path / "a.csv", index=False)
    frame.to_parquet(tmp_path / "b.parquet", index=False)
    with pytest.raises(dataprep.DataPrepError, match="mixes CSV and Parquet"):
        dataprep.read_table(tmp_path)


def test_bom_and_semicolon_csv_are_read(dataprep, tmp_path):
    data = tmp_path / "bom.csv"
    data.write_bytes("\ufeffAge;Sex\n22;male\n38;female\n".encode("utf-8"))
    frame = dataprep.read_table(data)
    assert list(frame.columns) == ["Age", "Sex"]
    assert list(frame["Age"]) == [22, 38]


def test_seeded_imputation_is_reproducible(dataprep, titanic_csv):
    raw = dataprep.read_table(titanic_csv)
    gaps = raw["Age"].isna()
    first, params = dataprep.fit(raw, {"impute_random": ["Age"]})
    second, _ = dataprep.fit(raw, {"impute_random": ["Age"]})
    other_seed, _ = dataprep.fit(raw, {"impute_random": ["Age"], "seed": 7})
    pd.testing.assert_series_equal(first["Age"], second["Age"])
    assert not first["Age"][gaps].equals(other_seed["Age"][gaps])
    assert set(first["Age"][gaps]) <= set(raw["Age"].dropna())
    assert first["Age"][~gaps].equals(raw["Age"][~gaps])
    # Applying to new rows draws from the saved distribution, reproducibly.
    new = raw[gaps].head(10)
    assert dataprep.apply(new, params)["Age"].equals(dataprep.apply(new, params)["Age"])
    assert set(dataprep.apply(new, params)["Age"]) <= set(raw["Age"].dropna())


def test_large_distinct_columns_impute_from_saved_quantiles(dataprep):
    rng = np.random.default_rng(0)
    values = rng.normal(50, 10, 5000)
    values[::10] = np.nan
    frame = pd.DataFrame({"x": values})
    prepared, params = dataprep.fit(frame, {"impute_random": ["x"]})
    assert params["impute_random"]["x"]["kind"] == "quantiles"
    filled = prepared["x"][np.isnan(values)]
    assert filled.between(np.nanmin(values), np.nanmax(values)).all()
    json.dumps(params)


def test_duplicate_edges_and_unseen_categories(dataprep):
    frame = pd.DataFrame({"fare": [0, 0, 0, 0, 0, 0, 5, 10, 20, 40], "port": list("SSSCCQQSCX")})
    prepared, params = dataprep.fit(frame, {"quantile_bins": {"fare": 5}, "encode": {"port": ["S", "C", "Q"]}})
    bins = params["quantile_bins"]["fare"]["bins"]
    assert bins < 5
    assert sorted(set(prepared["fare"])) == list(range(bins))
    assert prepared["port"].iloc[-1] == 3
    new = pd.DataFrame({"fare": [-1, 1000], "port": ["Z", None]})
    applied = dataprep.apply(new, params)
    assert list(applied["fare"]) == [0, bins - 1]
    assert list(applied["port"]) == [3, 3]


def test_parquet_input_and_json_options_file(run_script, titanic_csv, titanic_options, tmp_path):
    data = tmp_path / "titanic.parquet"
    pd.read_csv(titanic_csv).to_parquet(data, index=False)
    options = tmp_path / "options.json"
    options.write_text(json.dumps(titanic_options), encoding="utf-8")
    done = run_script("dataprep.py", "--input", data, "--output", tmp_path / "out", "--options-file", options)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(tmp_path / "out" / "prepared.parquet")) == 891
