"""Dataset URLs that fail, served on loopback: a 404 and a server that never answers."""
from __future__ import annotations

import http.server
import threading

import pytest

from app.backends.local import datasets


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server hook name
        if self.path.startswith("/slow"):
            self.server.release.wait(10)  # answer nothing until the test is over
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
