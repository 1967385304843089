"""Bad data files through `automl-desk datasets register` and `run`: a clear message, nothing recorded."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

WIDE_COLUMNS = 10_000


@pytest.mark.parametrize("content, fragment", [
    ("", "the file is empty"),
    ("a,b\n", "has a header but no data rows"),
    ("1,2,3\n4,5,6\n7,8,9\n", "holds numbers, not column names; add a header row"),
    ("just_one_column\n1\n2\n", "only one column was found (a dataset needs features and a label)"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "is a spreadsheet workbook or a ZIP archive, not delimited text; "
                                                "save the sheet as CSV"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "is not a text file; choose a CSV file"),
    ("a,a,b\n1,2,3\n", "duplicate column names ['a']; rename them so each is unique"),
    ("a,b\n1,2\n3,4,5\n6,7\n", "a row has more values than the header ('3,4,5'); check the delimiter"),
    ('a,b\n1,"never closed\n3,4\n', "malformed CSV (Error tokenizing data. C error: EOF inside string"),
    (b"a,b\n" + b"1,2\n" * 20_000 + b"3,caf\xe9\n", "not UTF-8 text further down the file; re-save the file as UTF-8"),
], ids=["empty", "header-only", "no-header", "one-column", "workbook", "binary", "duplicate-columns", "ragged-rows",
        "unclosed-quote", "late-latin-1"])
def test_unreadable_tables_are_refused(cli, write_file, content, fragment):
    err = cli.refused("datasets", "register", "bad", write_file("bad.csv", content))
    assert fragment in err and "bad.csv" in err


EUROPEAN = "Name;Fare;Ticket;Survived\r\nBjörk;7,25;00123;0\r\nCéline;1.071,5;A/5 21;1\r\n\"Smith; John\";-0,5;;0\r\n"


@pytest.mark.parametrize("content, form", [
    (EUROPEAN.encode("cp1252"), "semicolon-separated Windows-1252 text with decimal commas"),
    (EUROPEAN.encode("utf-8"), "semicolon-separated UTF-8 text with decimal commas"),
    (EUROPEAN.replace(";", "\t").replace('"Smith\t John"', "Smith, John").encode("utf-16"),
     "tab-separated UTF-16 text with decimal commas"),
    ("Name|Fare|Ticket|Survived\nBjörk|7.25|00123|0\nCéline|1071.5|A/5 21|1\nSmith; John|-0.5||0\n".encode(),
     "'|'-separated UTF-8 text"),
], ids=["excel-europe-cp1252", "semicolons-utf8", "excel-unicode-text", "pipes"])
def test_other_delimited_forms_are_registered_as_comma_separated_utf8(cli, write_file, content, form):
    # Excel saves "CSV" with semicolons and decimal commas in most of Europe, in the Windows code
    # page; "Unicode text" is tab-separated UTF-16. Each is read as it is and registered as the one
    # form the steps read, with the cells as they were: leading zeros, text, gaps.
    code, err = cli("datasets", "register", "eu", write_file("eu.csv", content))
    assert code == 0, err
    assert f"note: eu.csv was read as {form}; the dataset holds a comma-separated UTF-8 copy" in cli.out
    cli("datasets", "show", "eu", "--json")
    shown = json.loads(cli.out)
    assert shown["columns"] == ["Name", "Fare", "Ticket", "Survived"] and shown["rows"] == 3
    stored = Path(shown["path"]).read_text(encoding="utf-8")
    assert stored.splitlines()[:2] == ["Name,Fare,Ticket,Survived", "Björk,7.25,00123,0"]
    frame = pd.read_csv(shown["path"], dtype={"Ticket": str})
    assert frame.Fare.tolist() == [7.25, 1071.5, -0.5]
    assert frame.Name.tolist()[:2] == ["Björk", "Céline"] and frame.Name[2] in ("Smith; John", "Smith, John")
    assert frame.Ticket.tolist()[:2] == ["00123", "A/5 21"] and frame.Ticket.isna().tolist()[2]


def test_a_dataset_registered_from_a_european_csv_runs(cli, write_file, write_spec):
    rows = "".join(f"p{i};{i % 7},{i % 10};{(i * 3) % 5},5;{i % 2}\r\n" for i in range(60))
    code, err = cli("datasets", "register", "eu", write_file("eu.csv", f"id;a;b;y\r\n{rows}".encode("cp1252")))
    assert code == 0, err
    code, err = cli("run", write_spec(dataset="eu", data_prep=None,
                                      automl={"label_column_name": "y", "iterations": 2, "n_cross_validations": 3}))
    assert code == 0, err


def test_truncated_parquet_is_refused(cli, tmp_path, write_file):
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"a": list(range(500)), "b": [str(i) for i in range(500)]}), good)
    data = good.read_bytes()
    err = cli.refused("datasets", "register", "bad", write_file("cut.parquet", data[: len(data) // 2]))
    assert "cut.parquet: not a readable Parquet file" in err


def test_a_bom_is_dropped_from_the_first_column_name(cli, write_file):
    code, err = cli("datasets", "register", "bom", write_file("bom.csv", "\ufeffa,b\n1,2\n3,4\n"))
    assert code == 0, err
    code, _ = cli("datasets", "show", "bom", "--json")
    assert json.loads(cli.out)["columns"] == ["a", "b"]


def test_ten_thousand_columns_register_and_messages_stay_short(cli, ws, write_file, write_spec):
    header = ",".join(f"c{i}" for i in range(WIDE_COLUMNS))
    rows = "\n".join(",".join(str((i + r) % 3) for i in range(WIDE_COLUMNS)) for r in range(12))
    code, err = cli("datasets", "register", "wide", write_file("wide.csv", f"{header}\n{rows}\n"))
    assert code == 0, err
    err = cli.refused("run", write_spec(dataset="wide", data_prep=None, automl={"label_column_name": "nope"}))
    assert "column 'nope' is not in dataset wide:1" in err and " …)" in err
    assert len(err) < 1000, "the message lists every one of 10,000 columns"


def _register_and_run(cli, write_file, write_spec, csv: str, label: str, task: str = "classification") -> str:
    code, err = cli("datasets", "register", "data", write_file("data.csv", csv))
    assert code == 0, err
    metric = {"classification": "accuracy", "regression": "r2_score"}[task]
    return cli.refused("run", write_spec(dataset="data", data_prep=None,
                                         automl={"label_column_name": label, "task": task, "primary_metric": metric}))


def _rows(values) -> str:
    return "x,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))


@pytest.mark.parametrize("values, task, fragment", [
    (["a"] * 20, "classification", "column 'y' has only one class ('a'); classification needs at least two"),
    ([""] * 20, "classification", "column 'y' has no values (all missing); choose another label column"),
    ([1.5, "inf", 2.0, "-inf"] * 5, "regression", "column 'y' has 10 infinite value(s) (inf); a label must be finite"),
    ([1, "foo", 2, 3] * 5, "regression", "regression needs a numeric label; 'y' has values like 'foo'"),
    (["a", "b", "a", "", "", ""] + [""] * 14, "classification", "column 'y' has a value in only 3 row(s); AutoML needs at least 10"),
], ids=["one-class", "all-missing", "infinite", "mixed-types", "too-few-labelled"])
def test_unlearnable_labels_are_refused_before_a_run_exists(cli, write_file, write_spec, values, task, fragment):
    err = _register_and_run(cli, write_file, write_spec, _rows(values), "y", task)
    assert f"automl.label_column_name: {fragment}" in err


@pytest.mark.parametrize("name", ["../evil", "a/b", "a\\b", "a\0b", "x" * 300, "", ".hidden", "ok\n"],
                         ids=["dotdot", "slash", "backslash", "nul", "very-long", "empty", "leading-dot", "newline"])
def test_dataset_names_never_become_paths(cli, ws, write_file, name):
    err = cli.refused("datasets", "register", name, write_file("ok.csv", "a,b\n1,2\n"))
    assert "is not a dataset name; use letters, digits" in err
    assert sorted(p.name for p in (ws / "datastore" / "datasets").iterdir()) == ["titanic_ds"]


def test_lookups_with_path_like_names_find_nothing(cli):
    assert "no dataset '../titanic_ds'" in cli.refused("datasets", "show", "../titanic_ds")
    assert "no model '../x'" in cli.refused("models", "show", "../x")


def test_infinite_feature_values_are_imputed_like_gaps(cli, write_file, write_spec):
    """A real run on data whose feature holds inf: it completes, and the guardrails say what was done."""
    rows = "".join(f"{'inf' if i % 7 == 0 else ('-inf' if i % 11 == 0 else i * 0.1)},{i % 3},{i % 2}\n"
                   for i in range(60))
    code, err = cli("datasets", "register", "infs", write_file("infs.csv", "f,g,y\n" + rows))
    assert code == 0, err
    spec = write_spec(dataset="infs", data_prep=None, register=None, parameters=None,
                      automl={"label_column_name": "y", "iterations": 2, "experiment_timeout_hours": None,
                              "iteration_timeout_minutes": None, "experiment_timeout_minutes": 1,
                              "n_cross_validations": 2, "allowed_models": ["LogisticRegression"]})
    code, err = cli("run", spec)
    assert code == 0, err + cli.out
    assert "Completed" in cli.out


def test_infinite_feature_values_with_featurization_off():
    """featurization: off promises columns are used as given, so inf is refused, not silently imputed."""
    import pandas as pd

    from app.backends.local.automl.featurize import fit_featurizer
    from app.core.errors import UserInputError

    with pytest.raises(UserInputError, match="columns f have infinite values; replace them in data prep"):
        fit_featurizer(pd.DataFrame({"f": [1.0, float("inf"), 2.0], "g": [1, 2, 3]}), "off")
