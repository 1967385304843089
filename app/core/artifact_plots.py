"""Charts of the best model from the AutoML step's artifacts (Azure's shapes), on a given Axes.

Artifacts may come wrapped as Azure stores them (`{"schema_type", "schema_version", "data"}`)
or bare; anything missing or malformed draws a note instead of raising.
"""
from __future__ import annotations

import math
from typing import Callable

from app.core import forecast_plots
from app.core.plotting import draw_message
from app.core.titles import set_bar_names

CLASSIFICATION_CHARTS = ("ROC", "Precision-recall", "Calibration", "Confusion matrix",
                         "Confusion matrix (normalised)", "Feature importance")
REGRESSION_CHARTS = ("Predicted vs true", "Residuals", "Feature importance")
FORECASTING_EXTRA_CHARTS = ("Predicted vs true", "Residuals")     # after the forecast charts


def charts_for(task: str, artifacts: dict) -> tuple[str, ...]:
    """The chart names that make sense for `task`, the task guessed from artifacts when unknown."""
    if task == "classification" or (not task and ("accuracy_table" in artifacts or "confusion_matrix" in artifacts)):
        return CLASSIFICATION_CHARTS
    if task == "forecasting" or "forecast_table" in artifacts:
        # none until the forecast table is written, so the first forecast chart is the one shown
        return forecast_plots.chart_names(artifacts) + FORECASTING_EXTRA_CHARTS if "forecast_table" in artifacts else ()
    if task == "regression" or "residuals" in artifacts or "predicted_true" in artifacts:
        return REGRESSION_CHARTS
    return ("Feature importance",) if "feature_importance" in artifacts else ()


def _data(artifacts: dict, name: str) -> dict | None:
    value = artifacts.get(name)
    if isinstance(value, dict) and isinstance(value.get("data"), dict):
        value = value["data"]
    return value if isinstance(value, dict) else None


def draw_chart(ax, chart: str, artifacts: dict) -> bool:
    """Draw `chart` from `artifacts`; False (with a note on the axes) when it cannot."""
    ax.clear()
    try:
        drawn = forecast_plots.draw(ax, chart, artifacts) if forecast_plots.is_forecast_chart(chart) \
            else _DRAWERS[chart](ax, artifacts)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        drawn = False
    if not drawn:
        ax.clear()
        ax.set_axis_off()
        draw_message(ax, f"{chart}: not available for this run")
    return drawn


def _class_rates(artifacts: dict):
    """Per class: (label, thresholds, [(tp, fp, tn, fn)…]) from the accuracy table."""
    data = _data(artifacts, "accuracy_table")
    if not data or not data.get("probability_tables"):
        return None
    labels = [str(c) for c in data.get("class_labels") or range(len(data["probability_tables"]))]
    thresholds = list(data["probability_thresholds"])
    return [(label, thresholds, table) for label, table in zip(labels, data["probability_tables"])]


def _curve_classes(classes):
    """Binary: the positive class only; multiclass: every class (one-vs-rest)."""
    return classes[-1:] if len(classes) == 2 else classes


def _roc(ax, artifacts) -> bool:
    classes = _class_rates(artifacts)
    if not classes:
        return False
    for label, _thresholds, table in _curve_classes(classes):
        fpr = [fp / (fp + tn) if fp + tn else 0.0 for tp, fp, tn, fn in table]
        tpr = [tp / (tp + fn) if tp + fn else 0.0 for tp, fp, tn, fn in table]
        ax.plot(fpr, tpr, label=f"class {label}")
    ax.plot([0, 1], [0, 1], "--", color="#999999", linewidth=1, label="random")
    _unit_axes(ax, "false positive rate", "true positive rate", "ROC")
    return True


def _precision_recall(ax, artifacts) -> bool:
    classes = _class_rates(artifacts)
    if not classes:
        return False
    for label, _thresholds, table in _curve_classes(classes):
        points = [(tp / (tp + fn), tp / (tp + fp)) for tp, fp, tn, fn in table if tp + fp and tp + fn]
        ax.plot([p[0] for p in points], [p[1] for p in points], label=f"class {label}")
    _unit_axes(ax, "recall", "precision", "Precision-recall")
    return True


CALIBRATION_BINS = 10


def _calibration(ax, artifacts) -> bool:
    """Between thresholds i < j lie (tp+fp)ᵢ − (tp+fp)ⱼ predictions, of which tpᵢ − tpⱼ are positive;
    thresholds are taken in steps giving about ten bins, as finer bins are mostly noise."""
    classes = _class_rates(artifacts)
    if not classes:
        return False
    for label, thresholds, table in _curve_classes(classes):
        xs, ys = [], []
        step = max(1, math.ceil((len(thresholds) - 1) / CALIBRATION_BINS))
        edges = list(range(0, len(thresholds) - 1, step)) + [len(thresholds) - 1]
        for i, j in zip(edges, edges[1:]):
            count = (table[i][0] + table[i][1]) - (table[j][0] + table[j][1])
            if count > 0:
                xs.append((thresholds[i] + thresholds[j]) / 2)
                ys.append((table[i][0] - table[j][0]) / count)
        ax.plot(xs, ys, "o-", markersize=3, label=f"class {label}")
    ax.plot([0, 1], [0, 1], "--", color="#999999", linewidth=1, label="perfectly calibrated")
    _unit_axes(ax, "mean predicted probability", "fraction of positives", "Calibration")
    return True


