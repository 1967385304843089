"""Reading CSV/Parquet tables with messages that say what is wrong with the file."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.delimited import TextForm, sniff
from app.core.errors import UserInputError

if TYPE_CHECKING:
    import pandas as pd

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


def table_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in CSV_SUFFIXES:
        return "csv"
    with open(path, "rb") as fh:
        return "parquet" if fh.read(4) == b"PAR1" else "csv"


def csv_header(path: Path, one_column_ok: bool = False, form: TextForm | None = None) -> list[str]:
    """The header row, checked: not empty, readable in the file's form (`sniff`ed unless given),
    no duplicate names. One column is refused unless `one_column_ok` (rows to predict on may be
    one column: a single series' future times), and even then when the header looks separated
    by something else."""
    if path.stat().st_size == 0:
        raise UserInputError(f"{path.name}: the file is empty; choose a CSV file with a header row and data")
    form = form or sniff(path)
    try:
        with open(path, newline="", encoding=form.encoding) as fh:
            header = next(csv.reader(fh, delimiter=form.separator), [])
            has_row = next(fh, None) is not None
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"{path.name}: not UTF-8 text (byte {exc.start}); re-save the file as UTF-8 CSV") from None
    if not header or all(not h.strip() for h in header):
        raise UserInputError(f"{path.name}: the first line is empty; the file needs a header row")
    if not has_row:
        raise UserInputError(f"{path.name}: has a header but no data rows")
    if len(header) == 1 and not (one_column_ok and not _other_separators(header[0])):
        raise UserInputError(_one_column_message(path.name, header[0]))
    if all(_is_number(h) for h in header):
        raise UserInputError(f"{path.name}: the first line ({', '.join(header[:5])}…) holds numbers, not column "
                             "names; add a header row naming each column")
    seen, dupes = set(), []
    for name in header:
        if name in seen:
            dupes.append(name)
        seen.add(name)
    if dupes:
        raise UserInputError(f"{path.name}: duplicate column names {sorted(set(dupes))}; rename them so each is unique")
    return header


def _other_separators(header: str) -> list[str]:
    return [name for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")) if sep in header]


def _one_column_message(file_name: str, header: str) -> str:
    found = _other_separators(header)
    why = f"the values seem to be separated by {found[0]}" if found else "a dataset needs features and a label"
    return (f"{file_name}: only one column was found ({why}); save the file as comma-separated CSV "
            "with a header row")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_table(path: str | Path, nrows: int | None = None, usecols: list[str] | None = None) -> "pd.DataFrame":
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"file not found: {path}")
    if table_format(path) == "parquet":
        try:
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(path)
            if nrows is None:
                return pf.read(columns=usecols).to_pandas()
            batch = next(pf.iter_batches(batch_size=max(nrows, 1), columns=usecols), None)
            return batch.to_pandas() if batch is not None else pf.schema_arrow.empty_table().to_pandas()
        except UserInputError:
            raise
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for bad files
            raise UserInputError(f"{path.name}: not a readable Parquet file ({exc})") from None
    form = sniff(path)
    csv_header(path, form=form)
    try:
        return pd.read_csv(path, nrows=nrows, usecols=usecols, low_memory=False, **form.pandas_options())
    except ValueError as exc:
        raise UserInputError(f"{path.name}: cannot be read as CSV ({exc})") from None
    except pd.errors.ParserError as exc:
        raise UserInputError(_malformed(path.name, exc)) from None


def table_columns(path: Path) -> list[str]:
    if table_format(path) == "parquet":
        try:
            import pyarrow.parquet as pq

            return list(pq.ParquetFile(path).schema_arrow.names)
        except Exception as exc:  # noqa: BLE001
            raise UserInputError(f"{path.name}: not a readable Parquet file ({exc})") from None
    return csv_header(path)


def read_column(path: Path, column: str, max_rows: int, sink=None) -> "pd.Series":
    """One column's first `max_rows` values, CSV read in chunks so a big file reports progress and can stop."""
    import pandas as pd

    if table_format(path) == "parquet":
        return read_table(path, usecols=[column])[column].head(max_rows)
    parts, have, size = [], 0, max(path.stat().st_size, 1)
    try:
        with open(path, "rb") as raw:
            for chunk in pd.read_csv(raw, chunksize=200_000, encoding="utf-8-sig", usecols=[column], low_memory=False):
                parts.append(chunk[column])
                have += len(chunk)
                if sink is not None:
                    sink.check()
                    sink.progress(min(raw.tell() / size, 1.0), f"checked {have:,} values of '{column}'")
                if have >= max_rows:
                    break
    except (ValueError, pd.errors.ParserError) as exc:
        raise UserInputError(_malformed(path.name, exc)) from None
    return pd.concat(parts, ignore_index=True).head(max_rows) if parts else pd.Series([], name=column, dtype=object)


def count_rows(path: Path, sink=None) -> int:
    """Rows of a table without loading it whole (CSV read in chunks, every row checked against the header)."""
    if table_format(path) == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    import pandas as pd

    check_row_lengths(path, sink)
    total, size = 0, max(path.stat().st_size, 1)
    try:
        with open(path, "rb") as raw:
            reader = pd.read_csv(raw, chunksize=200_000, encoding="utf-8-sig", usecols=[0], low_memory=False)
            for chunk in reader:
                total += len(chunk)
                if sink is not None:
                    sink.check()
                    sink.progress(min(raw.tell() / size, 1.0), f"counted {total:,} rows")
    except (ValueError, pd.errors.ParserError) as exc:
        raise UserInputError(_malformed(path.name, exc)) from None
    return total


def check_row_lengths(path: Path, sink=None) -> None:
    """Refuse a row with more values than the header (pandas would drop them silently when counting)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = csv_header(path)
    too_long: list[str] = []

    def invalid_row(row) -> str:
        if row.actual_columns < row.expected_columns:  # read as gaps, as pandas does
            return "skip"
        too_long.append(row.text)
        return "error"

    size = max(path.stat().st_size, 1)
    with open(path, "rb") as raw:
        try:
            reader = pacsv.open_csv(
                raw, read_options=pacsv.ReadOptions(block_size=1 << 22),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid_row),
                convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns}))
            for _batch in reader:
                if sink is not None:
                    sink.check()
                    sink.progress(min(raw.tell() / size, 1.0), f"checked the rows of {path.name}")
        except pa.ArrowInvalid as exc:
            raise UserInputError(_csv_problem(path.name, exc, too_long)) from None


def _csv_problem(file_name: str, exc: Exception, too_long: list[str]) -> str:
    if too_long:
        return (f"{file_name}: a row has more values than the header ({too_long[0][:80]!r}); "
                "check the delimiter and the quoting")
    text = str(exc).splitlines()[0]
    if "UTF8" in text or "UTF-8" in text:
        return f"{file_name}: not UTF-8 text further down the file; re-save the file as UTF-8 CSV"
    return _malformed(file_name, text)


def _malformed(file_name: str, problem) -> str:
    return f"{file_name}: malformed CSV ({str(problem).strip()}); check the delimiter and the quoting"
