"""Command-line fixtures: run `automl-desk` against a given Backend instead of a workspace folder."""
from __future__ import annotations

import pytest


@pytest.fixture
def cli_on(monkeypatch, capsys):
    """cli_on(backend)(*argv) -> (exit code, stdout, stderr), with `backend` as the open workspace."""
    from app.cli import main

    def bind(backend):
        monkeypatch.setattr("app.backends.open_backend", lambda location=None, **options: backend)

        def run(*argv: str):
            code = main(list(argv))
            printed = capsys.readouterr()
            return code, printed.out, printed.err

        return run

    return bind