def _unit_axes(ax, xlabel: str, ylabel: str, title: str) -> None:
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")


def _confusion(ax, artifacts, normalised: bool) -> bool:
    data = _data(artifacts, "confusion_matrix")
    if not data or not data.get("matrix"):
        return False
    matrix = [[float(v) for v in row] for row in data["matrix"]]
    labels = [str(c) for c in data.get("class_labels") or range(len(matrix))]
    if normalised:
        matrix = [[v / sum(row) if sum(row) else 0.0 for v in row] for row in matrix]
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1 if normalised else None)
    top = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            ax.text(j, i, f"{v:.2f}" if normalised else f"{v:.0f}", ha="center", va="center",
                    color="white" if v > top * 0.6 else "black")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title("Confusion matrix" + (" (normalised by true label)" if normalised else ""))
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return True


def _feature_importance(ax, artifacts, top: int = 20) -> bool:
    value = artifacts.get("feature_importance")
    data = _data(artifacts, "feature_importance") if isinstance(value, dict) else None
    if data and "features" in data:
        pairs = list(zip(data["features"], data.get("importances") or data.get("values")))
    elif isinstance(data, dict):
        pairs = [(k, v) for k, v in data.items() if isinstance(v, (int, float))]
    elif isinstance(value, list):
        pairs = [(d.get("feature"), d.get("importance")) for d in value if isinstance(d, dict)]
    else:
        return False
    pairs = sorted(((str(k), float(v)) for k, v in pairs if v is not None), key=lambda p: abs(p[1]))[-top:]
    if not pairs:
        return False
    rows = list(range(len(pairs)))          # the most important at the top
    ax.barh(rows, [p[1] for p in pairs], color="#1f77b4")
    set_bar_names(ax, rows, [p[0] for p in pairs])
    _room_for_labels(ax, max(len(p[0]) for p in pairs))
    ax.set_xlabel("importance")
    ax.set_title(f"Feature importance (top {len(pairs)})")
    ax.grid(True, axis="x", alpha=0.3)
    return True


def _room_for_labels(ax, characters: int) -> None:
    """Widen the left margin for long tick labels when no layout engine does it."""
    figure = ax.figure
    if figure.get_layout_engine() is not None and figure.get_layout_engine().adjust_compatible is False:
        return
    needed = (characters * 0.6 * 10 / 72 + 0.4) / figure.get_figwidth()
    if needed > figure.subplotpars.left:
        figure.subplots_adjust(left=min(needed, 0.6))


def _predicted_true(ax, artifacts) -> bool:
    data = _data(artifacts, "predicted_true")
    if not data:
        return False
    edges, means = list(data["bin_edges"]), list(data["bin_averages"])
    errors = data.get("bin_errors") or [0.0] * len(means)
    filled = [((edges[i] + edges[i + 1]) / 2, mean, errors[i] or 0.0)      # empty bins have no mean
              for i, mean in enumerate(means) if mean is not None]
    if not filled:
        return False
    ax.errorbar([f[0] for f in filled], [f[1] for f in filled], yerr=[f[2] for f in filled], fmt="o-", capsize=3,
                label="mean predicted (±1 sd)")
    low, high = min(edges), max(edges)
    ax.plot([low, high], [low, high], "--", color="#999999", linewidth=1, label="ideal")
    ax.set_xlabel("true value (binned)")
    ax.set_ylabel("predicted value")
    ax.set_title("Predicted vs true")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return True


def _residuals(ax, artifacts) -> bool:
    data = _data(artifacts, "residuals")
    if not data:
        return False
    edges, counts = list(data["bin_edges"]), list(data["bin_counts"])
    widths = [edges[i + 1] - edges[i] for i in range(len(counts))]
    ax.bar(edges[:len(counts)], counts, width=widths, align="edge", color="#1f77b4", edgecolor="white")
    ax.axvline(0, color="#999999", linestyle="--", linewidth=1)
    subtitle = f" (mean {data['mean']:.3g}, sd {data['stddev']:.3g})" if "mean" in data and "stddev" in data else ""
    ax.set_xlabel("residual (true − predicted)")
    ax.set_ylabel("count")
    ax.set_title("Residuals" + subtitle)
    ax.grid(True, axis="y", alpha=0.3)
    return True


_DRAWERS: dict[str, Callable] = {
    "ROC": _roc,
    "Precision-recall": _precision_recall,
    "Calibration": _calibration,
    "Confusion matrix": lambda ax, a: _confusion(ax, a, normalised=False),
    "Confusion matrix (normalised)": lambda ax, a: _confusion(ax, a, normalised=True),
    "Feature importance": _feature_importance,
    "Predicted vs true": _predicted_true,
    "Residuals": _residuals,
}
