"""ForecastingParameters: the nested `forecasting:` block, its defaults and the checks that need no data.

Names and value sets follow `azureml.automl.core.forecasting_parameters.ForecastingParameters`,
so the block passes to Azure unchanged. What the data contradicts (a time column that does not
parse, duplicate timestamps, gaps, too short series) is checked against the data by the local
backend (`app.backends.local.automl.forecasting.series`).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

KEYS = (
    "time_column_name", "forecast_horizon", "time_series_id_column_names", "target_lags",
    "feature_lags", "target_rolling_window_size", "country_or_region_for_holidays", "seasonality",
    "use_stl", "short_series_handling_configuration", "freq", "target_aggregation_function",
    "cv_step_size", "features_unknown_at_forecast_time",
)
SHORT_SERIES_CHOICES = ("auto", "pad", "drop", None)
AGGREGATIONS = ("sum", "max", "min", "mean")
DEFAULT_FOLDS = 3            # rolling origins when n_cross_validations is not set
PATH = "automl.forecasting"
# Settings kept for Azure that the local engine does not act on.
NO_LOCAL_EFFECT = ("use_stl", "feature_lags")


@dataclass
class ForecastSettings:
    """The block with defaults filled in; "auto" is kept where the data decides."""

    time_column: str
    horizon: int = 1
    series_ids: list[str] = field(default_factory=list)
    freq: str | None = None
    target_lags: object = "auto"            # "auto", an int or a list of ints
    rolling_window: object = "auto"         # "auto" or an int
    seasonality: object = "auto"            # "auto" or an int
    holidays_country: str | None = None
    short_series: str | None = "auto"
    cv_step_size: object = "auto"
    feature_lags: str | None = None
    aggregation: str | None = None
    unknown_features: list[str] = field(default_factory=list)

    @classmethod
    def from_block(cls, block: dict | None) -> "ForecastSettings":
        b = dict(block or {})
        ids = b.get("time_series_id_column_names") or []
        return cls(time_column=str(b.get("time_column_name") or ""),
                   horizon=int(b.get("forecast_horizon") or 1),
                   series_ids=[ids] if isinstance(ids, str) else list(ids),
                   freq=canonical_freq(b.get("freq")),
                   target_lags="auto" if b.get("target_lags") is None else b["target_lags"],
                   rolling_window="auto" if b.get("target_rolling_window_size") is None
                   else b["target_rolling_window_size"],
                   seasonality=b.get("seasonality", "auto") or "auto",
                   holidays_country=b.get("country_or_region_for_holidays") or None,
                   short_series=b.get("short_series_handling_configuration", "auto"),
                   cv_step_size=b.get("cv_step_size", "auto") or "auto",
                   feature_lags=b.get("feature_lags"),
                   aggregation=b.get("target_aggregation_function"),
                   unknown_features=list(b.get("features_unknown_at_forecast_time") or []))

    def lag_list(self) -> list[int] | None:
        """Explicit target lags, or None when they are chosen from the seasonality."""
        if self.target_lags == "auto":
            return None
        lags = [self.target_lags] if isinstance(self.target_lags, int) else list(self.target_lags)
        return sorted(set(lags))


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _auto_or_int(value, minimum: int = 1) -> bool:
    return value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= minimum)


def validate_block(block: dict | None, label: str, target: str, add) -> None:
    """One `add(path, message[, level])` per problem of the block itself."""
    f = block or {}
    for key in f:
        if key not in KEYS:
            add(f"{PATH}.{key}", f"unknown ForecastingParameters setting; known: {', '.join(KEYS)}")
    time_col = f.get("time_column_name")
    if time_col is None or time_col == "":
        add(f"{PATH}.time_column_name", "is required for forecasting; name the date/time column")
    elif not isinstance(time_col, str):
        add(f"{PATH}.time_column_name", "must be one column name (a string), not a list; name the date/time column")
    elif time_col == label:
        add(f"{PATH}.time_column_name", "cannot be the label column; name the date/time column")
    if not _positive_int(f.get("forecast_horizon", 1)):
        add(f"{PATH}.forecast_horizon", "must be a whole number of periods, at least 1")
    ids = f.get("time_series_id_column_names")
    if ids is not None:
        names = [ids] if isinstance(ids, str) else ids
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            add(f"{PATH}.time_series_id_column_names", "must be a column name or a list of column names")
        elif label in names or time_col in names:
            add(f"{PATH}.time_series_id_column_names", "cannot include the label or the time column")
        elif len(set(names)) != len(names):
            add(f"{PATH}.time_series_id_column_names", "names a column twice")
    lags = f.get("target_lags")
    if lags is not None and not (_auto_or_int(lags) or (
            isinstance(lags, list) and lags and all(_positive_int(v) for v in lags))):
        add(f"{PATH}.target_lags", "must be 'auto', a whole number of periods (1 or more) or a list of them")
    window = f.get("target_rolling_window_size")
    if window is not None and not _auto_or_int(window, 2):
        add(f"{PATH}.target_rolling_window_size", "must be 'auto' or a whole number of periods, at least 2")
    if not _auto_or_int(f.get("seasonality", "auto")):
        add(f"{PATH}.seasonality", "must be 'auto' or a whole number of periods per season (1 for none)")
    if not _auto_or_int(f.get("cv_step_size", "auto")):
        add(f"{PATH}.cv_step_size", "must be 'auto' or a whole number of periods between rolling origins")
    if f.get("short_series_handling_configuration", "auto") not in SHORT_SERIES_CHOICES:
        add(f"{PATH}.short_series_handling_configuration", "choose 'auto', 'pad', 'drop' or null")
    if f.get("feature_lags") not in ("auto", None):
        add(f"{PATH}.feature_lags", "choose 'auto' or null")
    agg = f.get("target_aggregation_function")
    if agg is not None and agg not in AGGREGATIONS:
        add(f"{PATH}.target_aggregation_function", f"choose one of {', '.join(AGGREGATIONS)} or null")
    elif agg is not None and not f.get("freq"):
        add(f"{PATH}.target_aggregation_function", "needs freq: the frequency to aggregate the target to")
    unknown = f.get("features_unknown_at_forecast_time")
    if unknown is not None and not (isinstance(unknown, list) and all(isinstance(c, str) for c in unknown)):
        add(f"{PATH}.features_unknown_at_forecast_time", "must be a list of column names")
    _validate_freq(f.get("freq"), add)
    country = f.get("country_or_region_for_holidays")
    if country is not None:
        if not isinstance(country, str) or not country.isalpha() or len(country) not in (2, 3):
            add(f"{PATH}.country_or_region_for_holidays", "give a two-letter country code such as US or DE")
        elif target == "local" and importlib.util.find_spec("holidays") is None:
            add(f"{PATH}.country_or_region_for_holidays", "the 'holidays' package is not installed, so holiday "
                "features are left out; install it with: pip install holidays", "warning")
        elif target == "local" and not _has_holiday_calendar(country):
            add(f"{PATH}.country_or_region_for_holidays", f"no holiday calendar is known for {country!r}; give an "
                "ISO country code such as US, GB or DE")
    if target == "local":
        for key in NO_LOCAL_EFFECT:
            if f.get(key) is not None:
                add(f"{PATH}.{key}", "has no effect on the local backend; it is kept for Azure", "warning")


def _has_holiday_calendar(country: str) -> bool:
    import holidays

    return country.upper() in holidays.list_supported_countries()


def canonical_freq(freq):
    """pandas' current name for a deprecated frequency alias ('M' -> 'ME', 'H' -> 'h'), so the older
    names Azure's examples use work without pandas' deprecation warnings; anything else as given."""
    if not isinstance(freq, str) or not freq.strip():
        return freq
    import warnings

    from pandas.tseries.frequencies import to_offset

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FutureWarning)
        try:
            offset = to_offset(freq.strip())
        except ValueError:
            return freq
    return offset.freqstr if any(issubclass(w.category, FutureWarning) for w in caught) else freq


def _validate_freq(freq, add) -> None:
    if freq is None:
        return
    if not isinstance(freq, str) or not freq.strip():
        add(f"{PATH}.freq", "must be a pandas frequency such as D, W, MS or h (leave it out to infer it)")
        return
    from pandas.tseries.frequencies import to_offset

    try:
        to_offset(canonical_freq(freq))
    except ValueError:
        add(f"{PATH}.freq", f"'{freq}' is not a frequency; use a pandas alias such as D, W, MS, QS or h")
