"""Files that can run code when opened, and the question asked before opening one from outside a workspace.

A pickle (a model file) executes whatever it was built to execute while it is being loaded, so
only files the workspace registered, with a matching hash, open without asking. Metrics files
are JSON and read as data: they need no question.
"""
from __future__ import annotations

from pathlib import Path

PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")
PICKLE_QUESTION_TITLE = "Open a model file from outside the workspace?"


def pickle_question(path: str | Path) -> str:
    """What the user is asked before a pickle from outside a workspace is loaded."""
    return (f"{Path(path).name} comes from outside this workspace. A model file is a Python pickle: "
            "opening it can run any code its author put in it, with your permissions. Open it only if "
            "you trust where it came from.")


def needs_question(path: str | Path, workspace_models: str | Path | None) -> bool:
    """True unless `path` lies inside the workspace's models folder (whose files are hash-checked)."""
    if workspace_models is None:
        return True
    try:
        return not Path(path).resolve().is_relative_to(Path(workspace_models).resolve())
    except OSError:
        return True
