import http.server
import threading
from functools import partial

import pytest

from app.core.errors import NotFoundError, UserInputError


def test_register_snapshots_with_hash_and_versions(workspace, titanic_csv):
    v1 = workspace.register_dataset("titanic_ds", [str(titanic_csv)])
    assert (v1.version, v1.rows, len(v1.columns)) == (1, 891, 12)
    assert v1.content_hash == "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7"
    assert workspace.register_dataset("titanic_ds", [str(titanic_csv)]).version == 1  # same content
    titanic_csv.write_text(titanic_csv.read_text() + titanic_csv.read_text().splitlines()[1] + "\n")
    v2 = workspace.register_dataset("titanic_ds", [str(titanic_csv)])
    assert v2.version == 2 and v2.rows == 892
    titanic_csv.unlink()  # the snapshot does not depend on the source file
    assert len(workspace.preview_dataset("titanic_ds", 1, rows=3)) == 3
    assert [d.version for d in workspace.list_datasets()] == [2, 1]


def test_parquet_and_multi_file(workspace, tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"x": range(10), "y": [0, 1] * 5})
    frame.to_parquet(tmp_path / "a.parquet")
    frame.to_parquet(tmp_path / "b.parquet")
    d = workspace.register_dataset("p", [str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet")])
    assert d.rows == 20 and d.columns == ["x", "y"]


@pytest.mark.parametrize("content, fragment", [
    ("", "the file is empty"),
    ("a,b\n", "has a header but no data rows"),
    ("a,a\n1,2\n", "duplicate column names"),
    (b"a,b\n\x00\x01,1\n", "is not a text file"),
])
def test_bad_files_are_refused_and_leave_nothing(workspace, tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(UserInputError) as info:
        workspace.register_dataset("bad", [str(path)])
    assert fragment in str(info.value) and str(path) in str(info.value)
    assert workspace.list_datasets() == []
    assert [p.name for p in workspace.layout.datasets.iterdir()] == []


@pytest.mark.parametrize("name", ["../evil", "a/b", "", ".hidden"])
def test_names_never_become_paths(workspace, titanic_csv, name):
    with pytest.raises(UserInputError):
        workspace.register_dataset(name, [str(titanic_csv)])


@pytest.fixture
def http_root(tmp_path, titanic_csv):
    root = tmp_path / "site"
    root.mkdir()
    (root / "titanic.csv").write_bytes(titanic_csv.read_bytes())
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_register_from_url_and_404(workspace, http_root):
    d = workspace.register_dataset("web", [f"{http_root}/titanic.csv"])
    assert d.rows == 891
    with pytest.raises(UserInputError) as info:
        workspace.register_dataset("web", [f"{http_root}/missing.csv"])
    assert "404" in str(info.value)


def test_unknown_dataset(workspace):
    with pytest.raises(NotFoundError):
        workspace.get_dataset("nope")
