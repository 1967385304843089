"""Dataset URLs that fail, served on loopback: a 404 and a server that never answers."""
from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest

from app.backends.local import datasets


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server hook name
        if self.path.startswith("/slow"):
            self.server.release.wait(10)  # answer nothing until the test is over
            return
        if self.path == "/eu.csv":
            body = "Name;Fare;Survived\r\nBjörk;7,25;0\r\nCéline;71,28;1\r\n".encode("cp1252")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_url_answering_404(cli, server):
    err = cli.refused("datasets", "register", "web", f"{server}/missing.csv")
    assert f"{server}/missing.csv: the server answered 404 Not Found; check the address" in err


def test_a_european_csv_downloaded_is_registered_as_comma_separated_utf8(cli, server):
    code, err = cli("datasets", "register", "web", f"{server}/eu.csv")
    assert code == 0, err
    assert (f"note: {server}/eu.csv was read as semicolon-separated Windows-1252 text with decimal commas; "
            "the dataset holds a comma-separated UTF-8 copy") in cli.out
    cli("datasets", "show", "web", "--json")
    assert Path(json.loads(cli.out)["path"]).read_text(encoding="utf-8") == (
        "Name,Fare,Survived\nBjörk,7.25,0\nCéline,71.28,1\n")


def test_url_that_never_answers_times_out(cli, server, monkeypatch):
    monkeypatch.setattr(datasets, "URL_TIMEOUT_S", 0.3)
    err = cli.refused("datasets", "register", "web", f"{server}/slow.csv")
    assert "cannot download (timed out); check the address and your network" in err


def test_url_with_nothing_listening(cli):
    err = cli.refused("datasets", "register", "web", "http://127.0.0.1:9/data.csv")
    assert "cannot download" in err and "Connection refused" in err


def test_register_dialog_shows_a_404(qtbot, ws, server):
    from app.backends.local.workspace import LocalBackend
    from app.ui.wizard.register_dataset_dialog import RegisterDatasetDialog
    from app.ui.workers import JobRunner

    from .workspace_checks import fingerprint

    before = fingerprint(ws)
    runner = JobRunner()
    dialog = RegisterDatasetDialog(LocalBackend(ws), runner)
    qtbot.addWidget(dialog)
    dialog.add_sources([f"{server}/missing.csv"])
    assert "previewed after they are registered" in dialog.preview.note.text()
    qtbot.waitUntil(dialog.register_button.isEnabled, timeout=5_000)
    dialog.register_button.click()
    qtbot.waitUntil(lambda: "the server answered 404 Not Found" in dialog.message.text(), timeout=10_000)
    runner.shutdown()
    assert dialog.dataset is None and fingerprint(ws) == before
