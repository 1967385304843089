"""Time columns and their frequency: parsing, inferring the step, the regular grid, season lengths.

Pure pandas, shared by the local forecasting engine (which checks whole tables) and the wizard
(which shows the frequency it infers from the preview sample).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

YEAR_RANGE = (1000, 3000)          # whole numbers in this range read as years
SEASONS = {"h": 24, "min": 60, "D": 7, "B": 5, "W": 52, "M": 12, "Q": 4, "Y": 1, "S": 60}


def parse_times(values: pd.Series) -> tuple[pd.Series, object]:
    """(datetimes, None) or (NaT-holed datetimes, the first value that is not a date/time)."""
    present = values.dropna()
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        whole = present.astype(float).mod(1).eq(0).all()
        if whole and present.between(*YEAR_RANGE).all():
            return pd.to_datetime(values.astype("Int64").astype(str), format="%Y", errors="coerce"), None
        return pd.Series(pd.NaT, index=values.index), _plain(present.iloc[0]) if len(present) else None
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        text = values.astype(str).str.strip()
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if parsed.isna().sum() > values.isna().sum():
            found = numeric_date_format(text[values.notna()])
            parsed = None if found is None else found[1].reindex(values.index)
        if parsed is None or parsed.isna().sum() > values.isna().sum():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    bad = values[parsed.isna() & values.notna()]
    return parsed, (_plain(bad.iloc[0]) if len(bad) else None)


# Day, month and year in digits, as spreadsheets write them outside ISO: a dot is written day
# first (Germany, most of Europe); a slash or a dash either way (US month first, UK day first).
# One order must fit the whole column: element by element, "01.02.2021" read month first and
# "13.02.2021" day first, and a daily series turned into a shuffle.
_ORDERS = {".": ("%d.%m.", ), "/": ("%m/%d/", "%d/%m/"), "-": ("%d-%m-", "%m-%d-")}
_TIMES = ("", " %H:%M", " %H:%M:%S")
_FORMAT_SAMPLE = 2000
DATE_PROBE_ROWS = 50              # values of a text column tried as dates before the whole column


def numeric_date_format(text: pd.Series) -> tuple[str, pd.Series] | None:
    """The one digits-only date format that reads every value of `text`, and the values read
    with it; None when there is none. Two orders that both read every value (no day above 12)
    go by which gives the more regular steps; a tie keeps the first (month first for slashes,
    as pandas reads them)."""
    sample = text.head(_FORMAT_SAMPLE)
    first = sample.iloc[0] if len(sample) else ""
    separator = next((sep for sep in _ORDERS if sep in first[:6]), None)
    if separator is None:
        return None
    formats = [order + year + time for order in _ORDERS[separator] for year in ("%Y", "%y") for time in _TIMES]
    fitting = [f for f in formats if pd.to_datetime(sample, errors="coerce", format=f).notna().all()]
    whole = [(f, p) for f in fitting if (p := pd.to_datetime(text, errors="coerce", format=f)).notna().all()]
    if not whole:
        return None
    return min(whole, key=lambda found: found[1].drop_duplicates().sort_values().diff().nunique())


def date_text_format(values: pd.Series) -> str | None:
    """How a text column of dates or times reads (a CSV's dates are text; Azure's schema inference
    reads them as dates): its digits-only format ("%d.%m.%Y"), or "text" for ISO and other forms;
    None when it is no such column. Every value must have a digit and read as a date. A few
    values are tried first, so a column of names costs little; the whole column is read once."""
    present = values.dropna().astype(str)
    if present.empty or pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return None
    if not present.str.contains(r"\d").all() or parse_times(present.head(DATE_PROBE_ROWS))[1] is not None:
        return None
    text = present.str.strip()
    if pd.to_datetime(text, errors="coerce", format="ISO8601").notna().all():
        return "text"
    found = numeric_date_format(text)
    if found is not None:
        return found[0]
    return "text" if parse_times(present)[1] is None else None


def _plain(value):
    """A NumPy scalar as the Python value it holds, so messages show 10.5, not np.float64(10.5)."""
    return value.item() if hasattr(value, "item") else value


def season_length(freq: str) -> int:
    """Periods per season for a pandas frequency: 12 for monthly, 7 for daily, 24 for hourly…"""
    from pandas.tseries.frequencies import to_offset

    offset = to_offset(freq)
    code = offset.rule_code.split("-")[0]
    for prefix in ("ME", "MS", "BME", "BMS"):
        if code == prefix:
            code = "M"
    for prefix in ("QE", "QS", "BQE", "BQS"):
        if code == prefix:
            code = "Q"
    for prefix in ("YE", "YS", "BYE", "BYS", "A", "AS"):
        if code == prefix:
            code = "Y"
    if code == "min":
        return max(1, 60 // max(offset.n, 1))
    if code == "h":
        return max(1, 24 // max(offset.n, 1))
    return SEASONS.get(code, 1) if offset.n == 1 else 1


def on_grid(times: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex | None:
    """The regular grid from the first to the last time, or None when a time falls off it."""
    grid = pd.date_range(times[0], times[-1], freq=freq)
    if len(grid) == 0 or grid[0] != times[0] or not times.isin(grid).all():
        return None
    return grid


def infer_freq(series_times: list[pd.DatetimeIndex]) -> str | None:
    """pandas' inferred frequency of the longest series, else the one its most common step implies."""
    longest = max(series_times, key=len)
    if len(longest) >= 3:
        freq = pd.infer_freq(longest)
        if freq is not None:
            return freq
    if len(longest) < 2:
        return None
    steps = pd.Series(np.diff(longest.asi8))
    step = pd.Timedelta(int(steps.min()))
    days = step / pd.Timedelta(days=1)
    calendar = [("MS", 28, 31, longest.is_month_start), ("ME", 28, 31, longest.is_month_end),
                ("QS", 89, 92, longest.is_quarter_start), ("QE", 89, 92, longest.is_quarter_end),
                ("YS", 365, 366, longest.is_year_start), ("YE", 365, 366, longest.is_year_end)]
    for alias, low, high, flags in calendar:
        if low <= days <= high and flags.all():
            return alias
    from pandas.tseries.frequencies import to_offset

    return to_offset(step).freqstr


