"""Forecasting model selection replayed: how rules for choosing among the candidates' rolling-origin
forecasts do on the holdout, over many windows.

    python bench/forecast_selection.py [--windows 3] [--folds 3] [--sets co2,nile] [--store FILE]

For each set of `forecast_quality.py` and each of its last K horizons, every first-round
candidate of the pipeline (the baselines, ExponentialSmoothing as ETS and as Theta, AutoArima and
the regression learners at their defaults) is fitted at the pipeline's rolling origins and on the
whole training part; the rules below then choose from those stored forecasts, for all series at
once as the pipeline does, or series by series. Prints each rule's
MAE ratio to statsforecast's AutoETS per window and overall, and its paired difference from the
pipeline's own rule with the standard error of that difference: a rule is better than the
pipeline's only where the difference is well below zero in units of its error. `--store` keeps
the fitted forecasts in a pickle for the next run (the hourly set takes minutes).
"""
from __future__ import annotations

import argparse
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import forecast_quality as fq  # noqa: E402
from app.backends.local.automl.forecasting import features as feat, schedule  # noqa: E402
from app.backends.local.automl.forecasting.ensemble import greedy_weights  # noqa: E402
from app.backends.local.automl.forecasting.forecasters import (  # noqa: E402
    STATISTICAL, RegressionForecaster, histories_upto, make_statistical)
from app.backends.local.automl.forecasting.rolling import rolling_forecasts  # noqa: E402
from app.backends.local.automl.forecasting.series import build_series, handle_short, plan_origins  # noqa: E402
from app.core.forecasting import ForecastSettings  # noqa: E402
from app.core.timeseries import season_length  # noqa: E402


def candidate_forecasts(s: fq.SeriesSet, folds: int) -> dict | None:
    """{name: (rolling-origin y, rolling-origin forecasts, holdout forecasts)}, truth, kept ids; None if too short."""
    train, test = fq.split(s)
    multi = train[fq.ID].nunique() > 1
    fs = ForecastSettings.from_block({"time_column_name": fq.TIME, "forecast_horizon": s.horizon, "freq": s.freq,
                                      **({"time_series_id_column_names": [fq.ID]} if multi else {})})
    frame = (train if multi else train.drop(columns=[fq.ID])).reset_index(drop=True)
    series, _ = build_series(frame, fs, fq.Y, folds)
    origins, _ = plan_origins(series, fs, folds)
    if origins is None or any(p.level == "error" for p in handle_short(series, fs, origins)):
        return None
    keys = list(series.keys)
    plan = feat.plan_features(season_length(series.freq), s.horizon, None, "auto", series.freq, [], keys, None,
                              min(len(series.y[k]) for k in keys), [])
    whole = histories_upto(series, {k: len(series.y[k]) - 1 for k in keys})
    steps = np.arange(1, s.horizon + 1)
    out = {}
    for cand in schedule.first_candidates(schedule.allowed_algorithms(None, None), plan.season, False):
        if cand.algorithm in STATISTICAL:
            make = lambda c=cand: make_statistical(c.algorithm, plan.season, s.horizon, [], c.params)  # noqa: E731
        else:
            make = lambda c=cand: RegressionForecaster(c.algorithm, c.params, plan, 0, 1)  # noqa: E731
        rolling = rolling_forecasts(make, series, s.horizon, folds, origins.step)
        model = make().fit(whole)
        name = cand.algorithm + (f"/{cand.params['method']}" if "method" in cand.params else "")
        out[name] = (rolling.y, rolling.pred, np.concatenate([model.forecast(k, steps, None) for k in keys]))
    test = test.sort_values([fq.ID, fq.TIME])
    ids = [k[0] if k else "s" for k in keys]
    truth = np.concatenate([test[test[fq.ID] == i][fq.Y].to_numpy() for i in ids])
    reference = fq.reference_forecasts(s, train[train[fq.ID].isin(ids)])["AutoETS"]
    return {"candidates": out, "truth": truth, "autoets": reference}


def _rmse(a, b) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _mean_of(cands: dict, names: list[str]) -> np.ndarray:
    return np.mean([cands[n][2] for n in names], axis=0)


