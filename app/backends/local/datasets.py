"""Dataset registration for the local workspace: snapshot files or URLs with a content hash."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from app.backends.local.tables import count_rows, table_columns, table_format
from app.core.delimited import TextForm, conversion_note, standard_copy
from app.core.errors import UserInputError, disk_problem
from app.core.progress import Sink

URL_TIMEOUT_S = 30
CHUNK = 1 << 20


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _file_name(source: str, index: int) -> str:
    name = source.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] if is_url(source) else Path(source).name
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name).lstrip(".") or f"part{index}"
    return f"{index:03d}_{safe}"


def write_failure(exc: OSError, folder: Path) -> UserInputError:
    """A failed write into the workspace, said plainly: nothing was registered."""
    return UserInputError(f"cannot write the dataset snapshot into {folder}: {disk_problem(exc)}; "
                          "nothing was registered, try again after that")


def _write(out, chunk: bytes, dest: Path) -> None:
    try:
        out.write(chunk)
    except OSError as exc:
        raise write_failure(exc, dest.parent) from None


def _open_dest(dest: Path):
    try:
        return open(dest, "wb")
    except OSError as exc:
        raise write_failure(exc, dest.parent) from None


def _download(url: str, dest: Path, sink: Sink) -> None:
    with _open_dest(dest) as out:
        try:
            with urllib.request.urlopen(url, timeout=URL_TIMEOUT_S) as resp:  # noqa: S310
                total = int(resp.headers.get("Content-Length") or 0)
                done = 0
                while chunk := resp.read(CHUNK):
                    sink.check()
                    _write(out, chunk, dest)
                    done += len(chunk)
                    sink.progress(done / total if total else None, f"downloaded {done / 1e6:.1f} MB of {url}")
        except urllib.error.HTTPError as exc:
            raise UserInputError(f"{url}: the server answered {exc.code} {exc.reason}; check the address") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise UserInputError(f"{url}: cannot download ({reason}); check the address and your network") from None


def _copy(src: Path, dest: Path, sink: Sink) -> None:
    size, done = max(src.stat().st_size, 1), 0
    with open(src, "rb") as fin, _open_dest(dest) as out:
        while chunk := fin.read(CHUNK):
            sink.check()
            _write(out, chunk, dest)
            done += len(chunk)
            sink.progress(done / size, f"copied {done / 1e6:.1f} MB of {src.name}")


def normalize_sources(sources: list[str]) -> list[str]:
    """URLs as given; local paths made absolute so the record says where the data came from."""
    return [s if is_url(s) else str(Path(s).expanduser().resolve()) for s in sources]


def snapshot(sources: list[str], staging: Path, sink: Sink) -> tuple[list[Path], str, list[str], int, list[str]]:
    """Copy or download every source into `staging`, delimited text in another form converted to
    comma-separated UTF-8; return files, sha256, columns, rows and what was converted."""
    if not sources:
        raise UserInputError("give at least one CSV/Parquet file or http(s) URL")
    files, digest, notes = [], hashlib.sha256(), []
    try:
        for i, source in enumerate(sources):
            dest = staging / _file_name(source, i)
            if is_url(source):
                _download(source, dest, sink)
            else:
                src = Path(source).expanduser()
                if not src.is_file():
                    raise UserInputError(f"file not found: {src}")
                _copy(src, dest, sink)
            files.append(dest)
            form = _to_standard_form(dest, sink)
            if form is not None:
                notes.append(conversion_note(source if is_url(source) else Path(source).name, form))
        return (*_inspect(files, digest, sink), notes)
    except UserInputError as exc:
        message = str(exc)
        for source, dest in zip(sources, files):
            message = message.replace(dest.name, source)
        raise UserInputError(message) from None


def _to_standard_form(path: Path, sink: Sink) -> TextForm | None:
    """Rewrite a delimited file of another form as comma-separated UTF-8; the form it had, or None."""
    if table_format(path) != "csv" or path.stat().st_size == 0:
        return None
    converted = path.with_name(path.name + ".converting")
    try:
        form = standard_copy(path, converted, sink)
        if form is not None:
            os.replace(converted, path)
    except OSError as exc:
        raise write_failure(exc, path.parent) from None
    return form


def _inspect(files: list[Path], digest, sink: Sink) -> tuple[list[Path], str, list[str], int]:
    formats = {table_format(f) for f in files}
    if len(formats) > 1:
        raise UserInputError("mix of CSV and Parquet files; register files of one format per dataset")
    columns = table_columns(files[0])
    for f in files[1:]:
        if table_columns(f) != columns:
            raise UserInputError(f"{f.name}: its columns differ from the first file's; every file needs the same header")
    rows = 0
    for f in files:
        rows += count_rows(f, sink)
        size, done = max(f.stat().st_size, 1), 0
        with open(f, "rb") as fh:
            while chunk := fh.read(CHUNK):
                sink.check()
                digest.update(chunk)
                done += len(chunk)
                sink.progress(done / size, f"hashed {done / 1e6:.1f} MB of {f.name}")
    if rows == 0:
        raise UserInputError("the data has no rows; register a file with data rows")
    return files, digest.hexdigest(), columns, rows


def staging_dir(root: Path) -> Path:
    try:
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    except OSError as exc:
        raise write_failure(exc, root) from None


def publish(staging: Path, final: Path) -> None:
    """Move a finished snapshot into its version folder (inside the caller's transaction)."""
    try:
        if final.exists():  # left by a crash between rename and commit: no row owns it
            discard(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging, final)
    except OSError as exc:
        raise write_failure(exc, final.parent) from None


def discard(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
