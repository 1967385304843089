"""Which form a delimited file is in, from its first KB, and the comma-separated UTF-8 copy."""
from __future__ import annotations

import pytest

from app.core.delimited import SAMPLE_BYTES, TextForm, convert, sniff
from app.core.errors import UserInputError


def _sniffed(tmp_path, content: bytes) -> TextForm:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    return sniff(path)


@pytest.mark.parametrize("content, form", [
    (b"a,b\n1,2\n", TextForm()),
    (b"name,note\nx,\"a;b;c\"\ny,d;e\n", TextForm()),                      # semicolons inside text, commas between
    (b"\xef\xbb\xbfa,b\n1,2\n", TextForm()),                                # a BOM is the usual form
    (b"only\n1\n2\n", TextForm()),                                          # one column: nothing else splits it
    (b"a;b\n1.5;2.25\n", TextForm(separator=";")),                         # semicolons with decimal dots
    (b"a;b\n1,5;x\n", TextForm(separator=";", decimal=",")),
    (b"a;b\n1.234,5;7\n", TextForm(separator=";", decimal=",")),           # a thousands dot is no decimal dot
    (b"a\tb\n1\t\n", TextForm(separator="\t")),                            # a short row is a row with gaps
    (b"a,b\ncaf\xe9,1\n", TextForm(encoding="cp1252")),
    (b"a,b\n\x81x,1\n", TextForm(encoding="latin-1")),                       # a byte Windows-1252 leaves undefined
])
def test_the_form_is_read_from_the_first_rows(tmp_path, content, form):
    assert _sniffed(tmp_path, content) == form


def test_a_character_cut_at_the_samples_end_is_still_utf8(tmp_path):
    head = b"a,b\n" + b"x,1\n" * ((SAMPLE_BYTES - 5) // 4)
    content = head + b"y" * (SAMPLE_BYTES - 1 - len(head)) + "é,2\n".encode()    # é spans the sample's end
    assert _sniffed(tmp_path, content).encoding == "utf-8-sig"


def test_the_copy_keeps_cells_and_quotes_what_needs_it(tmp_path):
    src, dest = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes('id;amount;note\r\n007;-0,5;"a; b, c"\r\n008;1.000.000,25;12,5 %\r\n009;;\r\n'.encode("cp1252"))
    convert(src, dest, sniff(src))
    assert dest.read_text(encoding="utf-8").splitlines() == [
        "id,amount,note", '007,-0.5,"a; b, c"', '008,1000000.25,"12,5 %"', "009,,"]


def test_a_workbook_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(UserInputError, match="f.csv: is a spreadsheet workbook or a ZIP archive"):
        _sniffed(tmp_path, b"PK\x03\x04" + bytes(64))
