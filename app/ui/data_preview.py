"""Plain functions behind the dataset pages: chunked file previews, column profiles, label checks.

No Qt here. Files are read in chunks and only as far as needed, so a 1 GB CSV previews as
fast as a small one; pandas is imported inside the functions to keep start-up fast.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from app.core.delimited import sniff
from app.core.errors import UserInputError
from app.core.progress import Sink

CHUNK_ROWS = 500
PROFILE_ROWS = 5000
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    dtype: str
    missing_pct: float
    distinct: int


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def iter_file_chunks(path: str | Path, chunk_rows: int = CHUNK_ROWS) -> Iterator:
    """DataFrames of `chunk_rows` rows from a CSV or Parquet file, read lazily."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"file not found: {path}; choose an existing CSV or Parquet file")
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _parquet_chunks(path, chunk_rows)
    return _csv_chunks(path, chunk_rows)


def _csv_chunks(path: Path, chunk_rows: int):
    import pandas as pd

    form = sniff(path)
    try:
        reader = pd.read_csv(path, chunksize=chunk_rows, low_memory=True, **form.pandas_options())
        first = next(reader, None)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise UserInputError(f"{path.name}: cannot be read as CSV ({_first_line(exc)}); "
                             "choose a comma-separated UTF-8 text file with a header row, or a Parquet file") from None
    if first is None or first.empty:
        raise UserInputError(f"{path.name}: has a header but no data rows; choose a file with data")
    if len(first.columns) < 2:
        raise UserInputError(f"{path.name}: only one column was found; a dataset needs features and a label "
                             "(is the file comma-separated?)")
    return _guarded(path, first, reader)


def form_note(path: str | Path) -> str:
    """What registering a delimited file of another form does with it; empty for the usual form."""
    path = Path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return ""
    form = sniff(path)
    return "" if form.standard else (f"Read as {form.describe()}; registering it makes a comma-separated "
                                     "UTF-8 copy.")


def _guarded(path: Path, first, reader):
    import pandas as pd

    yield first
    try:
        yield from reader
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UserInputError(f"{path.name}: unreadable further down ({_first_line(exc)})") from None


def _parquet_chunks(path: Path, chunk_rows: int):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        batches = pq.ParquetFile(path).iter_batches(batch_size=chunk_rows)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UserInputError(f"{path.name}: cannot be read as Parquet ({_first_line(exc)}); "
                             "choose a valid Parquet or CSV file") from None
    return (batch.to_pandas() for batch in batches)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def read_file_head(path: str | Path, rows: int = PROFILE_ROWS, sink: Sink | None = None):
    """The first `rows` rows of a file, read chunk by chunk."""
    import pandas as pd

    frames, have = [], 0
    for chunk in iter_file_chunks(path):
        if sink is not None:
            sink.check()
        frames.append(chunk)
        have += len(chunk)
        if have >= rows:
            break
    return pd.concat(frames, ignore_index=True).head(rows)


def profile(frame) -> list[ColumnProfile]:
    """Type, missing share and distinct count of every column of a sample."""
    total = max(len(frame), 1)
    result = []
    for name in frame.columns:
        col = frame[name]
        result.append(ColumnProfile(str(name), _kind(col), 100.0 * float(col.isna().sum()) / total,
                                    int(col.nunique(dropna=True))))
    return result


def _kind(col) -> str:
    import pandas as pd

    from app.core.timeseries import date_text_format

    if pd.api.types.is_bool_dtype(col):
        return "boolean"
    if pd.api.types.is_integer_dtype(col):
        return "integer"
    if pd.api.types.is_float_dtype(col):
        return "decimal"
    if pd.api.types.is_datetime64_any_dtype(col) or date_text_format(col) is not None:
        return "datetime"        # dates in a CSV are text; AutoML featurizes them as dates
    return "text"


def label_problem(values, label: str) -> str | None:
    """Why `values` cannot be a label column, or None when it can."""
    present = values.dropna()
    if present.empty:
        return f"'{label}' has no values (every row is missing); choose the column that holds the outcome"
    if present.nunique() < 2:
        return (f"'{label}' has a single value ({present.iloc[0]!r}) in every row; a model needs at least "
                "two classes or values to learn from")
    return None


def check_label(frame, label: str, more_chunks=None, sink: Sink | None = None) -> str | None:
    """Check a label on a sample, reading `more_chunks` (an iterator of frames) only if needed.

    A sorted file can show one class in its first rows; rather than refuse it from a sample,
    the rest is read until a second value appears.
    """
    if label not in frame.columns:
        return f"'{label}' is not a column of this dataset"
    problem = label_problem(frame[label], label)
    if problem is None or more_chunks is None:
        return problem
    seen = set(frame[label].dropna().unique().tolist())
    for chunk in more_chunks:
        if sink is not None:
            sink.check()
        seen.update(chunk[label].dropna().unique().tolist())
        if len(seen) >= 2:
            return None
    return problem


def dataset_sample(backend, name: str, version: int | None, rows: int = PROFILE_ROWS, sink: Sink | None = None):
    """A registered version's first rows and their column profile."""
    if sink is not None:
        sink.progress(None, f"reading the first rows of {name}")
    frame = backend.preview_dataset(name, version, rows=rows)
    return frame, profile(frame)


def check_dataset_label(backend, name: str, version: int | None, label: str, sample=None,
                        sink: Sink | None = None) -> str | None:
    """Check a label on the sample, then on the rest of a local snapshot when the sample is not enough."""
    if sample is None:
        sample = backend.preview_dataset(name, version, rows=PROFILE_ROWS)
    more = None
    dataset = backend.get_dataset(name, version)
    table = _snapshot_file(dataset.path)
    if table is not None and (dataset.rows or 0) > len(sample):
        chunks = iter_file_chunks(table, chunk_rows=50_000)
        next(chunks, None)
        more = chunks
    return check_label(sample, label, more, sink)


def _snapshot_file(path: str | None) -> Path | None:
    """The (first) table file of a local snapshot, or None when the data is not on this machine."""
    if not path:
        return None
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file())
        return files[0] if files else None
    return p if p.is_file() else None
