"""Predicting with a registered model on a raw CSV/Parquet file, in chunks.

The model is checked before it is unpickled (hash, package versions, Azure runtime). When
it came from a pipeline with a data-prep step, the parameters that step fitted on the
training data (saved beside the model) are applied to each chunk first, never re-fitted,
so users predict on raw data like the data they registered. The output is written to a
`.partial` file renamed into place at the end; a cancel or failure removes it.
"""
from __future__ import annotations

import json
import os
import pickle
import time
from pathlib import Path

from app.backends.local import model_checks
from app.backends.local.tables import csv_header, table_format
from app.core.delimited import sniff
from app.core.errors import UserInputError
from app.core.progress import Sink
from app.core.runs import ModelVersion

CHUNK_ROWS = 50_000
PARAMS_FILE = "dataprep_params.json"
PREDICTION = "prediction"
PROBABILITY_PREFIX = "probability_"
INTERVAL_COLUMNS = ["prediction_lower", "prediction_upper"]


def predict_file(backend, name: str, version: int | None, data_path, out_path, sink: Sink | None = None,
                 chunk_rows: int = CHUNK_ROWS, prepared: bool = False) -> dict:
    """Write the rows of `data_path` plus `prediction` (and `probability_<class>`, or for forecasting
    `prediction_lower`/`prediction_upper`) to `out_path` (CSV). `prepared`: the rows are already as
    the model's data prep leaves them, so it is not applied again.

    Returns a summary: model, rows, output, columns, warnings, dataprep, chunks, seconds.
    """
    sink = sink or Sink()
    started = time.time()
    data_path, out_path = Path(data_path).expanduser(), Path(out_path).expanduser()
    if not data_path.is_file():
        raise UserInputError(f"data file not found: {data_path}")
    if out_path.resolve() == data_path.resolve():
        raise UserInputError(f"the output {out_path} is the input file; choose another output file")
    if not out_path.parent.is_dir():
        raise UserInputError(f"the output folder {out_path.parent} does not exist; create it or choose another")
    record = backend.get_model(name, version)
    sink.progress(0.0, f"checking model {record.name}:{record.version}")
    model, warnings = load_checked(record)
    params = None if prepared else _dataprep_params(record)
    predictor = _ChunkPredictor(record, model, params)
    tmp = out_path.with_name(out_path.name + ".partial")
    rows = chunks = 0
    try:
        for frame, fraction in _read_chunks(data_path, chunk_rows):
            sink.check()
            scored = predictor.score(frame)
            scored.to_csv(tmp, mode="w" if chunks == 0 else "a", header=chunks == 0, index=False)
            rows += len(scored)
            chunks += 1
            sink.progress(fraction, f"predicted {rows:,} rows")
        if chunks == 0:
            raise UserInputError(f"{data_path.name}: has no data rows to predict on")
        sink.check()
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    warnings += predictor.all_warnings()
    return {"model": f"{record.name}:{record.version}", "rows": rows, "output": str(out_path),
            "columns": predictor.added, "warnings": warnings, "dataprep": params is not None,
            "chunks": chunks, "seconds": round(time.time() - started, 3)}


def predict_next_periods(backend, name: str, version: int | None, periods: int, out_path,
                         sink: Sink | None = None) -> dict:
    """A forecasting model's next `periods` periods of every series it was trained on, written like
    `predict_file` writes (the future frame it builds itself: time, series ids, covariates at their
    last known values)."""
    import tempfile

    record = backend.get_model(name, version)
    model, _ = load_checked(record)
    if not hasattr(model, "future_frame"):
        raise UserInputError(f"model {record.name}:{record.version} is a {record.task or 'non-forecasting'} model; "
                             "'next periods' needs a forecasting model: give a data file instead")
    try:
        frame = model.future_frame(periods)
    except ValueError as exc:
        raise UserInputError(f"model {record.name}:{record.version}: {exc}") from None
    # The frame is built from what the model was trained on, after any data prep: applying the
    # prep again would encode codes and bin bins.
    with tempfile.TemporaryDirectory() as tmp:
        future = Path(tmp) / "future.csv"
        frame.to_csv(future, index=False)
        summary = predict_file(backend, record.name, record.version, future, out_path, sink, prepared=True)
    held_columns = [c for c in getattr(model, "covariates", []) if c in model.required_columns]  # used ones only
    if held_columns:
        one = len(held_columns) == 1
        as_prepared = f" (as the data prep left {'it' if one else 'them'})" if _dataprep_params(record) is not None else ""
        names = ", ".join(held_columns)
        if one:
            held = (f"the covariate {names} was held at its last known value{as_prepared}; give a file of "
                    "future rows when you know it")
        else:
            held = (f"the covariates {names} were held at their last known values{as_prepared}; give a file of "
                    "future rows when you know them")
        summary["warnings"].append(held)
    return {**summary, "periods": periods}


def load_checked(record: ModelVersion):
    """(unpickled model, warnings): refuses a changed file, names package mismatches."""
    path = model_checks.verify_hash(record)
    mismatches = model_checks.package_mismatches(record.properties.get("packages") or {})
    warnings = []
    if mismatches:
        warnings.append("package versions differ from training, predictions may differ or fail: "
                        + "; ".join(mismatches))
    if model_checks.needs_azure_runtime(path) and model_checks.installed_version(
            model_checks.AZURE_RUNTIME_PACKAGE) is None:
        raise UserInputError(model_checks.azure_runtime_message(record))
    try:
        with open(path, "rb") as fh:
            model = pickle.load(fh)
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("azureml"):
            raise UserInputError(model_checks.azure_runtime_message(record)) from None
        raise UserInputError(f"model {record.name}:{record.version} needs the module '{exc.name}', which is not "
                             f"installed; install it and try again") from None
    except Exception as exc:  # noqa: BLE001 - any unpickling failure becomes a message naming the cause
        hint = f" ({'; '.join(mismatches)})" if mismatches else ""
        raise UserInputError(f"model {record.name}:{record.version} cannot be loaded: {type(exc).__name__}: {exc}"
                             f"{hint}") from None
    if not hasattr(model, "predict"):
        raise UserInputError(f"model {record.name}:{record.version} is a {type(model).__name__}, "
                             "which has no predict(); it is not a model this app can use")
    return model, warnings


