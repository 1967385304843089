"""Datasets on an offline workspace: versions, registration from files and URLs, preview."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from app.backends.azure import datasets
from app.core.errors import NotFoundError, UserInputError
from app.core.progress import Sink


class TabularDataset:
    """Named like the SDK class, which is how the backend tells tabular datasets from file ones."""

    def __init__(self, name, version, tags=None):
        self.name, self.version, self.tags = name, version, tags or {}
        self.id, self.description = f"id-{name}-{version}", ""

    def take(self, rows):
        return SimpleNamespace(to_pandas_dataframe=lambda: pd.DataFrame({"a": range(rows)}))


@pytest.fixture()
def sdk_datasets(monkeypatch, offline):
    from azureml.core import Dataset

    store = {"titanic_ds": {1: TabularDataset("titanic_ds", 1), 2: TabularDataset("titanic_ds", 2, {datasets.TAG_CREATED: "1700000000"})},
             "iris": {1: TabularDataset("iris", 1)}}

    def get_by_name(ws, name, version="latest"):
        versions = store.get(name)
        if not versions or (version != "latest" and version not in versions):
            raise Exception(f"UserErrorException: Dataset {name} version {version} was not found")
        return versions[max(versions) if version == "latest" else version]

    monkeypatch.setattr(Dataset, "get_all", staticmethod(lambda ws: {n: v[max(v)] for n, v in store.items()}))
    monkeypatch.setattr(Dataset, "get_by_name", staticmethod(get_by_name))
    return store


def test_list_gives_every_version_newest_first(sdk_datasets, offline):
    listed = [(d.name, d.version, d.created_at) for d in datasets.list_datasets(offline.OfflineWorkspace())]
    assert listed == [("iris", 1, 0.0), ("titanic_ds", 2, 1700000000.0), ("titanic_ds", 1, 0.0)]


def test_missing_version_is_not_found_with_advice(sdk_datasets, offline):
    with pytest.raises(NotFoundError, match="'titanic_ds:7' is not registered.*datasets register"):
        datasets.get_dataset(offline.OfflineWorkspace(), "titanic_ds", 7)


def test_preview_takes_the_first_rows(sdk_datasets, offline):
    frame = datasets.preview(datasets.get_dataset(offline.OfflineWorkspace(), "iris"), rows=5)
    assert len(frame) == 5


def test_register_uploads_local_files_and_creates_a_new_version(tmp_path, offline, monkeypatch):
    from azureml.core import Dataset

    csv = tmp_path / "titanic.csv"
    csv.write_text("a,b\n1,2\n")
    ws = offline.OfflineWorkspace()
    uploads, made = [], {}

    class Store:
        name = "workspaceblobstore"

        def upload_files(self, files, target_path=None, overwrite=False, show_progress=True):
            uploads.append((files, target_path, overwrite))

    def from_delimited_files(path, support_multi_line=False):
        made["paths"], made["multi_line"] = path, support_multi_line
        return SimpleNamespace(register=lambda ws, name, description=None, tags=None, create_new_version=False:
                               made.update(name=name, tags=tags, new=create_new_version) or TabularDataset(name, 3, tags))

    monkeypatch.setattr(type(ws), "get_default_datastore", lambda self: Store())
    monkeypatch.setattr(Dataset.Tabular, "from_delimited_files", staticmethod(from_delimited_files))
    record = datasets.register_dataset(ws, "titanic_ds", [str(csv), "https://example.org/more.csv"], sink=Sink())
    (files, target, overwrite), = uploads
    assert files == [str(csv)] and target.startswith("automl-desk/datasets/titanic_ds/") and not overwrite
    assert made["paths"][0] == "https://example.org/more.csv"
    assert made["paths"][1][1] == f"{target}/titanic.csv"
    assert made["new"] is True
    assert made["multi_line"] is True     # a quoted line break stays inside its field
    assert record.version == 3 and record.sources == [str(csv), "https://example.org/more.csv"]
    assert len(record.content_hash) == 64
    assert json.loads(made["tags"][datasets.TAG_SOURCES])[1] == "https://example.org/more.csv"


@pytest.mark.parametrize("sources, message", [
    ([], "at least one"),
    (["missing.csv"], "file not found: missing.csv"),
    (["https://x.org/a.csv", "https://x.org/b.parquet"], "CSV/TSV or all Parquet"),
])
def test_register_refuses_bad_sources(offline, sources, message):
    with pytest.raises(UserInputError, match=message):
        datasets.register_dataset(offline.OfflineWorkspace(), "d", sources)


def test_parquet_sources_use_the_parquet_reader():
    assert datasets.file_kind(["a.parquet", "https://x.org/b.parquet?sv=1"]) == "parquet"
    assert datasets.file_kind(["a.csv", "b.tsv"]) == "delimited"


def test_a_european_csv_is_uploaded_as_a_comma_separated_utf8_copy(tmp_path, offline, monkeypatch):
    # from_delimited_files and the steps read commas and UTF-8; a semicolon file with decimal
    # commas in the Windows code page goes up as a copy in that form, under its own name.
    import contextlib
    import io

    import azureml.dataprep as dprep
    from azureml.core import Dataset
    from azureml.data import TabularDataset as SdkTabular

    source = tmp_path / "fahrgäste.csv"
    source.write_bytes("Name;Fahrpreis;Ticket\r\nBjörk;7,25;00123\r\nCéline;1.071,5;A/5\r\n".encode("cp1252"))
    ws = offline.OfflineWorkspace()
    uploaded = {}

    class Store:
        name = "workspaceblobstore"

        def upload_files(self, files, target_path=None, overwrite=False, show_progress=True):
            uploaded.update({Path(f).name: Path(f).read_bytes() for f in files})

    monkeypatch.setattr(type(ws), "get_default_datastore", lambda self: Store())
    monkeypatch.setattr(Dataset.Tabular, "from_delimited_files", staticmethod(
        lambda path, support_multi_line=False: SimpleNamespace(
            register=lambda ws, name, description=None, tags=None, create_new_version=False:
            TabularDataset(name, 1, tags))))
    record = datasets.register_dataset(ws, "eu", [str(source)], sink=Sink())
    assert list(uploaded) == ["fahrgäste.csv"]
    assert uploaded["fahrgäste.csv"].decode("utf-8") == "Name,Fahrpreis,Ticket\nBjörk,7.25,00123\nCéline,1071.5,A/5\n"
    assert record.notes == ["fahrgäste.csv was read as semicolon-separated Windows-1252 text with decimal commas; "
                            "the dataset holds a comma-separated UTF-8 copy"]
    assert source.read_bytes().startswith(b"Name;Fahrpreis")          # the user's file is left as it was
    copy = tmp_path / "uploaded.csv"
    copy.write_bytes(uploaded["fahrgäste.csv"])
    with contextlib.redirect_stdout(io.StringIO()):                     # azureml-dataprep prints its activity
        frame = SdkTabular._create(dprep.read_csv(str(copy))).to_pandas_dataframe()
    assert frame.columns.tolist() == ["Name", "Fahrpreis", "Ticket"]
    assert frame.Fahrpreis.astype(float).tolist() == [7.25, 1071.5] and frame.Ticket.tolist() == ["00123", "A/5"]
