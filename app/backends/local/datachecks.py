"""Checks of a spec against the registered data, run before any run record exists."""
from __future__ import annotations

from pathlib import Path

from app.backends.local.tables import read_column, table_columns
from app.core.errors import UserInputError
from app.core.spec import PipelineSpec, Problem

LABEL_SAMPLE_ROWS = 2_000_000
MIN_LABELLED_ROWS = 10  # the AutoML step's own minimum (automl.data.MIN_ROWS), checked before a run exists


def check_data(spec: PipelineSpec, data_path: Path, dataset_ref: str, sink=None) -> list[Problem]:
    """Problems with the data for this spec: label present, not dropped, usable for the task.

    The label is read from (up to LABEL_SAMPLE_ROWS of) the file in chunks, reporting to `sink`.
    """
    problems: list[Problem] = []
    add = lambda path, msg, level="error": problems.append(Problem(path, msg, level))  # noqa: E731
    try:
        columns = table_columns(data_path)
    except UserInputError as exc:
        return [Problem("dataset", f"{dataset_ref}: {exc}")]
    a = spec.automl
    label = a.label_column_name
    prep = spec.data_prep
    shown = ", ".join(columns[:30]) + (" …" if len(columns) > 30 else "")
    if prep is not None and not prep.is_bundled:
        add("automl.label_column_name", "a custom data-prep script decides the columns; the label is checked when it runs",
            "warning")
        return problems
    if prep is not None:
        for key, value in prep.options.items():
            names = value if isinstance(value, list) else list(value) if isinstance(value, dict) else []
            for col in names:
                if col not in columns:
                    add(f"data_prep.options.{key}", f"column '{col}' is not in dataset {dataset_ref} (columns: {shown})")
        if label in (prep.options.get("drop") or []):
            add("data_prep.options.drop", f"drops the label column '{label}'; remove it from the list")
    if label and label not in columns:
        add("automl.label_column_name", f"column '{label}' is not in dataset {dataset_ref} (columns: {shown})")
        return problems
    for key in ("weight_column_name",):
        col = getattr(a, key)
        if col and col not in columns:
            add(f"automl.{key}", f"column '{col}' is not in dataset {dataset_ref}")
    if a.task == "forecasting":
        problems.extend(_forecasting_problems(spec, data_path, dataset_ref, columns, sink))
    if label:
        values = read_column(data_path, label, LABEL_SAMPLE_ROWS, sink)
        problems.extend(check_label(values, label, a.task, a.positive_label))
    return problems


def _forecasting_problems(spec: PipelineSpec, data_path: Path, dataset_ref: str, columns: list[str],
                          sink) -> list[Problem]:
    """What the data contradicts in the forecasting block: time parsing, duplicates, gaps, series length."""
    import pandas as pd

    from app.backends.local.automl.forecasting.series import check_table
    from app.core.forecasting import DEFAULT_FOLDS, PATH, ForecastSettings, validate_block

    a = spec.automl
    found: list[str] = []
    validate_block(a.forecasting, a.label_column_name, "local", lambda path, message, level="error": found.append(level))
    if "error" in found:        # said by validate_spec; the data is checked against a block that holds
        return []
    fs = ForecastSettings.from_block(a.forecasting)
    wanted = [("time_column_name", fs.time_column)] + [("time_series_id_column_names", c) for c in fs.series_ids] \
        + [("features_unknown_at_forecast_time", c) for c in fs.unknown_features]
    absent = [Problem(f"{PATH}.{key}", f"column '{col}' is not in dataset {dataset_ref}")
              for key, col in wanted if col and col not in columns]
    if absent or not fs.time_column or a.label_column_name not in columns:
        return absent
    # The check reads the columns it needs and not the other covariates, but the unknown features are
    # checked against the table too, so they are read along.
    needed = [fs.time_column, *fs.series_ids, a.label_column_name, *fs.unknown_features]
    frame = pd.DataFrame({col: read_column(data_path, col, LABEL_SAMPLE_ROWS, sink) for col in dict.fromkeys(needed)})
    return check_table(frame, fs, a.label_column_name, a.n_cross_validations or DEFAULT_FOLDS)


def check_label(values, label: str, task: str, positive_label=None) -> list[Problem]:
    """Whether a label column can be learned for `task`."""
    problems = _label_values(values, label, task, positive_label)
    labelled = int(values.notna().sum())
    if not any(p.level == "error" for p in problems) and labelled < MIN_LABELLED_ROWS:
        problems.append(Problem("automl.label_column_name", f"column '{label}' has a value in only {labelled} "
                                f"row(s); AutoML needs at least {MIN_LABELLED_ROWS} labelled rows: register more data"))
    return problems


def _label_values(values, label: str, task: str, positive_label=None) -> list[Problem]:
    import numpy as np
    import pandas as pd

    where = "automl.label_column_name"
    present = values.dropna()
    if present.empty:
        return [Problem(where, f"column '{label}' has no values (all missing); choose another label column")]
    if task == "classification":
        classes = present.unique()
        if len(classes) < 2:
            return [Problem(where, f"column '{label}' has only one class ({classes[0]!r}); "
                                   "classification needs at least two")]
        out = []
        if positive_label is not None and str(positive_label) not in {str(c) for c in classes}:
            out.append(Problem("automl.positive_label", f"'{positive_label}' is not a class of '{label}'"))
        if pd.api.types.is_float_dtype(present) and len(classes) > max(50, len(present) // 2):
            out.append(Problem("automl.task", f"'{label}' looks continuous ({len(classes)} distinct values); "
                                              "did you mean regression?", "warning"))
        return out
    numeric = pd.to_numeric(present, errors="coerce")
    if numeric.isna().any():
        bad = present[numeric.isna()].iloc[0]
        return [Problem(where, f"{task} needs a numeric label; '{label}' has values like {bad!r}")]
    infinite = int(np.isinf(numeric.to_numpy(dtype=float)).sum())
    if infinite:
        return [Problem(where, f"column '{label}' has {infinite} infinite value(s) (inf); a label must be finite: "
                               "fix or remove those rows")]
    if numeric.nunique() < 2:
        return [Problem(where, f"column '{label}' has a single value; there is nothing to predict")]
    return []
