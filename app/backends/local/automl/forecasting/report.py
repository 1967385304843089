"""summary.json, guardrails and the forecasting chart artifacts of a forecasting step.

`forecast_table`: per series (up to MAX_SERIES) the recent history, the best model's
rolling-origin forecasts and the forecast of the final horizon with its interval.
`forecast_horizon_error`: the rolling-origin error at each horizon step.
`leaderboard`: the primary metric of the best iteration of each algorithm, baselines included.
"""
from __future__ import annotations

import math
import time

import numpy as np

from app.backends.local.automl import charts
from app.backends.local.automl.guardrails import ALERTED, DONE, PASSED
from app.backends.local.automl.summary import package_versions
from app.core import catalog

MAX_SERIES = 20
BASELINES = ("Naive", "SeasonalNaive")


def summary(run) -> dict:
    best, fs, s = run.best, run.fs, run.settings
    series = run.series
    versions = package_versions()
    try:
        import importlib.metadata as md

        versions["statsforecast"] = md.version("statsforecast")
    except Exception:  # noqa: BLE001 - a version is informative only
        versions["statsforecast"] = ""
    baselines = {}
    for record in run.records:
        value = record.metrics.get(run.metric)
        if record.run_algorithm in BASELINES and value is not None:
            baselines[record.run_algorithm] = value
    return {
        "step_run_id": run.run_id, "task": "forecasting", "primary_metric": run.metric,
        "best_iteration": best.iteration if best else None,
        "best_run_id": f"{run.run_id}_{best.iteration}" if best else None,
        "best_metric": best.value if best else None,
        "best_algorithm": best.algorithm if best else None,
        "model_iteration": best.iteration if best else None,
        "stop_reason": run.stop_reason,
        "search_seconds": time.time() - run.started,
        "n_iterations": len(run.records),
        "validation": run.rolling_rule,
        "learners": sorted(run.allowed) if series is not None else [],
        "seed": run.seed, "n_jobs": s.max_cores_per_iteration,
        "label_column": s.label_column_name, "class_labels": None, "positive_label": None,
        "feature_columns": [fs.time_column, *fs.series_ids, *(run.plan.covariates if run.plan else [])],
        "validation_score": best.value if best else None,
        "baselines": baselines,
        "skipped": list(run.budget.skipped),
        "forecasting": {
            "time_column_name": fs.time_column, "time_series_id_column_names": fs.series_ids,
            "forecast_horizon": fs.horizon,
            "freq": series.freq if series is not None else fs.freq,
            "freq_inferred": bool(series is not None and series.freq_inferred),
            "seasonality": run.plan.season if run.plan else None,
            "n_series": len(series.keys) if series is not None else 0,
            "features": run.plan.columns() if run.plan else [],
        },
        "versions": versions,
    }


def guardrails(run) -> list[dict]:
    series, origins = run.series, run.origins
    rails = [_rail("Validation split handling", DONE, f"Validation used {origins.rule}.")]
    filled = series.filled
    rails.append(_rail(
        "Missing timestamps imputation", DONE if filled else PASSED,
        (f"{sum(filled.values())} missing timestamps were added on the '{series.freq}' grid and their targets "
         "interpolated linearly." if filled else f"Every series is complete on the '{series.freq}' grid."),
        [{"series": _text(k), "filled": n} for k, n in filled.items()]))
    short = [{"series": _text(k), "action": "dropped"} for k in series.dropped] + \
            [{"series": _text(k), "action": f"padded with {n} points"} for k, n in series.padded.items()]
    rails.append(_rail("Short series handling", DONE if short else PASSED,
                       f"Series shorter than {origins.required} points were handled "
                       f"({run.fs.short_series or 'no handling'})." if short
                       else f"Every series has at least {origins.required} points.", short))
    rails.append(_rail("Frequency detection", DONE if series.freq_inferred else PASSED,
                       f"The frequency was inferred as '{series.freq}'." if series.freq_inferred
                       else f"The frequency '{series.freq}' was given and every time is on its grid."))
    base = run.records and summary_baseline(run)
    if base:
        name, value = base
        best = run.best.value
        beaten = catalog.better(run.metric, best, value) if best is not None else False
        rails.append(_rail("Baseline comparison", PASSED if beaten else ALERTED,
                           f"The best model ({run.best.algorithm}) scores {best:.4g} against {name}'s {value:.4g}."
                           if beaten else f"No model beat {name} ({value:.4g}): the series may be close to a "
                           "random walk or too short."))
    return rails


