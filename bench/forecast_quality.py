"""Forecasting quality: the local pipeline vs Naive, SeasonalNaive and statsforecast's AutoETS.

    python bench/forecast_quality.py [--budget 60] [--sets co2,nile] [--cores 1] [--windows 3]

Each set holds out the last forecast horizon of every series. The AutoML step (as the pipeline
runs it: its own process, `experiment_timeout_minutes` = budget) trains on the rest and its
registered-model object forecasts the held-out rows from a frame of future rows; the baselines
and AutoETS are fitted per series on the same training part. Prints the MAE of each method per
set, the pipeline's MAE ratio to each reference and the mean ratios. Targets: below both naive
baselines on every set; mean ratio to AutoETS at most 0.95.

Sets come from data bundled in pip packages (statsmodels; vega_datasets from the `bench`
extra, skipped when it is not installed) and synthetic series with trend, seasonality, breaks
and noise.
"""
from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.backends.local.automl.forecasting.forecasters import Naive, SeasonalNaive  # noqa: E402
from app.core.timeseries import season_length  # noqa: E402

TIME, ID, Y = "time", "series", "y"


@dataclass
class SeriesSet:
    name: str
    frame: pd.DataFrame          # TIME, ID (maybe constant), Y
    freq: str
    horizon: int


def _long(frame: pd.DataFrame, time_col: str, id_col: str | None, y_col: str) -> pd.DataFrame:
    out = pd.DataFrame({TIME: pd.to_datetime(frame[time_col]), Y: frame[y_col].astype(float)})
    out[ID] = frame[id_col].astype(str).to_numpy() if id_col else "s"
    return out[[TIME, ID, Y]]


def statsmodels_sets() -> list[SeriesSet]:
    import statsmodels.api as sm

    co2 = sm.datasets.co2.load_pandas().data["co2"].resample("MS").mean().interpolate()
    co2 = co2.reset_index().rename(columns={"index": "date"})
    macro = sm.datasets.macrodata.load_pandas().data
    macro["date"] = pd.PeriodIndex.from_fields(year=macro.year.astype(int), quarter=macro.quarter.astype(int),
                                               freq="Q").start_time
    macro = macro.melt(id_vars=["date"], value_vars=["realgdp", "realcons", "realinv", "realgovt"],
                       var_name="var", value_name="value")
    elnino = sm.datasets.elnino.load_pandas().data.melt(id_vars="YEAR", var_name="month", value_name="temp")
    elnino["date"] = pd.to_datetime(elnino.YEAR.astype(int).astype(str) + "-" + elnino.month, format="%Y-%b")
    elnino = elnino.sort_values("date")
    nile = sm.datasets.nile.load_pandas().data
    nile["date"] = pd.to_datetime(nile.year.astype(int).astype(str), format="%Y")
    return [SeriesSet("co2 monthly", _long(co2, "date", None, "co2"), "MS", 24),
            SeriesSet("macrodata quarterly x4", _long(macro, "date", "var", "value"), "QS", 8),
            SeriesSet("elnino monthly", _long(elnino, "date", None, "temp"), "MS", 12),
            SeriesSet("nile yearly", _long(nile, "date", None, "volume"), "YS", 10)]


def vega_sets() -> list[SeriesSet]:
    try:
        from vega_datasets import data
    except ImportError:
        print("vega_datasets is not installed (pip install '.[bench]'); its sets are skipped", file=sys.stderr)
        return []
    stocks = data.stocks()
    iowa = data.iowa_electricity()
    temps = data.sf_temps()
    weather = data.seattle_weather()
    return [SeriesSet("stocks monthly x5", _long(stocks, "date", "symbol", "price"), "MS", 12),
            SeriesSet("iowa-electricity yearly x3", _long(iowa, "year", "source", "net_generation"), "YS", 3),
            SeriesSet("sf-temps hourly", _long(temps, "date", None, "temp"), "h", 24),
            SeriesSet("seattle temp_max daily", _long(weather, "date", None, "temp_max"), "D", 14)]


