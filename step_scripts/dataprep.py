"""Data-prep step: fit cleaning parameters on training data, or apply saved ones to new data.

The Azure ML AutoMLStep Titanic sample, done so it works under current pandas and so that
predicting on new data reuses what was learned from the training data instead of re-fitting.

    python dataprep.py --input PATH --output DIR [--options JSON | --options-file PATH]
                       [--apply-params PATH] [--label COL]

Writes DIR/prepared.parquet and DIR/dataprep_params.json. Exit 0 on success, 2 on bad input
(one line on stderr), 1 on an unexpected failure. Standalone: Azure uploads this folder as-is,
so it imports only the standard library, numpy, pandas and pyarrow.

Importable API (for callers that load this file with importlib):
    read_table(path) -> DataFrame
    fit(frame, options, label=None) -> (prepared_frame, params)
    apply(frame, params, label=None) -> prepared_frame
Bad input raises DataPrepError (a ValueError) with a message meant for the user.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

PARAMS_FORMAT = "automl-desk-dataprep"
PARAMS_VERSION = 1
PREPARED_FILE = "prepared.parquet"
PARAMS_FILE = "dataprep_params.json"
UNKNOWN = "unknown"
DEFAULT_SEED = 42
LIST_OPTIONS = ("drop", "impute_random", "fill_zero", "fill_unknown")
MAP_OPTIONS = ("quantile_bins", "encode")
OPTIONS = LIST_OPTIONS + MAP_OPTIONS + ("seed",)
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
# Up to this many distinct values the imputer keeps the exact observed distribution;
# above it, quantiles at IMPUTE_QUANTILES points keep params.json small for big data.
IMPUTE_MAX_DISTINCT = 2000
IMPUTE_QUANTILES = 1001


class DataPrepError(ValueError):
    """Bad input or options; the message says what is wrong and what to do."""


# ---------------------------------------------------------------- reading


def read_table(path) -> pd.DataFrame:
    """Read a CSV/Parquet file, or a folder of files of one type (concatenated in name order)."""
    path = Path(path)
    if not path.exists():
        raise DataPrepError(f"input '{path}' does not exist; check the path")
    files = _data_files(path) if path.is_dir() else [(path, _detect_format(path))]
    frames = [_read_file(file, fmt) for file, fmt in files]
    first_file, first = files[0][0], frames[0]
    for (file, _), frame in zip(files[1:], frames[1:]):
        if list(frame.columns) != list(first.columns):
            raise DataPrepError(
                f"'{file.name}' has columns {_names(frame.columns)} but '{first_file.name}' has "
                f"{_names(first.columns)}; files in one input folder must share their columns")
    table = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if table.empty:
        raise DataPrepError(f"input '{path}' has a header but no data rows; give a file with data")
    return table


def _data_files(folder: Path) -> list[tuple[Path, str]]:
    visible = sorted(p for p in folder.rglob("*")
                     if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    known = [p for p in visible if p.suffix.lower() in CSV_SUFFIXES | PARQUET_SUFFIXES]
    # Azure names step outputs without a suffix, so only then does content decide;
    # marker files such as _SUCCESS are not data.
    candidates = known or [p for p in visible if not p.suffix and not p.name.startswith("_")]
    files = [(p, _detect_format(p)) for p in candidates]
    formats = {fmt for _, fmt in files}
    if not files:
        raise DataPrepError(f"input folder '{folder}' holds no CSV or Parquet file; put the data file in it")
    if len(formats) > 1:
        raise DataPrepError(f"input folder '{folder}' mixes CSV and Parquet files; keep one type per folder")
    return files


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if head.startswith(b"PAR1"):
        return "parquet"
    if b"\x00" not in head:
        return "csv"
    raise DataPrepError(f"cannot tell the format of '{path}'; give it a .csv or .parquet suffix")


def _read_file(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise DataPrepError(f"'{path}' is not a readable Parquet file ({exc}); check the file") from exc
    raw = path.read_bytes()
    if not raw.strip():
        raise DataPrepError(f"input file '{path}' is empty; give a file with a header row and data")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(text)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep)
    except pd.errors.ParserError as exc:
        raise DataPrepError(f"'{path}' is not a well-formed CSV file ({exc}); check the file") from exc


def _sniff_delimiter(text: str) -> str:
    if "," in text.split("\n", 1)[0]:
        return ","
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


# ---------------------------------------------------------------- options


def check_options(options) -> dict:
    """Check the option types (not the columns) and return them with defaults filled in."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise DataPrepError("options must be a JSON object, e.g. {\"drop\": [\"Name\"]}")
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise DataPrepError(f"unknown option '{unknown[0]}'; the options are {', '.join(OPTIONS)}")
    checked = {key: list(options.get(key) or []) for key in LIST_OPTIONS}
    for key in LIST_OPTIONS:
        value = options.get(key) or []
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise DataPrepError(f"option '{key}' must be a list of column names")
    for key in MAP_OPTIONS:
        value = options.get(key) or {}
        if not isinstance(value, dict):
            raise DataPrepError(f"option '{key}' must be a mapping of column name to value")
        checked[key] = dict(value)
    for col, bins in checked["quantile_bins"].items():
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise DataPrepError(f"option 'quantile_bins' gives column '{col}' {bins!r} bins; give a whole number >= 2")
    for col, cats in checked["encode"].items():
        if not isinstance(cats, list):
            raise DataPrepError(f"option 'encode' for column '{col}' must be a list of categories")
    seed = options.get("seed", DEFAULT_SEED)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DataPrepError(f"option 'seed' must be a whole number >= 0, not {seed!r}")
    checked["seed"] = seed
    return checked