def summary_baseline(run):
    """The better of the naive baselines: (algorithm, value), or None."""
    found = [(r.run_algorithm, r.metrics[run.metric]) for r in run.records
             if r.run_algorithm in BASELINES and run.metric in r.metrics]
    if not found:
        return None
    sign = 1 if catalog.is_minimised(run.metric) else -1
    return min(found, key=lambda pair: sign * pair[1])


def _rail(name: str, status: str, description: str, details: list | None = None) -> dict:
    return {"name": name, "status": status, "description": description, "details": details or []}


def _text(key: tuple) -> str:
    return "/".join(map(str, key)) if key else "(single series)"


def forecast_table(run) -> dict:
    series, rolling, model = run.series, run.best_rolling, run.model
    h = run.fs.horizon
    pred = run.best.pred
    charted = rolling.keys[:MAX_SERIES]
    future = model.future_frame(h)
    if run.fs.series_ids:        # only the charted series are forecast: a run may hold thousands
        labels = list(zip(*(future[c].astype(str) for c in run.fs.series_ids)))
        wanted = {tuple(map(str, k)) for k in charted}
        future = future[[label in wanted for label in labels]].reset_index(drop=True)
        labels = [label for label in labels if label in wanted]
    final, lower, upper = model.predict_with_interval(future)
    keep_history = max(5 * h, 3 * run.plan.season, 60)
    out = []
    for j, key in enumerate(charted):
        times = series.times[key]
        start = max(0, len(times) - keep_history)
        mine = rolling.key_index == j
        folds = []
        for fold in np.unique(rolling.fold[mine]):
            rows = mine & (rolling.fold == fold)
            folds.append({"times": [str(t) for t in times[rolling.position[rows]]], "forecast": pred[rows].tolist()})
        rows = np.array([label == tuple(map(str, key)) for label in labels]) if run.fs.series_ids \
            else np.ones(len(future), dtype=bool)
        out.append({"series": _text(key), "times": [str(t) for t in times[start:]],
                    "actual": series.y[key][start:].tolist(), "folds": folds,
                    "horizon": {"times": [str(t) for t in future.loc[rows, run.fs.time_column]],
                                "forecast": final[rows].tolist(), "lower": lower[rows].tolist(),
                                "upper": upper[rows].tolist()}})
    return {"schema_type": "forecast_table", "schema_version": "1.0.0",
            "data": {"time_column": run.fs.time_column, "label": run.settings.label_column_name,
                     "freq": series.freq, "algorithm": run.best.algorithm, "series": out,
                     "n_series": len(rolling.keys)}}


def horizon_error(run) -> dict:
    rolling, pred = run.best_rolling, run.best.pred
    steps, mae, scaled = [], [], []
    for k in range(1, run.fs.horizon + 1):
        rows = rolling.step == k
        err = np.abs(rolling.y[rows] - pred[rows])
        steps.append(k)
        mae.append(float(err.mean()))
        scaled.append(float((err / rolling.scale[rows]).mean()))
    return {"schema_type": "forecast_horizon_error", "schema_version": "1.0.0",
            "data": {"steps": steps, "mean_absolute_error": mae, "scaled_mean_absolute_error": scaled,
                     "algorithm": run.best.algorithm}}


def leaderboard(run) -> dict:
    """The best value per algorithm, best first, so the baselines show beside the winners."""
    sign = 1 if catalog.is_minimised(run.metric) else -1
    best: dict[str, tuple[float, int]] = {}
    for r in run.records:
        value = r.metrics.get(run.metric)
        if value is None or not math.isfinite(value):
            continue
        if r.run_algorithm not in best or sign * value < sign * best[r.run_algorithm][0]:
            best[r.run_algorithm] = (value, r.iteration)
    ranked = sorted(best.items(), key=lambda kv: sign * kv[1][0])
    return {"schema_type": "forecast_leaderboard", "schema_version": "1.0.0",
            "data": {"metric": run.metric, "algorithms": [a for a, _ in ranked],
                     "values": [v for _, (v, _) in ranked], "iterations": [i for _, (_, i) in ranked],
                     "baselines": [a for a, _ in ranked if a in BASELINES]}}


def write_artifacts(run) -> None:
    out = run.outputs
    rolling, pred = run.best_rolling, run.best.pred
    for name, artifact in charts.chart_artifacts(rolling.y, pred, None).items():
        out.write_artifact(name, artifact)
    out.write_artifact("forecast_table.json", forecast_table(run))
    out.write_artifact("forecast_horizon_error.json", horizon_error(run))
    out.write_artifact("forecast_leaderboard.json", leaderboard(run))
    out.write_artifact("guardrails.json", guardrails(run))
