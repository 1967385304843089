"""Chunked previews, profiles and label checks (plain functions, no Qt)."""
from __future__ import annotations

import pytest

from app.core.errors import UserInputError
from app.ui.data_preview import check_label, iter_file_chunks, label_problem, profile, read_file_head


def test_head_reads_only_the_first_chunks(tmp_path):
    data = tmp_path / "big.csv"
    rows = "".join(f"{i},{i % 3}\n" for i in range(300_000))
    # A broken tail proves the file is never read to its end.
    data.write_bytes(b"a,b\n" + rows.encode() + b"\xff\xfe broken \x00\n" * 10)
    head = read_file_head(data, rows=300)
    assert len(head) == 300 and list(head.columns) == ["a", "b"]


def test_unreadable_file_says_what_to_do(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 40)
    with pytest.raises(UserInputError, match="bad.csv: is not a text file; choose a CSV file"):
        read_file_head(bad)
    with pytest.raises(UserInputError, match="file not found"):
        read_file_head(tmp_path / "missing.csv")


def test_parquet_chunks(tmp_path):
    import pandas as pd

    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": range(1200), "b": ["x"] * 1200}).to_parquet(path)
    chunks = list(iter_file_chunks(path, chunk_rows=500))
    assert [len(c) for c in chunks] == [500, 500, 200]


def test_profile_counts_missing_and_distinct():
    import pandas as pd

    frame = pd.DataFrame({"n": [1.0, None, 3.0, 3.0], "s": ["a", "b", None, None]})
    by_name = {p.name: p for p in profile(frame)}
    assert (by_name["n"].dtype, by_name["n"].missing_pct, by_name["n"].distinct) == ("decimal", 25.0, 2)
    assert (by_name["s"].dtype, by_name["s"].missing_pct, by_name["s"].distinct) == ("text", 50.0, 2)


def test_label_checks():
    import pandas as pd

    assert "single value" in label_problem(pd.Series([1, 1, None]), "y")
    assert "no values" in label_problem(pd.Series([None, None]), "y")
    assert label_problem(pd.Series([0, 1]), "y") is None


def test_sorted_label_is_checked_past_the_sample():
    import pandas as pd

    sample = pd.DataFrame({"y": [0] * 10})
    rest = iter([pd.DataFrame({"y": [0] * 10}), pd.DataFrame({"y": [1]})])
    assert check_label(sample, "y", rest) is None
    assert "single value" in check_label(sample, "y", iter([pd.DataFrame({"y": [0]})]))
    assert "not a column" in check_label(sample, "z")