FREQ_WORDS = {"h": "hourly", "min": "minutes", "D": "daily", "B": "business days", "W": "weekly",
              "MS": "monthly, month start", "ME": "monthly, month end", "QS": "quarterly, quarter start",
              "QE": "quarterly, quarter end", "YS": "yearly, year start", "YE": "yearly, year end"}


def describe_freq(freq: str) -> str:
    """'MS' -> 'MS (monthly, month start)'."""
    base = "".join(ch for ch in freq.split("-")[0] if not ch.isdigit())
    word = FREQ_WORDS.get(base)
    return f"{freq} ({word})" if word else freq


def _sample_groups(frame: pd.DataFrame, time_column: str, series_ids: list[str]):
    """(each series' parsed times, '') or (None, what makes the time column unreadable)."""
    if time_column not in frame.columns:
        return None, f"column '{time_column}' is not in the data"
    times, bad = parse_times(frame[time_column])
    if bad is not None:
        return None, f"column '{time_column}' has values that are not dates or times, like {bad!r}"
    ids = [c for c in series_ids if c in frame.columns]
    data = pd.DataFrame({"t": times}).join(frame[ids]).dropna(subset=["t"])
    return ([g["t"] for _, g in data.groupby(ids, sort=False)] if ids else [data["t"]]), ""


def sample_contradiction(frame: pd.DataFrame, time_column: str, series_ids: list[str],
                         aggregated: bool = False) -> str | None:
    """What a sample of the table already proves wrong with the time column, or None. The whole
    table can only hold more of it: a time that repeats in the sample repeats in the table."""
    if time_column not in frame.columns:
        return None
    groups, why = _sample_groups(frame, time_column, series_ids)
    if groups is None:
        return f"{why}; choose the date/time column or fix those rows"
    repeated = next((g[g.duplicated()].iloc[0] for g in groups if g.duplicated().any()), None)
    if repeated is None or aggregated:
        return None
    fix = ("tick the columns that identify each series below" if not series_ids
           else "tick another series ID column, or aggregate them (target_aggregation_function with freq)")
    when = f"{repeated:%Y-%m-%d %H:%M:%S}".removesuffix(" 00:00:00")
    return f"timestamps repeat within a series (e.g. {when}); each time may appear once per series: {fix}"


def sample_freq(frame: pd.DataFrame, time_column: str, series_ids: list[str]) -> tuple[str | None, str]:
    """(frequency, '') inferred from a sample of the table, or (None, why it cannot be)."""
    groups, why = _sample_groups(frame, time_column, series_ids)
    if groups is None:
        return None, why
    if any(g.duplicated().any() for g in groups):
        return None, ("timestamps repeat within a series; tick the columns that identify each series"
                      if not series_ids else "timestamps repeat within a series; aggregate them or add a series ID column")
    stamps = [pd.DatetimeIndex(g.sort_values()) for g in groups]
    if all(len(s) < 2 for s in stamps):
        return None, "too few rows in the sample to infer the frequency"
    freq = infer_freq(stamps)
    return (freq, "") if freq else (None, "no regular frequency in the sample; set it")