def _per_series_best(cands: dict, names: list[str], horizon: int) -> np.ndarray:
    """Each series' holdout forecasts from whichever of `names` had that series' lowest
    rolling-origin MAE. The stored forecasts are ordered origin, series, step (rolling) and
    series, step (holdout)."""
    y, _, holdout = next(iter(cands.values()))
    n_series = len(holdout) // horizon
    rolling_series = np.tile(np.repeat(np.arange(n_series), horizon), len(y) // len(holdout))
    out = np.empty_like(holdout)
    for k in range(n_series):
        mine = rolling_series == k
        best = min(names, key=lambda n: float(np.mean(np.abs(cands[n][0][mine] - cands[n][1][mine]))))
        out[k * horizon:(k + 1) * horizon] = cands[best][2][k * horizon:(k + 1) * horizon]
    return out


def rules(cands: dict, horizon: int) -> dict[str, np.ndarray]:
    """Each rule's holdout forecasts."""
    y = next(iter(cands.values()))[0]
    ranked = sorted(cands, key=lambda n: _rmse(cands[n][1], y))
    statistical = [n for n in ranked if n.split("/")[0] in STATISTICAL]
    counts = greedy_weights(y, [cands[n][1] for n in ranked[:12]])
    weights = np.array(counts, dtype=float)
    on_origins = sum(w * cands[n][1] for w, n in zip(weights, ranked)) / weights.sum()
    ensemble = sum(w * cands[n][2] for w, n in zip(weights, ranked)) / weights.sum()
    best = cands[ranked[0]][2]
    return {
        "pipeline": ensemble if _rmse(on_origins, y) < _rmse(cands[ranked[0]][1], y) else best,
        "best, no ensemble": best,
        "best statistical": cands[statistical[0]][2],
        "mean of top 3": _mean_of(cands, ranked[:3]),
        "always ETS": cands["ExponentialSmoothing/ets"][2],
        "always AutoArima": cands["AutoArima"][2],
        "ETS + AutoArima": _mean_of(cands, ["ExponentialSmoothing/ets", "AutoArima"]),
        "per-series stat": _per_series_best(cands, statistical, horizon),
        "per-series any": _per_series_best(cands, ranked, horizon),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=3, help="the last K horizons of each set (default 3)")
    parser.add_argument("--folds", type=int, default=3, help="rolling origins (default 3, the pipeline's)")
    parser.add_argument("--sets", default="", help="comma-separated words; the sets whose names contain one")
    parser.add_argument("--store", type=Path, help="pickle of fitted forecasts, read if there and written after")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    sets = fq.statsmodels_sets() + fq.vega_sets() + fq.synthetic_sets()
    if args.sets:
        words = [w.strip().lower() for w in args.sets.split(",") if w.strip()]
        sets = [s for s in sets if any(w in s.name.lower() for w in words)]
    stored = pickle.loads(args.store.read_bytes()) if args.store and args.store.is_file() else {}
    ratios: dict[tuple, dict[str, float]] = {}
    for s in sets:
        for window in range(args.windows):
            key = (s.name, window, args.folds)
            if key not in stored:
                stored[key] = candidate_forecasts(fq.cut_back(s, window), args.folds)
                if args.store:
                    args.store.write_bytes(pickle.dumps(stored))
            found = stored[key]
            if found is None:
                print(f"{s.name} -{window}h: too short for {args.folds} origins, left out", flush=True)
                continue
            base = float(np.mean(np.abs(found["autoets"] - found["truth"])))
            ratios[key] = {r: float(np.mean(np.abs(p - found["truth"]))) / base
                           for r, p in rules(found["candidates"], s.horizon).items()}
            print(f"{s.name[:40]:<40} -{window}h  " + "  ".join(f"{r} {v:.3f}" for r, v in ratios[key].items()),
                  flush=True)
    summarise(ratios, args.windows)
    return 0


def summarise(ratios: dict[tuple, dict[str, float]], windows: int) -> None:
    names = list(next(iter(ratios.values())))
    print(f"\n{'rule':<20}" + "".join(f"{f'-{w}h':>8}" for w in range(windows)) + f"{'all':>8}"
          + "   vs pipeline (paired, ± standard error)")
    for name in names:
        by_window = [np.mean([v[name] for k, v in ratios.items() if k[1] == w] or [np.nan]) for w in range(windows)]
        diff = np.array([v[name] - v["pipeline"] for v in ratios.values()])
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
        print(f"{name:<20}" + "".join(f"{m:>8.3f}" for m in by_window)
              + f"{np.mean([v[name] for v in ratios.values()]):>8.3f}   {diff.mean():+.3f} ± {se:.3f}")
    print(f"({len(ratios)} windows; ratios are MAE / AutoETS MAE on each window's holdout)")


if __name__ == "__main__":
    sys.exit(main())
