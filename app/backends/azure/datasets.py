"""Registered tabular datasets of an Azure ML workspace: list with versions, register, preview.

Local files are uploaded to the workspace's default datastore under
`automl-desk/datasets/<name>/<timestamp>/`; web URLs are read in place. A new registration
of an existing name becomes its next version (`create_new_version=True`), as on the local
backend. The app records the sources, a content hash and the creation time in the
dataset's tags, because the SDK exposes neither for a registered dataset.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from app.core.delimited import conversion_note, standard_copy
from app.core.errors import NotFoundError, UserInputError
from app.core.progress import Sink
from app.core.runs import DatasetVersion

TAG_SOURCES, TAG_HASH, TAG_CREATED = "automl_desk.sources", "automl_desk.sha256", "automl_desk.created"
DELIMITED = (".csv", ".tsv", ".txt")
PARQUET = (".parquet",)
UPLOAD_ROOT = "automl-desk/datasets"


def is_url(source: str) -> bool:
    return str(source).lower().startswith(("http://", "https://"))


def record_of(dataset) -> DatasetVersion:
    tags = dict(dataset.tags or {})
    try:
        sources = json.loads(tags.get(TAG_SOURCES, "[]"))
    except ValueError:
        sources = []
    return DatasetVersion(
        name=dataset.name, version=int(dataset.version), sources=sources,
        content_hash=tags.get(TAG_HASH) or str(dataset.id or ""),
        created_at=float(tags.get(TAG_CREATED, 0) or 0), description=dataset.description or "")


def _tabular(dataset) -> bool:
    return type(dataset).__name__ == "TabularDataset"


def list_datasets(workspace) -> list[DatasetVersion]:
    """Every version of every tabular dataset, newest version first per name."""
    from azureml.core import Dataset

    out = []
    for name, latest in sorted(Dataset.get_all(workspace).items()):
        if not _tabular(latest):
            continue
        out.append(record_of(latest))
        for version in range(int(latest.version) - 1, 0, -1):
            try:
                out.append(record_of(Dataset.get_by_name(workspace, name, version=version)))
            except Exception as exc:  # an archived or deleted version: skip it, keep the rest
                if "not found" not in str(exc).lower() and "notfound" not in str(exc).lower():
                    raise
    return out


def get_dataset(workspace, name: str, version: int | None = None):
    """The SDK dataset (latest when `version` is None); NotFoundError names what exists."""
    from azureml.core import Dataset

    try:
        return Dataset.get_by_name(workspace, name, version=version if version is not None else "latest")
    except Exception as exc:
        if "not" in str(exc).lower() and "found" in str(exc).lower():
            which = f"{name}:{version}" if version is not None else name
            raise NotFoundError(f"dataset '{which}' is not registered in this Azure ML workspace; "
                                f"register it on the Dataset page or with 'automl-desk datasets register'") from exc
        raise


def file_kind(sources: list[str]) -> str:
    suffixes = {Path(s.split("?", 1)[0]).suffix.lower() for s in sources}
    if suffixes and suffixes <= set(PARQUET):
        return "parquet"
    if suffixes and suffixes <= set(DELIMITED):
        return "delimited"
    raise UserInputError(f"dataset sources must all be CSV/TSV or all Parquet files, got {', '.join(sorted(suffixes))}")


def content_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def register_dataset(workspace, name: str, sources: list[str], description: str = "",
                     sink: Sink | None = None) -> DatasetVersion:

    sink = sink or Sink()
    if not sources:
        raise UserInputError("give at least one CSV/Parquet file or web URL to register")
    files = [Path(s).expanduser() for s in sources if not is_url(s)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserInputError(f"file not found: {', '.join(missing)}")
    kind = file_kind([str(s) for s in sources])
    paths = [s for s in sources if is_url(s)]
    tags = {TAG_SOURCES: json.dumps([str(s) for s in sources]), TAG_CREATED: str(time.time())}
    with tempfile.TemporaryDirectory(prefix="automl-desk-upload-") as converted:
        files, notes = _in_standard_form(files, kind, Path(converted), sink)
        if files:
            sink.progress(0.1, f"uploading {len(files)} file(s) to the default datastore")
            datastore = workspace.get_default_datastore()
            target = f"{UPLOAD_ROOT}/{name}/{time.strftime('%Y%m%d-%H%M%S')}"
            datastore.upload_files([str(f) for f in files], target_path=target, overwrite=False, show_progress=False)
            paths += [(datastore, f"{target}/{f.name}") for f in files]
            tags[TAG_HASH] = content_hash(files)
    sink.check()
    sink.progress(0.6, "reading the schema")
    dataset = tabular_from(paths, kind)
    sink.progress(0.8, f"registering {name}")
    registered = dataset.register(workspace, name, description=description or None, tags=tags, create_new_version=True)
    sink.progress(1.0, f"registered {name}:{registered.version}")
    return replace(record_of(registered), notes=notes)


def _in_standard_form(files: list[Path], kind: str, folder: Path, sink: Sink) -> tuple[list[Path], list[str]]:
    """The files to upload: delimited text of another form converted into `folder` as
    comma-separated UTF-8, which `from_delimited_files` and the steps read; and what was converted."""
    if kind != "delimited":
        return files, []
    out, notes = [], []
    for index, path in enumerate(files):
        copy = folder / str(index) / path.name           # the datastore keeps the file's own name
        copy.parent.mkdir()
        form = standard_copy(path, copy, sink)
        out.append(path if form is None else copy)
        if form is not None:
            notes.append(conversion_note(path.name, form))
    return out, notes


def tabular_from(paths: list, kind: str):
    """The TabularDataset over `paths` as registration defines it. Delimited files are read
    with quoted line breaks allowed: without it a text field holding a newline splits its row."""
    from azureml.core import Dataset

    if kind == "parquet":
        return Dataset.Tabular.from_parquet_files(path=paths)
    return Dataset.Tabular.from_delimited_files(path=paths, support_multi_line=True)


def preview(dataset, rows: int = 100):
    """The first `rows` rows as a pandas DataFrame."""
    return dataset.take(rows).to_pandas_dataframe()
