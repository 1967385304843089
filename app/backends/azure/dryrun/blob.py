"""A loopback HTTP server standing in for the blob container holding the dataset's files.

The dataset is then defined over its URL the way registration defines it over the
datastore path, and azureml-dataprep reads it as it would read the blob.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import io
import threading
from pathlib import Path
from urllib.parse import quote, unquote


class _FileHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, files: dict, **kwargs):
        self._files = files
        super().__init__(*args, **kwargs)

    def translate_path(self, path):
        name = unquote(path.split("?", 1)[0].lstrip("/"))
        return str(self._files.get(name, "/nonexistent"))

    def log_message(self, *args):   # the dry run's log is the steps', not the stand-in blob's
        pass


class LoopbackBlob:
    """Serves exactly `files` at http://127.0.0.1:PORT/<index>/<name> while open."""

    def __init__(self, files: list[Path]):
        self._files = {f"{i}/{Path(f).name}": Path(f).resolve() for i, f in enumerate(files)}
        handler = functools.partial(_FileHandler, files=self._files)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-blob", daemon=True)

    @property
    def urls(self) -> list[str]:
        port = self._server.server_address[1]
        return [f"http://127.0.0.1:{port}/{quote(name)}" for name in self._files]

    def __enter__(self) -> "LoopbackBlob":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def quiet_dataprep():
    """azureml-dataprep prints its activity dicts to stdout; keep them out of the dry run's."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def download_input(consumption, folder: Path) -> list[Path]:
    """Materialize a step's dataset input (`as_download()`) into `folder`, as the compute does."""
    folder.mkdir(parents=True, exist_ok=True)
    with quiet_dataprep():
        return [Path(p) for p in consumption.dataset.download(target_path=str(folder), overwrite=True)]


def read_tabular_parquet(folder: Path, glob: str):
    """What AutoML receives from the data-prep output (`read_parquet_files(path_glob=...)`)."""
    import azureml.dataprep as dprep
    from azureml.data import TabularDataset

    with quiet_dataprep():
        return TabularDataset._create(dprep.read_parquet_file(str(folder / glob))).to_pandas_dataframe()
