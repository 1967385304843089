"""The registered forecasting model: forecasts from a frame of future rows.

Like Azure's forecasting models, `predict(frame)` takes the time column, the series ids and the
known covariates of the periods to forecast, and returns one forecast per row. Rows must fall
within the horizon after the end of the training data of their series.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

INTERVAL_Z = 1.645            # a 90% interval under normal errors
MAX_LISTED = 5


class ForecastModel:
    def __init__(self, forecaster, time_column: str, series_ids: list[str], label: str, freq: str, horizon: int,
                 covariates: list[str], categories: dict, last_times: dict, scales: dict, sigmas: list[float],
                 last_covariates: dict, years_as_numbers: bool = False):
        self.forecaster = forecaster
        self.time_column, self.series_ids, self.label = time_column, list(series_ids), label
        self.freq, self.horizon = freq, horizon
        self.covariates, self.categories = list(covariates), dict(categories)
        self.last_times, self.scales, self.sigmas = last_times, scales, list(sigmas)
        self.last_covariates = last_covariates
        self.years_as_numbers = years_as_numbers       # the time column held whole years like 1999

    # -- the frame of future rows --------------------------------------------------------------
    @property
    def required_columns(self) -> list[str]:
        need = [self.time_column, *self.series_ids]
        return need + (self.covariates if self.forecaster.uses_covariates else [])

    def _keys(self, frame: pd.DataFrame) -> list[tuple]:
        known = {tuple(map(str, k)): k for k in self.last_times}
        if not self.series_ids:
            return [()] * len(frame)
        texts = list(frame[self.series_ids].astype(str).itertuples(index=False, name=None))
        unknown = sorted({t for t in texts if t not in known})
        if unknown:
            listed = ", ".join("/".join(t) for t in sorted(known)[:MAX_LISTED])
            raise ValueError(f"series id {'/'.join(unknown[0])} ({', '.join(self.series_ids)}) was not in the training "
                             f"data; the model forecasts {len(known)} series: {listed}"
                             f"{' …' if len(known) > MAX_LISTED else ''}")
        return [known[t] for t in texts]

    def _steps(self, keys: list[tuple], times: pd.Series) -> np.ndarray:
        steps = np.zeros(len(times), dtype=int)
        for key, rows in _rows_by_key(keys).items():
            last = self.last_times[key]
            grid = pd.date_range(last, periods=self.horizon + 1, freq=self.freq)
            position = grid.get_indexer(pd.DatetimeIndex(times.iloc[rows]))
            for i, p in zip(rows, position):
                t = times.iloc[i]
                if p > 0:
                    steps[i] = p
                elif t <= last:
                    raise ValueError(f"row {i + 1}: {_when(t)} is not after the end of the training data of "
                                     f"{_name(key)} ({_when(last)}); forecast rows must be later")
                elif t > grid[-1]:
                    raise ValueError(f"row {i + 1}: {_when(t)} is past the forecast horizon: the model forecasts "
                                     f"{self.horizon} periods after {_when(last)} (to {_when(grid[-1])}); retrain "
                                     "with a longer forecast_horizon or on more recent data")
                else:
                    raise ValueError(f"row {i + 1}: {_when(t)} is not on the model's '{self.freq}' time grid "
                                     f"(next periods: {', '.join(_when(g) for g in grid[1:4])} …)")
        return steps

    def _prepared(self, frame: pd.DataFrame):
        from app.core.timeseries import parse_times

        missing = [c for c in self.required_columns if c not in frame.columns]
        if missing:
            raise ValueError(f"the future rows need the columns {', '.join(missing)} (the time column"
                             f"{', the series ids' if self.series_ids else ''} and the covariates the model "
                             "uses); add them")
        times, bad = parse_times(frame[self.time_column])
        if bad is not None or times.isna().any():
            raise ValueError(f"column '{self.time_column}' has values that are not dates or times, like {bad!r}")
        keys = self._keys(frame)
        steps = self._steps(keys, times.reset_index(drop=True))
        cov = frame[[c for c in self.covariates if c in frame.columns]].copy()
        for col, values in self.categories.items():
            if col in cov.columns:
                cov[col] = pd.Categorical(cov[col].astype(str), categories=values).codes.astype(float)
                cov.loc[cov[col] < 0, col] = np.nan
        for col in self.covariates:
            if col not in cov.columns:
                cov[col] = np.nan
        return keys, steps, cov.reset_index(drop=True)

    def future_warnings(self, frame: pd.DataFrame) -> list[str]:
        """What `predict` reads otherwise than written: covariate values it has not seen in training,
        and gaps, both taken as each series' last known value."""
        return self.describe_findings(self.future_findings(frame))

    def future_findings(self, frame: pd.DataFrame) -> dict[str, tuple[set[str], int]]:
        """Per covariate the model reads: (values unseen in training, rows with no value). Kept
        apart from their wording so a file predicted in chunks is reported once, in sums."""
        used = self.covariates if self.forecaster.uses_covariates else []
        found = {}
        for col in (c for c in used if c in frame.columns):
            values = frame[col]
            known = self.categories.get(col)
            unseen = {str(v) for v in values.dropna()} - set(known) if known is not None else set()
            gaps = int(values.isna().sum())
            if unseen or gaps:
                found[col] = (unseen, gaps)
        return found

    def describe_findings(self, findings: dict[str, tuple[set[str], int]]) -> list[str]:
        lines = []
        for col, (unseen, gaps) in findings.items():
            if unseen:
                known = self.categories.get(col, [])
                shown = ", ".join(f"'{v}'" for v in sorted(unseen)[:MAX_LISTED])
                lines.append(f"{col}: {shown} not in the training data (it had {', '.join(known[:MAX_LISTED])}"
                             f"{' …' if len(known) > MAX_LISTED else ''}); read as each series' last known value")
            if gaps:
                rows = "1 row has" if gaps == 1 else f"{gaps} rows have"
                lines.append(f"{col}: {rows} no value; each series' last known value was used")
        return lines

    # -- forecasts -------------------------------------------------------------------------------
    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self._forecast(*self._prepared(frame))

    def _forecast(self, keys: list[tuple], steps: np.ndarray, cov: pd.DataFrame) -> np.ndarray:
        groups = {key: np.array(rows) for key, rows in _rows_by_key(keys).items()}
        requests = []
        for key, rows in groups.items():
            future = cov.iloc[rows].copy()
            fill = self.last_covariates.get(key, {})
            for col in self.covariates:
                future[col] = future[col].fillna(fill.get(col, np.nan))
            requests.append((key, steps[rows], future))
        out = np.zeros(len(keys))
        for rows, pred in zip(groups.values(), self.forecaster.forecast_many(requests)):
            out[rows] = pred
        return out

    def predict_interval(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) of a 90% interval from the rolling-origin errors at each horizon step."""
        return self.predict_with_interval(frame)[1:]

    def predict_with_interval(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(forecast, lower, upper), forecasting once."""
        keys, steps, cov = self._prepared(frame)
        pred = self._forecast(keys, steps, cov)
        width = np.array([INTERVAL_Z * self.sigmas[s - 1] * self.scales[k] for k, s in zip(keys, steps)])
        return pred, pred - width, pred + width

    def future_frame(self, periods: int) -> pd.DataFrame:
        """The next `periods` rows of every series, for "next N periods": the time column (written as
        the training data wrote it when that was whole years), the ids and each covariate at its last
        known value (edit them when their future values are known)."""
        if not 1 <= periods <= self.horizon:
            raise ValueError(f"the model forecasts 1 to {self.horizon} periods ahead, not {periods}")
        rows = []
        for key, last in self.last_times.items():
            known = {c: self._raw(c, v) for c, v in self.last_covariates.get(key, {}).items()}
            for t in pd.date_range(last, periods=periods + 1, freq=self.freq)[1:]:
                when = t.year if getattr(self, "years_as_numbers", False) else t
                rows.append({self.time_column: when, **dict(zip(self.series_ids, key)), **known})
        return pd.DataFrame(rows, columns=[self.time_column, *self.series_ids, *self.covariates])

    def _raw(self, column: str, value):
        """A covariate's value as the user wrote it (category codes back to their text)."""
        values = self.categories.get(column)
        if values is None or value is None or pd.isna(value):
            return value
        return values[int(value)]


def _rows_by_key(keys: list[tuple]) -> dict[tuple, list[int]]:
    """Each series' row positions, in one pass (a scan per series was quadratic in the series count)."""
    rows: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        rows.setdefault(key, []).append(i)
    return rows


def _name(key: tuple) -> str:
    return "the series" if not key else "series " + "/".join(map(str, key))


def _when(t) -> str:
    """A timestamp as a person writes it: the date alone when it is midnight."""
    t = pd.Timestamp(t)
    return t.strftime("%Y-%m-%d") if t == t.normalize() else str(t)
