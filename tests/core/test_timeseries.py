"""What a preview sample already proves about a time column, said before any run."""
from __future__ import annotations

import pandas as pd

from app.core.timeseries import parse_times, sample_contradiction, sample_freq


def _two_stores() -> pd.DataFrame:
    weeks = pd.date_range("2024-01-01", periods=6, freq="W-MON").strftime("%Y-%m-%d").tolist()
    return pd.DataFrame({"week": weeks * 2, "store": ["A"] * 6 + ["B"] * 6, "price": [9.5, 10.0] * 6,
                         "units": range(12)})


def test_times_repeated_across_series_need_the_series_id():
    frame = _two_stores()
    assert sample_contradiction(frame, "week", []) == (
        "timestamps repeat within a series (e.g. 2024-01-01); each time may appear once per series: "
        "tick the columns that identify each series below")
    assert sample_contradiction(frame, "week", ["store"]) is None
    assert sample_freq(frame, "week", ["store"]) == ("W-MON", "")


def test_times_repeated_within_a_series_are_fine_when_aggregated():
    frame = _two_stores()
    frame.loc[1, "week"] = frame.loc[0, "week"]
    assert "tick another series ID column, or aggregate them" in sample_contradiction(frame, "week", ["store"])
    assert sample_contradiction(frame, "week", ["store"], aggregated=True) is None


def test_a_column_that_is_not_dates_names_a_plain_value():
    message = sample_contradiction(_two_stores(), "price", [])
    assert message == ("column 'price' has values that are not dates or times, like 9.5; "
                       "choose the date/time column or fix those rows")


def _days(fmt: str, periods: int = 40, start: str = "2021-01-01") -> pd.Series:
    return pd.Series(pd.date_range(start, periods=periods, freq="D").strftime(fmt))


def test_day_first_dates_with_dots_are_read_day_first_throughout():
    # Read element by element, 01.02.2021 became 2 January and 13.02.2021 13 February: a
    # daily series of dd.mm.yyyy dates (as a German spreadsheet writes them) turned into a shuffle.
    parsed, bad = parse_times(_days("%d.%m.%Y"))
    assert bad is None
    assert parsed.tolist() == list(pd.date_range("2021-01-01", periods=40, freq="D"))
    assert sample_freq(pd.DataFrame({"t": _days("%d.%m.%Y"), "y": range(40)}), "t", []) == ("D", "")


def test_slashed_dates_take_the_one_order_that_reads_them_all():
    uk, _ = parse_times(_days("%d/%m/%Y"))                              # 13/01/2021 is day first
    assert uk.tolist() == list(pd.date_range("2021-01-01", periods=40, freq="D"))
    us, _ = parse_times(_days("%m/%d/%Y"))                              # 01/13/2021 is month first
    assert us.tolist() == list(pd.date_range("2021-01-01", periods=40, freq="D"))
    # Days 1-12 fit both orders: the regular one wins (month first would jump a month a day).
    short, _ = parse_times(_days("%d/%m/%Y", periods=10))
    assert short.tolist() == list(pd.date_range("2021-01-01", periods=10, freq="D"))


def test_dotted_dates_with_times_and_two_digit_years():
    hours = pd.Series(pd.date_range("2021-03-01", periods=30, freq="h").strftime("%d.%m.%y %H:%M"))
    parsed, bad = parse_times(hours)
    assert bad is None and parsed.tolist() == list(pd.date_range("2021-03-01", periods=30, freq="h"))


def test_a_dotted_value_that_is_no_date_is_named():
    values = _days("%d.%m.%Y")
    values[5] = "31.02.2021"
    parsed, bad = parse_times(values)
    assert bad == "31.02.2021" and parsed.isna().sum() == 1