def synthetic_sets(seed: int = 0) -> list[SeriesSet]:
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(6):
        t = pd.date_range("2021-01-01", periods=500, freq="D")
        i = np.arange(len(t))
        level = 50 * (s + 1)
        trend = (0.05 + 0.05 * s) * i
        season = 0.15 * level * np.sin(2 * np.pi * i / 7 + s)
        brk = np.where(i > 300 + 20 * s, 0.2 * level, 0.0)          # a level break late in each series
        y = level + trend + season + brk + rng.normal(0, 0.04 * level, len(i))
        rows.append(pd.DataFrame({TIME: t, ID: f"d{s}", Y: y}))
    daily = pd.concat(rows, ignore_index=True)
    rows = []
    for s in range(3):
        t = pd.date_range("2015-01-01", periods=96, freq="MS")
        i = np.arange(len(t))
        y = 200 + 3 * i * (1 + s) + 30 * np.sin(2 * np.pi * i / 12) * (1 + 0.01 * i) + rng.normal(0, 8, len(i))
        rows.append(pd.DataFrame({TIME: t, ID: f"m{s}", Y: y}))
    monthly = pd.concat(rows, ignore_index=True)
    return [SeriesSet("synthetic daily x6 (trend, weekly season, breaks)", daily, "D", 14),
            SeriesSet("synthetic monthly x3 (growing season)", monthly, "MS", 12)]


class TooShort(Exception):
    """The pipeline refused the set: its series are too short for the horizon and the origins."""


def split(s: SeriesSet) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = s.frame.sort_values([ID, TIME])
    test = frame.groupby(ID, group_keys=False).tail(s.horizon)
    return frame.drop(test.index), test


def pipeline_forecast(s: SeriesSet, train: pd.DataFrame, test: pd.DataFrame, args, work: Path) -> tuple[np.ndarray, dict]:
    """The registered model's forecasts of `test`'s rows; `args` are the bench's options."""
    budget, cores, folds, step_share, metric = args.budget, args.cores, args.folds, args.cv_step_share, args.metric
    data, settings, out = work / "train.csv", work / "settings.json", work / "out"
    multi = train[ID].nunique() > 1
    (train if multi else train.drop(columns=[ID])).to_csv(data, index=False)
    settings.write_text(json.dumps({
        "task": "forecasting", "label_column_name": Y, "iterations": 1000,
        "experiment_timeout_minutes": budget / 60, "max_cores_per_iteration": cores, "seed": 0,
        **({"n_cross_validations": folds} if folds else {}), **({"primary_metric": metric} if metric else {}),
        "forecasting": {"time_column_name": TIME, "forecast_horizon": s.horizon, "freq": s.freq,
                        **({"cv_step_size": max(1, round(step_share * s.horizon))} if step_share else {}),
                        **({"time_series_id_column_names": [ID]} if multi else {})}}))
    started = time.time()
    result = subprocess.run([sys.executable, "-m", "app.backends.local.automl_step", "--data", str(data),
                             "--settings", str(settings), "--output-dir", str(out), "--step-run-id", "bench",
                             "--events", str(work / "events.jsonl")], cwd=ROOT, capture_output=True, text=True)
    seconds = time.time() - started
    if result.returncode == 2 and "needs a series of at least" in result.stderr:
        raise TooShort(result.stderr.strip().splitlines()[-1])
    if result.returncode != 0:
        raise RuntimeError(f"{s.name}: the AutoML step failed: {result.stderr[-2000:]}")
    with open(out / "model_data", "rb") as fh:
        model = pickle.load(fh)
    summary = json.loads((out / "summary.json").read_text())
    if multi:       # series too short for the rolling origins are dropped (short_series_handling 'auto')
        test = test[test[ID].isin({str(key[0]) for key in model.last_times})]
    future = test[[TIME, ID]] if multi else test[[TIME]]
    info = {"seconds": seconds, "best": summary["best_algorithm"], "iterations": summary["n_iterations"],
            "series": set(test[ID])}
    return model.predict(future), info


