"""What a preview sample already proves about a time column, said before any run."""
from __future__ import annotations

import pandas as pd

from app.core.timeseries import sample_contradiction, sample_freq


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