def _check_columns(options: dict, columns, label) -> None:
    columns = list(columns)
    for col in options["drop"]:
        if col not in columns:
            raise DataPrepError(_missing_column("drop", col, columns))
    if label is not None:
        if label not in columns:
            raise DataPrepError(f"label column '{label}' is not in the data (columns: {_names(columns)})")
        if label in options["drop"]:
            raise DataPrepError(f"option 'drop' removes the label column '{label}'; take it out of 'drop'")
    kept = [c for c in columns if c not in options["drop"]]
    for key in LIST_OPTIONS[1:] + MAP_OPTIONS:
        for col in options[key]:
            if col in options["drop"]:
                raise DataPrepError(f"option '{key}' names column '{col}', which 'drop' removes; "
                                    f"take it out of one of them")
            if col not in kept:
                raise DataPrepError(_missing_column(key, col, columns))


def _missing_column(option: str, col: str, columns) -> str:
    return f"option '{option}' names column '{col}', which is not in the data (columns: {_names(columns)})"


def _names(columns, limit: int = 30) -> str:
    columns = [str(c) for c in columns]
    more = f", ... and {len(columns) - limit} more" if len(columns) > limit else ""
    return ", ".join(columns[:limit]) + more


# ---------------------------------------------------------------- fitting


def fit(frame: pd.DataFrame, options=None, label: str | None = None):
    """Learn the prep parameters from `frame` and return (prepared frame, params).

    Each stage is learned, then applied with the same functions `apply` uses, so the prepared
    frame equals `apply(frame, params)`.
    """
    options = check_options(options)
    if frame.empty:
        raise DataPrepError("the data has no rows; give a file with data")
    _check_columns(options, frame.columns, label)
    work = frame.drop(columns=options["drop"])
    params = {
        "format": PARAMS_FORMAT, "version": PARAMS_VERSION, "seed": options["seed"], "label": label,
        "options": options, "drop": options["drop"],
        "impute_random": {col: _fit_impute(work[col], col) for col in options["impute_random"]},
        "fill_zero": options["fill_zero"], "fill_unknown": options["fill_unknown"],
    }
    filled = _apply_fills(work, params)
    params["encode"] = {col: _fit_encode(filled[col], cats) for col, cats in options["encode"].items()}
    encoded = _apply_encode(filled, params)
    params["quantile_bins"] = {col: _fit_bins(encoded[col], col, n) for col, n in options["quantile_bins"].items()}
    binned = _apply_bins(encoded, params)
    params["columns"] = [str(c) for c in binned.columns]
    params["dtypes"] = {str(c): str(t) for c, t in binned.dtypes.items()}
    return binned, params


def _fit_impute(series: pd.Series, col: str) -> dict:
    if not pd.api.types.is_numeric_dtype(series):
        raise DataPrepError(f"option 'impute_random' needs a numeric column, but '{col}' holds text; "
                            f"use 'fill_unknown' for it")
    observed = series.dropna()
    if observed.empty:
        raise DataPrepError(f"option 'impute_random': column '{col}' has no values to draw from; "
                            f"use 'fill_zero' or drop it")
    counts = observed.value_counts().sort_index()
    if len(counts) <= IMPUTE_MAX_DISTINCT:
        return {"kind": "values", "values": [float(v) for v in counts.index],
                "counts": [int(n) for n in counts.to_numpy()]}
    probabilities = np.linspace(0.0, 1.0, IMPUTE_QUANTILES)
    return {"kind": "quantiles", "probabilities": [float(p) for p in probabilities],
            "quantiles": [float(q) for q in np.quantile(observed.to_numpy(dtype=float), probabilities)]}