def reference_forecasts(s: SeriesSet, train: pd.DataFrame) -> dict[str, np.ndarray]:
    from statsforecast.models import AutoETS

    m = season_length(s.freq)
    out = {"Naive": [], "SeasonalNaive": [], "AutoETS": []}
    for _, g in train.groupby(ID, sort=True):
        y = g[Y].to_numpy()
        season = m if len(y) >= 2 * m else 1
        out["Naive"].append(Naive(season, s.horizon).path(y, s.horizon))
        out["SeasonalNaive"].append(SeasonalNaive(season, s.horizon).path(y, s.horizon))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["AutoETS"].append(AutoETS(season_length=season).forecast(y=y, h=s.horizon)["mean"])
    return {k: np.concatenate(v) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per set for the pipeline (default 60)")
    parser.add_argument("--sets", default="", help="comma-separated words; run the sets whose names contain one")
    parser.add_argument("--cores", type=int, default=1, help="max_cores_per_iteration (default 1)")
    parser.add_argument("--folds", type=int, help="n_cross_validations (default: the pipeline's own, 3)")
    parser.add_argument("--cv-step-share", type=float, metavar="F",
                        help="cv_step_size as this share of each set's horizon (default: the pipeline's own)")
    parser.add_argument("--metric", help="primary_metric (default: the pipeline's own, "
                        "normalized_root_mean_squared_error)")
    parser.add_argument("--windows", type=int, default=1, metavar="K",
                        help="also score the K-1 horizons before the last (each series cut back by one horizon "
                             "per window, the pipeline run anew): a steadier comparison than one window")
    args = parser.parse_args(argv)
    sets = statsmodels_sets() + vega_sets() + synthetic_sets()
    if args.sets:
        words = [w.strip().lower() for w in args.sets.split(",") if w.strip()]
        sets = [s for s in sets if any(w in s.name.lower() for w in words)]
    print(f"{'set':<48} {'h':>3} {'pipeline':>11} " + " ".join(f"{r:>13}" for r in REFS)
          + "   ratio vs " + " / ".join(REFS) + "   seconds  best")
    by_window = [{r: [] for r in REFS} for _ in range(args.windows)]
    for s in sets:
        for window in range(args.windows):
            try:
                ratios = score_window(cut_back(s, window), args)
            except TooShort as exc:
                if window == 0:
                    raise
                print(f"{s.name} -{window}h: skipped, the series are too short ({exc})", flush=True)
                ratios = {r: float("nan") for r in REFS}
            for r in REFS:
                by_window[window][r].append(ratios[r])
    summarise("last horizon", by_window[0])
    if args.windows > 1:
        pooled = {r: [float(np.nanmean([w[r][i] for w in by_window])) for i in range(len(sets))] for r in REFS}
        summarise(f"per set, mean over the last {args.windows} horizons", pooled)
    return 0


REFS = ("Naive", "SeasonalNaive", "AutoETS")


def cut_back(s: SeriesSet, windows: int) -> SeriesSet:
    """The set with each series' last `windows` horizons removed."""
    if windows == 0:
        return s
    frame = s.frame.sort_values([ID, TIME])
    dropped = frame.groupby(ID, group_keys=False).tail(windows * s.horizon)
    return SeriesSet(f"{s.name} -{windows}h", frame.drop(dropped.index), s.freq, s.horizon)


def score_window(s: SeriesSet, args) -> dict[str, float]:
    """The pipeline's MAE ratio to each reference on the set's last horizon (one printed row)."""
    train, test = split(s)
    test = test.sort_values([ID, TIME])
    truth = test[Y].to_numpy()
    with tempfile.TemporaryDirectory() as tmp:
        pred, info = pipeline_forecast(s, train, test, args, Path(tmp))
    dropped = sorted(set(test[ID]) - info["series"])
    if dropped:
        print(f"{s.name}: scored without {', '.join(dropped)}, which the pipeline dropped as too short", flush=True)
        train, test = train[train[ID].isin(info["series"])], test[test[ID].isin(info["series"])]
        truth = test[Y].to_numpy()
    mae = float(np.mean(np.abs(pred - truth)))
    ref_mae = {name: float(np.mean(np.abs(p - truth))) for name, p in reference_forecasts(s, train).items()}
    ratios = {r: mae / ref_mae[r] if ref_mae[r] > 0 else float("nan") for r in REFS}
    print(f"{s.name:<48} {s.horizon:>3} {mae:>11.4g} " + " ".join(f"{ref_mae[r]:>13.4g}" for r in REFS)
          + "   " + " / ".join(f"{ratios[r]:.3f}" for r in REFS)
          + f"   {info['seconds']:7.1f}  {info['best']} ({info['iterations']} iterations)", flush=True)
    return ratios


def summarise(label: str, ratios: dict[str, list[float]]) -> None:
    print(f"{label}: mean MAE ratio " + ", ".join(f"vs {r} {np.nanmean(ratios[r]):.3f}" for r in REFS))
    beaten = [all(v < 1 for v in ratios[r]) for r in ("Naive", "SeasonalNaive")]
    misses = sum(max(a, b) >= 1 for a, b in zip(ratios["Naive"], ratios["SeasonalNaive"]))
    print(f"{label}: below both naive baselines on every set: {'yes' if all(beaten) else f'no ({misses} sets not)'}; "
          f"mean ratio to AutoETS {np.nanmean(ratios['AutoETS']):.3f} (target <= 0.95)")


if __name__ == "__main__":
    sys.exit(main())
