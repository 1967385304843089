"""The details of one model version as HTML: lineage, file, inputs, and package versions
recorded at training next to the installed ones (differences in red)."""
from __future__ import annotations

from html import escape

from app.core.environment import installed_version
from app.core.runs import ModelVersion
from app.ui.registry.models_table import human_size

MISMATCH = "#c62828"


def _row(label: str, value: str) -> str:
    return f"<tr><td style='color:#666;padding-right:12px'>{escape(label)}</td><td>{value}</td></tr>"


def package_rows(recorded: dict) -> tuple[str, int]:
    """(HTML rows of package | at training | installed, number of mismatches)."""
    rows, mismatches = [], 0
    for package, trained in sorted(recorded.items()):
        if not trained:
            continue
        now = installed_version(package)
        differs = now != trained
        mismatches += differs
        style = f" style='color:{MISMATCH};font-weight:bold'" if differs else ""
        rows.append(f"<tr><td>{escape(package)}</td><td>{escape(trained)}</td>"
                    f"<td{style}>{escape(now or 'not installed')}</td></tr>")
    return "".join(rows), mismatches


def scores_text(m: ModelVersion) -> str:
    """The validation score the search ranked by, and the held-out test-split score beside it."""
    props = m.properties or {}
    validation = "not recorded" if m.metric_value is None else f"{m.metric_value:.4f}"
    test = props.get("test_score")
    rows = f" on {props['test_rows']:,} held-out rows" if props.get("test_rows") else ""
    held_out = f"test split {test:.4f}{rows}" if isinstance(test, (int, float)) else "no test split scored"
    return f"validation {validation} · {held_out}"


def forecasting_of(backend, run_id: str, sink=None) -> dict:
    """The forecasting settings the run's AutoML step trained with (from its summary: horizon, freq,
    series ids, number of series…), or {}."""
    summary = (backend.get_artifacts(run_id) or {}).get("summary") or {}
    return summary.get("forecasting") or {}


def forecast_text(f: dict) -> str:
    """What a forecasting model forecasts, in a line: '12 periods of MS · 3 series (store) · time column month'."""
    if not f.get("forecast_horizon"):
        return ""
    freq = f"{f.get('freq') or '?'}{' (inferred)' if f.get('freq_inferred') else ''}"
    ids = f.get("time_series_id_column_names") or []
    parts = [f"{f['forecast_horizon']} periods of {freq}",
             f"{f.get('n_series') or 1} series" + (f" ({', '.join(ids)})" if ids else "")]
    if f.get("time_column_name"):
        parts.append(f"time column {f['time_column_name']}")
    return " · ".join(parts)


def details_html(m: ModelVersion, forecasting: dict | None = None) -> str:
    """The details; `forecasting` (from `forecasting_of`) adds what a forecasting model forecasts."""
    props = m.properties or {}
    iteration = "" if m.iteration is None else f", iteration {m.iteration}"
    if props.get("refitted"):
        iteration += " (refitted on demand)"
    prep = ("saved parameters are applied to new data before predicting" if props.get("has_dataprep")
            else "none (predict on data shaped like the training data)")
    lines = [
        _row("Task", escape(f"{m.task} · {m.primary_metric}")),
        _row("Scores", escape(scores_text(m))),
        _row("Source run", escape(f"{m.run_id or 'unknown'}{iteration}")),
        _row("Dataset", escape(m.dataset or "unknown")),
        _row("Data prep", escape(prep)),
        _row("Label", escape(str(props.get("label_column") or ""))),
        _row("Features", escape(", ".join(map(str, props.get("feature_columns") or [])))),
    ]
    if forecasting and forecast_text(forecasting):
        lines.insert(1, _row("Forecasts", escape(forecast_text(forecasting))))
    if props.get("class_labels") is not None:
        lines.append(_row("Classes", escape(", ".join(map(str, props["class_labels"])))))
    lines.append(_row("File", escape(f"{m.path} · {human_size(m.size_bytes)} · sha256 {m.content_hash[:16]}…")))
    packages, mismatches = package_rows(props.get("packages") or {})
    verdict = (f"<p style='color:{MISMATCH}'>{mismatches} package version(s) differ from training: "
               "predictions may differ or loading may fail.</p>" if mismatches else "")
    table = ("<table cellspacing=0 cellpadding=2><tr><th align=left>Package</th><th align=left>At training</th>"
             f"<th align=left>Installed</th></tr>{packages}</table>" if packages else
             "<p>No package versions were recorded.</p>")
    return (f"<h3 style='margin:0'>{escape(m.name)}:{m.version}</h3>"
            f"<table width='100%'><tr><td valign=top width='62%'><table>{''.join(lines)}</table></td>"
            f"<td valign=top style='padding-left:16px'><b>Trained with</b>{table}{verdict}</td></tr></table>")