def _fit_encode(series: pd.Series, categories: list) -> dict:
    if not categories:
        categories = sorted({_category_key(v) for v in series})
    keys = [_category_key(c) for c in categories]
    codes: dict[str, int] = {}
    for i, key in enumerate(keys):
        codes.setdefault(key, i)
    # "unknown", unseen and missing values share one code: that of "unknown" when it is
    # listed, else the first code after the listed categories.
    other = codes.get(UNKNOWN, len(keys))
    return {"categories": keys, "codes": codes, "other_code": other}


def _fit_bins(series: pd.Series, col: str, bins: int) -> dict:
    values = _numeric(series, "quantile_bins", col)
    edges = np.unique(np.quantile(values, np.linspace(0.0, 1.0, bins + 1)))
    return {"requested": bins, "bins": max(len(edges) - 1, 1), "edges": [float(e) for e in edges]}


# ---------------------------------------------------------------- applying


def apply(frame: pd.DataFrame, params: dict, label: str | None = None) -> pd.DataFrame:
    """Apply saved parameters to `frame`; never re-fits. The label column may be absent."""
    _check_params(params)
    label = label if label is not None else params.get("label")
    if frame.empty:
        raise DataPrepError("the data has no rows; give a file with data")
    needed = [c for c in params["columns"] if c != label]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataPrepError(f"column '{missing[0]}', which the parameters were fitted with, is not in the data "
                            f"(columns: {_names(frame.columns)}); give data with the training columns")
    # Dropped columns need not be present at apply time, and extra columns are left out,
    # so the result has exactly the fitted columns (minus an absent label).
    work = frame[[c for c in params["columns"] if c in frame.columns]].copy()
    work = _apply_bins(_apply_encode(_apply_fills(work, params), params), params)
    return _match_dtypes(work, params.get("dtypes", {}))


def _check_params(params) -> None:
    if not isinstance(params, dict) or params.get("format") != PARAMS_FORMAT:
        raise DataPrepError(f"these are not dataprep parameters (no \"format\": \"{PARAMS_FORMAT}\"); "
                            f"give the {PARAMS_FILE} written by a fitting run")
    if params.get("version") != PARAMS_VERSION:
        raise DataPrepError(f"dataprep parameters version {params.get('version')!r} is not supported "
                            f"(this script reads version {PARAMS_VERSION}); re-run the data-prep step")


def _apply_fills(work: pd.DataFrame, params: dict) -> pd.DataFrame:
    work = work.copy()
    for col, dist in params["impute_random"].items():
        if col in work.columns:
            work[col] = _impute(work[col], dist, params["seed"], col)
    for col in params["fill_zero"]:
        if col in work.columns:
            work[col] = work[col].fillna(0)
    for col in params["fill_unknown"]:
        if col in work.columns:
            work[col] = work[col].astype(object).where(work[col].notna(), UNKNOWN)
    return work


def _impute(series: pd.Series, dist: dict, seed: int, col: str) -> pd.Series:
    values = _numeric(series, "impute_random", col, allow_missing=True)
    gaps = np.isnan(values)
    if not gaps.any():
        return series
    # One stream per column, so the draws for a column do not depend on the other columns.
    rng = np.random.default_rng([seed, zlib.crc32(col.encode("utf-8"))])
    if dist["kind"] == "values":
        counts = np.asarray(dist["counts"], dtype=float)
        draws = rng.choice(np.asarray(dist["values"], dtype=float), size=int(gaps.sum()), p=counts / counts.sum())
    else:
        draws = np.interp(rng.random(int(gaps.sum())), dist["probabilities"], dist["quantiles"])
    values = values.copy()
    values[gaps] = draws
    return pd.Series(values, index=series.index, name=series.name)


def _apply_encode(work: pd.DataFrame, params: dict) -> pd.DataFrame:
    for col, mapping in params["encode"].items():
        if col in work.columns:
            codes, other = mapping["codes"], mapping["other_code"]
            # Look up each distinct value once; missing values are left unmapped and get `other`.
            lookup = {v: codes.get(_category_key(v), other) for v in work[col].dropna().unique()}
            work[col] = work[col].map(lookup).fillna(other).astype(np.int64)
    return work


