"""Shared helpers for the bad-input catalogue: a small workspace, its fingerprint, the CLI."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app import locator
from app.cli import main

from .workspace_checks import fingerprint


@pytest.fixture
def ws(tmp_path):
    """A local workspace holding the Titanic sample as titanic_ds:1."""
    root = tmp_path / "ws"
    assert main(["--workspace", str(root), "datasets", "register", "titanic_ds", str(locator.sample_dataset())]) == 0
    return root


class Cli:
    """Runs `automl-desk` in-process on one workspace and checks that bad input changed nothing."""

    def __init__(self, root: Path, capsys):
        self.root, self.capsys = root, capsys
        self.out = ""

    def __call__(self, *argv: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = main(["--workspace", str(self.root), *argv])
        captured = self.capsys.readouterr()
        self.out = captured.out
        return code, captured.err

    def refused(self, *argv: str) -> str:
        """Exit 2, one clear message, no traceback, and the workspace exactly as before."""
        before = fingerprint(self.root)
        code, err = self(*argv)
        assert code == 2, f"expected exit 2, got {code}: {err}"
        assert err.startswith("error: ") and "Traceback" not in err, err
        assert fingerprint(self.root) == before, "the workspace changed"
        return err


@pytest.fixture
def cli(ws, capsys):
    return Cli(ws, capsys)


@pytest.fixture
def write_spec(tmp_path):
    """Write the example spec with some keys replaced (None removes a top-level key)."""

    def write(text: str | None = None, name: str = "spec.yaml", automl: dict | None = None, **top) -> str:
        path = tmp_path / name
        if text is None:
            data = yaml.safe_load(locator.example_spec().read_text())
            data["automl"].update(automl or {})
            for key, value in top.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            text = yaml.safe_dump(data)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, content: str | bytes) -> str:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return str(path)

    return write
