"""Delimited text in the forms spreadsheets save it: which one a file is, and a comma-separated
UTF-8 copy of it.

Everything downstream of registration reads one form, comma-separated UTF-8 with dots for
decimals (the steps, the Azure graph's `read_delimited_files()`, the data checks). Files in
another common form are recognised from their first KB and copied into that form: semicolons
with decimal commas (what Excel saves as "CSV" in most of Europe, R's `read.csv2`), tabs,
'|', and UTF-16 ("Unicode text") or Windows-1252 text (Excel's "CSV" on Western Windows).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import UserInputError

SAMPLE_BYTES = 1 << 16
SAMPLE_ROWS = 200
PROGRESS_ROWS = 50_000
FIELD_LIMIT = 1 << 30          # pandas reads cells of any length; csv stops at 128 KB by default
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "'|'"}
ENCODINGS = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
_NUMBER_EXP = r"(?:[eE][+-]?\d+)?"
DECIMAL_COMMA = re.compile(rf"[+-]?\d*,\d+{_NUMBER_EXP}")
GROUPED_DECIMAL_COMMA = re.compile(rf"[+-]?[1-9]\d{{0,2}}(?:\.\d{{3}})+(?:,\d+)?{_NUMBER_EXP}")    # 1.234,5
DECIMAL_DOT = re.compile(rf"[+-]?\d*\.\d+{_NUMBER_EXP}")


@dataclass(frozen=True)
class TextForm:
    encoding: str = "utf-8-sig"      # a Python codec; utf-8-sig reads UTF-8 with or without a BOM
    separator: str = ","
    decimal: str = "."

    @property
    def standard(self) -> bool:
        return self.encoding == "utf-8-sig" and self.separator == "," and self.decimal == "."

    def describe(self) -> str:
        """e.g. 'semicolon-separated Windows-1252 text with decimal commas'."""
        decimals = " with decimal commas" if self.decimal == "," else ""
        return f"{SEPARATORS[self.separator]}-separated {ENCODINGS[self.encoding]} text{decimals}"

    def pandas_options(self) -> dict:
        """`pandas.read_csv` keywords that read this form."""
        return {"sep": self.separator, "encoding": self.encoding, "decimal": self.decimal,
                **({"thousands": "."} if self.decimal == "," else {})}


STANDARD = TextForm()


def conversion_note(name: str, form: TextForm) -> str:
    """What registration says it did with a file of another form."""
    return f"{name} was read as {form.describe()}; the dataset holds a comma-separated UTF-8 copy"


def sniff(path: Path) -> TextForm:
    """The form of a delimited text file, from its first SAMPLE_BYTES."""
    with open(path, "rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
    encoding = _encoding(path.name, raw)
    try:
        text = _decoded_sample(raw, encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text) or "\ufeff" in text[1:]:
        raise _not_text(path.name)
    rows = {sep: list(_rows(text, sep)) for sep in SEPARATORS}
    separator = _separator(rows)
    return TextForm(encoding, separator, _decimal(rows[separator][1:], separator))


def _encoding(name: str, raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if raw.startswith(b"PK\x03\x04"):
        raise UserInputError(f"{name}: is a spreadsheet workbook or a ZIP archive, not delimited text; "
                             "save the sheet as CSV and choose that file")
    if b"\x00" in raw:
        raise _not_text(name)
    try:
        _decoded_sample(raw, "utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"            # the five bytes cp1252 leaves undefined
    return "cp1252"


def _not_text(name: str) -> UserInputError:
    return UserInputError(f"{name}: is not a text file; choose a CSV file (or a Parquet file)")


def _decoded_sample(raw: bytes, encoding: str) -> str:
    """The sample as text; a character cut at the sample's end is dropped, not an error."""
    decoder = codecs.getincrementaldecoder(encoding)()
    return decoder.decode(raw, final=len(raw) < SAMPLE_BYTES)