def _dataprep_params(record: ModelVersion) -> dict | None:
    path = Path(record.path).parent / PARAMS_FILE
    if not path.is_file():
        if record.properties.get("has_dataprep"):
            raise UserInputError(f"model {record.name}:{record.version} came from a pipeline with a data-prep step "
                                 f"but its {PARAMS_FILE} is missing; register the model again")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserInputError(f"{path}: the saved data-prep parameters are not valid JSON ({exc})") from None


def _read_chunks(path: Path, chunk_rows: int):
    """(frame, fraction of the file read) per chunk of at most `chunk_rows` rows."""
    import pandas as pd

    if table_format(path) == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
            raise UserInputError(f"{path.name}: not a readable Parquet file ({exc})") from None
        total, done = max(pf.metadata.num_rows, 1), 0
        for batch in pf.iter_batches(batch_size=chunk_rows):
            done += batch.num_rows
            yield batch.to_pandas(), min(done / total, 1.0)
        return
    form = sniff(path)
    csv_header(path, one_column_ok=True, form=form)
    size = max(path.stat().st_size, 1)
    with open(path, "rb") as raw:
        try:
            for frame in pd.read_csv(raw, chunksize=chunk_rows, low_memory=False, **form.pandas_options()):
                yield frame, min(raw.tell() / size, 1.0)
        except (ValueError, pd.errors.ParserError) as exc:
            raise UserInputError(f"{path.name}: malformed CSV ({exc}); check the delimiter and quoting") from None


class _ChunkPredictor:
    """Turns one raw chunk into the chunk plus prediction columns."""

    def __init__(self, record: ModelVersion, model, params: dict | None):
        self.record, self.model, self.params = record, model, params
        props = record.properties
        self.label = props.get("label_column") or (params or {}).get("label")
        self.features = props.get("feature_columns") or None
        self.classes = self._classes()
        self.added = [PREDICTION] + [f"{PROBABILITY_PREFIX}{c}" for c in self.classes or []]
        # Forecasting models take the future rows as they are (time, series ids, covariates) and
        # check them themselves; some give an interval around each forecast.
        self.forecasting = record.task == "forecasting"
        self.intervals = self.forecasting and hasattr(model, "predict_with_interval")
        if self.intervals:
            self.added += INTERVAL_COLUMNS
        self.warnings: list[str] = []
        self.findings: dict[str, tuple[set[str], int]] = {}

    def all_warnings(self) -> list[str]:
        """The warnings of every chunk, the future rows' findings summed over the chunks."""
        described = self.model.describe_findings(self.findings) if self.findings else []
        return self.warnings + described

    def _add_findings(self, found: dict[str, tuple[set[str], int]]) -> None:
        for col, (unseen, gaps) in found.items():
            seen, counted = self.findings.get(col, (set(), 0))
            self.findings[col] = (seen | unseen, counted + gaps)

    def _classes(self) -> list | None:
        if self.record.task not in ("classification", "") or not hasattr(self.model, "predict_proba"):
            return None
        classes = getattr(self.model, "classes_", None)
        if classes is None:
            classes = self.record.properties.get("class_labels")
        return None if classes is None else list(classes)

    def features_of(self, frame):
        """The model's input columns for `frame` (data prep applied when the model has it)."""
        ref = f"{self.record.name}:{self.record.version}"
        if self.params is not None:
            from app.backends.local import dataprep_script

            prep = dataprep_script.load()
            try:
                frame = prep.apply(frame, self.params, label=self.label)
            except prep.DataPrepError as exc:
                raise UserInputError(f"model {ref}: the saved data prep cannot be applied: {exc}") from None
        if self.forecasting:
            return frame
        if self.features is None:
            return frame.drop(columns=[self.label], errors="ignore") if self.label else frame
        missing = [c for c in self.features if c not in frame.columns]
        if missing:
            raise UserInputError(f"model {ref} needs the columns {', '.join(map(str, missing))}, which the data "
                                 f"does not have (it has {', '.join(map(str, frame.columns[:30]))})")
        return frame[self.features]

    def score(self, frame):
        X = self.features_of(frame)
        out = frame.copy()
        clashes = [c for c in self.added if c in out.columns]
        if clashes and not self.warnings:
            self.warnings.append(f"the input already had columns {', '.join(clashes)}; they were replaced")
        out = out.drop(columns=clashes)
        try:
            if self.intervals:       # the forecast and its interval from one pass
                out[PREDICTION], out[INTERVAL_COLUMNS[0]], out[INTERVAL_COLUMNS[1]] = \
                    self.model.predict_with_interval(X)
            else:
                out[PREDICTION] = self.model.predict(X)
            if self.classes is not None:
                proba = self.model.predict_proba(X)
                for i, cls in enumerate(self.classes):
                    out[f"{PROBABILITY_PREFIX}{cls}"] = proba[:, i]
            if self.forecasting and hasattr(self.model, "future_findings"):
                self._add_findings(self.model.future_findings(X))
        except (ValueError, TypeError, KeyError) as exc:
            raise UserInputError(f"model {self.record.name}:{self.record.version} cannot predict on this data: "
                                 f"{exc}") from None
        return out