def _apply_bins(work: pd.DataFrame, params: dict) -> pd.DataFrame:
    for col, spec in params["quantile_bins"].items():
        if col in work.columns:
            values = _numeric(work[col], "quantile_bins", col)
            inner = np.asarray(spec["edges"][1:-1], dtype=float)
            # Right-closed bins as in pandas.qcut; values beyond the fitted range fall in the end bins.
            work[col] = np.searchsorted(inner, values, side="left").astype(np.int64)
    return work


def _category_key(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return UNKNOWN
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _numeric(series: pd.Series, option: str, col: str, allow_missing: bool = False) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) & series.notna().to_numpy()
    if bad.any():
        raise DataPrepError(f"option '{option}': column '{col}' holds non-numeric values such as "
                            f"{series[bad].iloc[0]!r}; clean the column or use 'encode' for it")
    if not allow_missing and np.isnan(values).any():
        raise DataPrepError(f"option '{option}': column '{col}' still has missing values; "
                            f"add it to 'impute_random' or 'fill_zero'")
    return values


def _match_dtypes(work: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    """Give numeric columns the fitted dtype when that loses nothing (an int column of a
    small file may read as float or the reverse), so models see what they were trained on."""
    for col, fitted in dtypes.items():
        if col not in work.columns or str(work[col].dtype) == fitted:
            continue
        if pd.api.types.is_numeric_dtype(work[col]) and fitted.startswith(("int", "float")):
            try:
                cast = work[col].astype(fitted)
            except (TypeError, ValueError):
                continue
            if (cast == work[col]).all():
                work[col] = cast
    return work


# ---------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise DataPrepError(f"{message}; see --help")


def _parse_args(argv):
    parser = _Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="CSV/Parquet file, or a folder of them")
    parser.add_argument("--output", required=True, help="folder for prepared.parquet and dataprep_params.json")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--options", help="options as a JSON object")
    group.add_argument("--options-file", help="a JSON file holding the options")
    parser.add_argument("--apply-params", help="apply this dataprep_params.json instead of fitting")
    parser.add_argument("--label", help="label column: checked when fitting, may be absent when applying")
    return parser.parse_args(argv)


def _load_json(text: str, what: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataPrepError(f"{what} is not valid JSON ({exc}); give a JSON object") from exc


def _read_json_file(path: str, what: str):
    file = Path(path)
    if not file.exists() or file.is_dir():
        raise DataPrepError(f"{what} '{path}' does not exist; check the path")
    return _load_json(file.read_text(encoding="utf-8-sig"), f"{what} '{path}'")


def _readable_json(value, indent: int = 0) -> str:
    """JSON with one key per line but lists of plain values on one line, so that
    bin edges and observed values read as rows instead of pages."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(str(k))}: {_readable_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [f"{pad}{_readable_json(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return json.dumps(value)


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise DataPrepError(_unwritable(path, exc)) from None


def _unwritable(path: Path, exc: OSError) -> str:
    return (f"cannot write {path} ({exc.strerror or exc}); the output folder must be writable "
            "and its disk not full")


def run(args) -> str:
    frame = read_table(args.input)
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataPrepError(_unwritable(out, exc)) from None
    if args.apply_params:
        if args.options or args.options_file:
            raise DataPrepError("--apply-params uses the saved options; leave out --options/--options-file")
        params = _read_json_file(args.apply_params, "parameters file")
        prepared = apply(frame, params, label=args.label)
        how = f"applied {args.apply_params}"
    else:
        if args.options_file:
            options = _read_json_file(args.options_file, "options file")
        else:
            options = _load_json(args.options, "--options") if args.options else {}
        prepared, params = fit(frame, options, label=args.label)
        how = "fitted"
    _write_atomic(out / PREPARED_FILE, lambda p: prepared.to_parquet(p, index=False))
    _write_atomic(out / PARAMS_FILE, lambda p: p.write_text(_readable_json(params) + "\n", encoding="utf-8"))
    return f"prepared {len(prepared)} rows x {len(prepared.columns)} columns ({how}) -> {out / PREPARED_FILE}"


def main(argv=None) -> int:
    try:
        print(run(_parse_args(argv)))
    except DataPrepError as exc:
        print(f"dataprep: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the executor shows this line; the exit code tells it apart from bad input
        print(f"dataprep: unexpected failure: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
