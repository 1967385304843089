"""Lag, rolling-window, calendar and holiday features for the regression learners.

Direct multi-horizon rows: one row per (origin t, step k), features from the series up to
t only, the target the change y[t+k] - y[t]. Everything is divided by the series' scale (its
mean absolute step), so one model learns across series of any size, and trees, which cannot
extrapolate a level, forecast changes and so follow a trend.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_TRAIN_ROWS = 120_000          # (origin, step) rows kept for training; the most recent origins first
CALENDAR = {"month": 12, "quarter": 4, "dayofweek": 7, "hour": 24, "dayofyear": 366}


@dataclass
class FeaturePlan:
    horizon: int
    season: int
    lags: list[int]
    window: int
    calendar: list[str]
    covariates: list[str]                 # known at forecast time, taken at the target time
    at_origin: list[str] = field(default_factory=list)   # unknown at forecast time: their value at the origin
    series_codes: dict[tuple, int] = field(default_factory=dict)
    holidays_country: str | None = None
    freq: str = "D"

    def columns(self) -> list[str]:
        cols = ["step", *(f"change_{j}" for j in self.lags), "window_mean", "window_std", "drift"]
        if self.season > 1:
            cols += ["seasonal_ref", "seasonal_trend", "season_change"]
        cols += [f"cal_{c}" for c in self.calendar]
        if self.holidays_country:
            cols.append("holiday")
        if len(self.series_codes) > 1:
            cols.append("series")
        return cols + [f"x_{c}" for c in self.covariates] + [f"x_{c}_at_origin" for c in self.at_origin]


def plan_features(freq_season: int, horizon: int, lags: list[int] | None, window, freq: str,
                  covariates: list[str], keys: list[tuple], holidays_country: str | None,
                  shortest: int, at_origin: list[str] | None = None) -> FeaturePlan:
    season = freq_season if shortest >= 2 * freq_season else 1
    if lags is None:
        lags = sorted({1, 2, 3, *([season] if season > 1 else [])})
    window = (max(3, season) if window == "auto" else int(window))
    return FeaturePlan(horizon=horizon, season=season, lags=[j for j in lags if j >= 1], window=window,
                       calendar=calendar_fields(freq), covariates=list(covariates), at_origin=list(at_origin or []),
                       series_codes={k: i for i, k in enumerate(keys)},
                       holidays_country=holidays_country if _holidays_usable(holidays_country, freq) else None,
                       freq=freq)


def calendar_fields(freq: str) -> list[str]:
    """Calendar parts that vary at this frequency: month for monthly data, weekday and hour for hourly…"""
    from pandas.tseries.frequencies import to_offset

    step = pd.Timedelta(days=1)
    try:
        offset = to_offset(freq)
        step = pd.Timedelta(offset.nanos)
    except ValueError:        # calendar offsets (months, quarters, years) have no fixed length
        code = to_offset(freq).rule_code[0]
        return {"M": ["month", "quarter"], "Q": ["quarter"], "W": ["month"], "B": ["dayofweek", "month"]}.get(code, [])
    if step < pd.Timedelta(days=1):
        return ["hour", "dayofweek", "month"]
    if step < pd.Timedelta(days=7):
        return ["dayofweek", "dayofyear", "month"]
    return ["month"] if step < pd.Timedelta(days=28) else []


def _holidays_usable(country: str | None, freq: str) -> bool:
    if not country:
        return False
    try:
        import holidays  # noqa: F401 - optional package
    except ImportError:
        return False
    return holidays_apply(freq)


def holidays_apply(freq: str) -> bool:
    """A holiday is a day: a feature of daily and finer data, of no use for weekly or monthly data."""
    return "dayofweek" in calendar_fields(freq)


def unused_settings(plan: FeaturePlan, fs, season: int, shortest: int, freq: str) -> list[str]:
    """Warnings for the forecasting settings the data leaves without effect, so none is dropped unsaid."""
    out = []
    if season > 1 and plan.season == 1:
        what = "seasonality" if fs.seasonality != "auto" else f"the season of frequency {freq}"
        out.append(f"{what} ({season} periods) has no effect: it needs series of at least {2 * season} points and "
                   f"the shortest has {shortest}; seasonal models and the seasonal lag are left out")
    if fs.rolling_window != "auto" and plan.window > shortest:
        out.append(f"target_rolling_window_size {plan.window} is longer than the shortest series ({shortest} points); "
                   "its rolling features hold only the points there are")
    if fs.holidays_country and not holidays_apply(freq):
        out.append(f"country_or_region_for_holidays has no effect at frequency {freq}: holidays are days, so they "
                   "are features of daily and hourly data only")
    return out


def scale_of(y: np.ndarray) -> float:
    """Mean absolute one-step change (the naive forecast's error), else the spread, else 1."""
    if len(y) > 1:
        s = float(np.mean(np.abs(np.diff(y))))
        if s > 0:
            return s
    s = float(np.std(y)) if len(y) else 0.0
    return s if s > 0 else 1.0


def _at(y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    out = np.full(idx.shape, np.nan)
    ok = idx >= 0
    out[ok] = y[idx[ok]]
    return out


def rows(plan: FeaturePlan, key: tuple, y: np.ndarray, scale: float, t: np.ndarray, k: np.ndarray,
         target_times: pd.DatetimeIndex, covariates: pd.DataFrame | None,
         at_origin: pd.DataFrame | None = None) -> np.ndarray:
    """Feature matrix for origins `t` (positions in y) and steps `k`; only y[..t] is read.
    `covariates` holds the known covariates at the target times, `at_origin` the unknown ones
    at the origins (as Azure lags features unknown at forecast time)."""
    last = y[t]
    cols = [k.astype(float)]
    cols += [(last - _at(y, t - j)) / scale for j in plan.lags]
    window = np.lib.stride_tricks.sliding_window_view(np.concatenate([np.full(plan.window - 1, np.nan), y]),
                                                      plan.window)
    win = window[t]
    with np.errstate(all="ignore"), _quiet():
        cols.append((np.nanmean(win, axis=1) - last) / scale)
        cols.append(np.nanstd(win, axis=1) / scale)
    back = np.minimum(t, max(plan.season, 4))
    with np.errstate(all="ignore"):
        cols.append(np.where(back > 0, (last - y[t - back]) / np.maximum(back, 1) / scale * k, 0.0))
    if plan.season > 1:
        m = plan.season
        seasons_back = np.ceil(k / m).astype(int)
        ref = (_at(y, t + k - m * seasons_back) - last) / scale
        change = (last - _at(y, t - m)) / scale
        cols += [ref, ref + seasons_back * change, change]
    cols += [_calendar(target_times, c) for c in plan.calendar]
    if plan.holidays_country:
        cols.append(_holiday_flags(target_times, plan.holidays_country))
    if len(plan.series_codes) > 1:
        cols.append(np.full(len(t), float(plan.series_codes.get(key, -1))))
    if plan.covariates:
        values = covariates[plan.covariates].to_numpy(dtype=float)
        cols += [values[:, i] for i in range(values.shape[1])]
    if plan.at_origin:
        values = at_origin[plan.at_origin].to_numpy(dtype=float)
        cols += [values[:, i] for i in range(values.shape[1])]
    return np.nan_to_num(np.column_stack(cols), nan=0.0, posinf=0.0, neginf=0.0)


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def _calendar(times: pd.DatetimeIndex, name: str) -> np.ndarray:
    return np.asarray(getattr(times, name), dtype=float)


def _holiday_flags(times: pd.DatetimeIndex, country: str) -> np.ndarray:
    import holidays

    days = holidays.country_holidays(country.upper(), years=sorted(set(times.year.tolist())))
    return np.asarray(times.normalize().isin(pd.DatetimeIndex(list(days.keys()))), dtype=float)


def training_rows(plan: FeaturePlan, key: tuple, y: np.ndarray, times: pd.DatetimeIndex,
                  covariates: pd.DataFrame, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Every (origin, step) of one series whose target lies inside y; targets scaled changes."""
    n = len(y)
    ts, ks = [], []
    for k in range(1, plan.horizon + 1):
        t = np.arange(0, n - k)
        ts.append(t)
        ks.append(np.full(len(t), k))
    t, k = np.concatenate(ts), np.concatenate(ks)
    X = rows(plan, key, y, scale, t, k, times[t + k], covariates.iloc[t + k] if plan.covariates else None,
             covariates.iloc[t] if plan.at_origin else None)
    return X, (y[t + k] - y[t]) / scale


def stack_training(plan: FeaturePlan, histories: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """All series' training rows, cut to MAX_TRAIN_ROWS (random rows, the latest origins kept)."""
    parts = [training_rows(plan, key, h.y, h.times, h.covariates, h.scale) for key, h in histories.items()]
    X = np.vstack([p[0] for p in parts])
    target = np.concatenate([p[1] for p in parts])
    if len(target) > MAX_TRAIN_ROWS:
        keep = np.random.default_rng(seed).choice(len(target), MAX_TRAIN_ROWS, replace=False)
        X, target = X[keep], target[keep]
    return X, target