def _rows(text: str, separator: str):
    """The sample's rows split at `separator`, without the last line (cut at the sample's end)."""
    lines = text.splitlines(keepends=True)
    whole = lines[:-1] if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")) else lines
    reader = csv.reader(io.StringIO("".join(whole)), delimiter=separator)
    try:
        for index, row in enumerate(reader):
            if index >= SAMPLE_ROWS:
                return
            if row:
                yield row
    except csv.Error:
        return


def _separator(rows: dict[str, list[list[str]]]) -> str:
    """The separator that splits the header into the most columns, every row the same way (a
    short row is a row with gaps); a comma whenever it does that at all."""
    def columns(sep: str) -> int:
        found = rows[sep]
        if not found or len(found[0]) < 2:
            return 0
        return len(found[0]) if all(len(row) <= len(found[0]) for row in found[1:]) else 0

    if columns(",") or not any(columns(sep) for sep in SEPARATORS):
        return ","
    return max((sep for sep in SEPARATORS if sep != ","), key=columns)


def _decimal(rows: list[list[str]], separator: str) -> str:
    """Decimal commas when numbers are written so and none with a dot (only where a comma is
    not the separator)."""
    if separator == ",":
        return "."
    cells = [cell.strip() for row in rows for cell in row]
    commas = any(DECIMAL_COMMA.fullmatch(c) or ("," in c and GROUPED_DECIMAL_COMMA.fullmatch(c)) for c in cells)
    dots = any(DECIMAL_DOT.fullmatch(c) and not GROUPED_DECIMAL_COMMA.fullmatch(c) for c in cells)
    return "," if commas and not dots else "."


def convert(src: Path, dest: Path, form: TextForm, sink=None) -> None:
    """Write `src` (in `form`) to `dest` as comma-separated UTF-8 with dots for decimals. Cells
    are copied as they are otherwise (leading zeros, dates and text stay), row by row."""
    size = max(src.stat().st_size, 1)
    fix = _decimal_fixer() if form.decimal == "," else None
    csv.field_size_limit(FIELD_LIMIT)
    index = 0
    with open(src, "rb") as raw, open(dest, "w", encoding="utf-8", newline="") as out:
        text = io.TextIOWrapper(raw, encoding=form.encoding, newline="")
        writer = csv.writer(out, lineterminator="\n")
        try:
            for index, row in enumerate(csv.reader(text, delimiter=form.separator)):
                writer.writerow([fix(cell) for cell in row] if fix and index else row)
                if sink is not None and index % PROGRESS_ROWS == 0:
                    sink.check()
                    sink.progress(min(raw.tell() / size, 1.0), f"converting {src.name} to comma-separated UTF-8")
        except UnicodeDecodeError:
            raise UserInputError(f"{src.name}: not {ENCODINGS[form.encoding]} text further down the file (row "
                                 f"{index + 2}); re-save the file as UTF-8 CSV") from None
        except csv.Error as exc:
            raise UserInputError(f"{src.name}: malformed delimited text near row {index + 2} ({exc}); "
                                 "check the quoting") from None


def standard_copy(src: Path, dest: Path, sink=None) -> TextForm | None:
    """Write `dest` as the comma-separated UTF-8 copy of `src` when `src` is delimited text of
    another form; that form, or None (nothing written) when `src` is in the usual form already."""
    form = sniff(src)
    if form.standard:
        return None
    convert(src, dest, form, sink)
    return form


def _decimal_fixer():
    comma, grouped = DECIMAL_COMMA.fullmatch, GROUPED_DECIMAL_COMMA.fullmatch

    def fix(cell: str) -> str:
        if "," not in cell and "." not in cell:
            return cell
        stripped = cell.strip()
        if grouped(stripped):
            return stripped.replace(".", "").replace(",", ".")
        if comma(stripped):
            return stripped.replace(",", ".")
        return cell
    return fix
