"""A table of time series -> regular series per id: time parsing, frequency, gaps, short series.

Every problem the data shows is a `Problem` at the `automl.forecasting` field it concerns, so
the same checks serve the pre-run data check (`datachecks`) and the AutoML step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from app.core.forecasting import PATH, ForecastSettings
from app.core.spec import Problem
from app.core.timeseries import infer_freq, on_grid, parse_times

MIN_TRAIN = 4                      # points a rolling origin trains on at the least
NO_GRID_EXAMPLES = 3


@dataclass
class SeriesSet:
    """Regular series, one per id tuple (`()` when the table holds one series)."""

    freq: str
    keys: list[tuple]
    times: dict[tuple, pd.DatetimeIndex]
    y: dict[tuple, np.ndarray]
    covariates: dict[tuple, pd.DataFrame]
    freq_inferred: bool = False
    filled: dict[tuple, int] = field(default_factory=dict)       # missing timestamps filled in
    padded: dict[tuple, int] = field(default_factory=dict)       # points added before a short series
    dropped: list[tuple] = field(default_factory=list)           # short series left out
    categories: dict[str, list] = field(default_factory=dict)    # non-numeric covariate -> known values

    def lengths(self) -> dict[tuple, int]:
        return {k: len(self.y[k]) for k in self.keys}


def key_text(key: tuple) -> str:
    return "the series" if not key else "series " + "/".join(map(str, key))


def _problem(key: str, message: str, level: str = "error") -> Problem:
    return Problem(f"{PATH}.{key}" if key else PATH, message, level)


def _read_columns(frame: pd.DataFrame, fs: ForecastSettings, label: str, problems: list) -> bool:
    missing = [(k, c) for k, c in [("time_column_name", fs.time_column)]
               + [("time_series_id_column_names", c) for c in fs.series_ids] if c not in frame.columns]
    for key, col in missing:
        problems.append(_problem(key, f"column '{col}' is not in the data (columns: "
                                      f"{', '.join(map(str, frame.columns[:30]))})"))
    for col in fs.unknown_features:
        if col not in frame.columns:
            problems.append(_problem("features_unknown_at_forecast_time", f"column '{col}' is not in the data"))
            missing.append(("features_unknown_at_forecast_time", col))
    if label not in frame.columns:
        problems.append(Problem("automl.label_column_name", f"column '{label}' is not in the data"))
        return False
    return not missing


def build_series(frame: pd.DataFrame, fs: ForecastSettings, label: str, n_folds: int,
                 covariates: list[str] | None = None) -> tuple[SeriesSet | None, list[Problem]]:
    """The regular series of `frame`, or None with the problems that prevent them."""
    problems: list[Problem] = []
    if not _read_columns(frame, fs, label, problems):
        return None, problems
    times, bad = parse_times(frame[fs.time_column])
    if bad is not None:
        problems.append(_problem("time_column_name", f"column '{fs.time_column}' has values that are not dates or "
                                 f"times, like {bad!r}; choose the date/time column or fix those rows"))
        return None, problems
    target = pd.to_numeric(frame[label], errors="coerce")
    keep = times.notna() & target.notna()
    if not keep.all():
        problems.append(_problem("", f"{int((~keep).sum())} rows with no time or no label were left out", "warning"))
    if covariates is None:
        used = {fs.time_column, label, *fs.series_ids}
        covariates = [c for c in frame.columns if c not in used]
    data = frame.loc[keep, [*fs.series_ids, *covariates]].copy()
    data["__time"] = times[keep]
    data["__y"] = target[keep].astype(float)
    categories = {c: sorted(map(str, data[c].dropna().unique()))
                  for c in covariates if not pd.api.types.is_numeric_dtype(data[c])}
    for col, values in categories.items():
        data[col] = pd.Categorical(data[col].astype(str), categories=values).codes.astype(float)
        data.loc[data[col] < 0, col] = np.nan
    groups = _groups(data, fs.series_ids)
    if fs.aggregation:
        groups = {k: _aggregate(g, fs.freq, fs.aggregation) for k, g in groups.items()}
    for key, g in groups.items():
        dupes = g["__time"][g["__time"].duplicated()]
        if len(dupes):
            where = f" of {key_text(key)}" if key else ""
            hint = ("; set time_series_id_column_names if the table holds several series" if not fs.series_ids
                    else "; aggregate them first (target_aggregation_function with freq)")
            problems.append(_problem("time_column_name", f"{len(dupes)} duplicate timestamps{where}, e.g. "
                                     f"{dupes.iloc[0]}: each time may appear once per series{hint}"))
            return None, problems
    ordered = {k: g.sort_values("__time") for k, g in groups.items()}
    freq, inferred = fs.freq, False
    if freq is None:
        freq, inferred = infer_freq([pd.DatetimeIndex(g["__time"]) for g in ordered.values()]), True
        if freq is None:
            problems.append(_problem("freq", "cannot be inferred: every series has a single point; "
                                             "register more data"))
            return None, problems
    result = SeriesSet(freq=freq, keys=[], times={}, y={}, covariates={}, freq_inferred=inferred,
                       categories=categories)
    for key, g in ordered.items():
        stamps = pd.DatetimeIndex(g["__time"])
        grid = on_grid(stamps, freq) if len(stamps) > 1 else stamps
        if grid is None:
            off = stamps[~stamps.isin(pd.date_range(stamps[0], stamps[-1], freq=freq))][:NO_GRID_EXAMPLES]
            shown = ", ".join(str(t) for t in off)
            if inferred:
                problems.append(_problem("time_column_name", f"the times of {key_text(key)} follow no regular "
                                         f"frequency (inferred '{freq}', but {shown} fall between its steps); "
                                         "set forecasting.freq, or aggregate with target_aggregation_function"))
            else:
                problems.append(_problem("freq", f"{key_text(key)} has times that are not on the '{freq}' grid, e.g. "
                                         f"{shown}; choose the data's frequency or aggregate with "
                                         "target_aggregation_function"))
            return None, problems
        values = g.set_index("__time")
        full = values.reindex(grid)
        filled = int(len(grid) - len(stamps))
        y = full["__y"].interpolate(method="linear", limit_direction="both").to_numpy(dtype=float)
        cov = full[covariates].ffill().bfill()
        result.keys.append(key)
        result.times[key], result.y[key], result.covariates[key] = grid, y, cov
        if filled:
            result.filled[key] = filled
    if inferred:
        problems.append(_problem("freq", f"not set; inferred '{freq}' from the data", "warning"))
    return result, problems


def _groups(data: pd.DataFrame, ids: list[str]) -> dict[tuple, pd.DataFrame]:
    if not ids:
        return {(): data}
    return {(k if isinstance(k, tuple) else (k,)): g for k, g in data.groupby(ids, sort=True, dropna=False)}


def _aggregate(g: pd.DataFrame, freq: str, how: str) -> pd.DataFrame:
    """Rows binned to `freq` periods: the target by `how`, covariates by their mean."""
    bins = g["__time"].dt.to_period(freq).dt.start_time
    other = [c for c in g.columns if c not in ("__time", "__y")]
    out = g.groupby(bins).agg({"__y": how, **{c: "mean" if pd.api.types.is_numeric_dtype(g[c]) else "first"
                                            for c in other}})
    return out.rename_axis("__time").reset_index()


@dataclass
class Origins:
    """Where the rolling origins fall: `n_folds` origins `step` apart, the last one a horizon from the end."""

    n_folds: int
    step: int
    required: int                # points a series needs for every origin to train on MIN_TRAIN or more
    rule: str = ""


def plan_origins(series: SeriesSet, fs: ForecastSettings, n_folds: int) -> tuple[Origins | None, list[Problem]]:
    """Fold spacing from cv_step_size ('auto': a full horizon, shortened to fit the longest series)."""
    h = fs.horizon
    longest = max(series.lengths().values())
    least = MIN_TRAIN + h + (n_folds - 1)
    if longest < least:
        return None, [_problem("forecast_horizon", f"forecast_horizon {h} with {n_folds} rolling origins needs a "
                               f"series of at least {least} points ({MIN_TRAIN} to train on, {h} to forecast, "
                               f"one more per further origin); the longest has {longest}: lower forecast_horizon "
                               "or n_cross_validations")]
    if fs.cv_step_size == "auto":
        step = h if n_folds == 1 else max(1, min(h, (longest - MIN_TRAIN - h) // (n_folds - 1)))
    else:
        step = int(fs.cv_step_size)
        if MIN_TRAIN + h + (n_folds - 1) * step > longest:
            return None, [_problem("cv_step_size", f"{n_folds} origins {step} periods apart with forecast_horizon "
                                   f"{h} need {MIN_TRAIN + h + (n_folds - 1) * step} points; the longest series "
                                   f"has {longest}: lower cv_step_size or n_cross_validations")]
    required = MIN_TRAIN + h + (n_folds - 1) * step
    rule = (f"rolling-origin cross-validation: {n_folds} origins {step} period(s) apart, each forecasting "
            f"{h} period(s) ahead")
    return Origins(n_folds, step, required, rule), []


def handle_short(series: SeriesSet, fs: ForecastSettings, origins: Origins) -> list[Problem]:
    """Drop or pad series shorter than `origins.required`, as short_series_handling_configuration says."""
    lengths = series.lengths()
    short = [k for k, n in lengths.items() if n < origins.required]
    if not short:
        return []
    how = fs.short_series
    shown = ", ".join(f"{key_text(k)} ({lengths[k]})" for k in short[:5]) + (" …" if len(short) > 5 else "")
    if how is None:
        return [_problem("short_series_handling_configuration", f"{len(short)} series are shorter than the "
                         f"{origins.required} points the rolling origins need: {shown}; set 'drop' or 'pad', "
                         "or lower forecast_horizon or n_cross_validations")]
    if how == "auto":
        how = "drop" if len(short) < len(lengths) else "pad"
    if how == "drop":
        if len(short) == len(lengths):
            return [_problem("short_series_handling_configuration", f"every series is shorter than the "
                             f"{origins.required} points needed ({shown}); use 'pad' or lower forecast_horizon")]
        for k in short:
            series.keys.remove(k)
            series.dropped.append(k)
        return [_problem("short_series_handling_configuration", f"{len(short)} short series were left out "
                         f"(fewer than {origins.required} points): {shown}", "warning")]
    for k in short:
        _pad(series, k, origins.required - lengths[k])
    return [_problem("short_series_handling_configuration", f"{len(short)} short series were padded at the start "
                     f"with their first value to {origins.required} points: {shown}", "warning")]


def _pad(series: SeriesSet, key: tuple, n: int) -> None:
    times = series.times[key]
    before = pd.date_range(end=times[0], periods=n + 1, freq=series.freq)[:-1]
    series.times[key] = before.append(times)
    series.y[key] = np.concatenate([np.full(n, series.y[key][0]), series.y[key]])
    cov = series.covariates[key]
    head = pd.DataFrame([cov.iloc[0].to_dict()] * n, index=before, columns=cov.columns)
    series.covariates[key] = pd.concat([head, cov])
    series.padded[key] = n


def check_table(frame: pd.DataFrame, fs: ForecastSettings, label: str, n_folds: int) -> list[Problem]:
    """Every problem of the data for this forecasting block (the pre-run data check)."""
    series, problems = build_series(frame, fs, label, n_folds, covariates=[])
    if series is None:
        return problems
    origins, more = plan_origins(series, fs, n_folds)
    problems += more
    if origins is not None:
        problems += handle_short(series, fs, origins)
    return problems
