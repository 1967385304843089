"""Checks that bad input left a local workspace exactly as it was."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def fingerprint(root: Path) -> tuple:
    """The database content and the file tree: equal before and after means nothing changed."""
    with sqlite3.connect(root / "workspace.db") as c:
        dump = "\n".join(c.iterdump())
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*")
                   if p.is_file() and not p.name.startswith("workspace.db"))
    return hashlib.sha256(dump.encode()).hexdigest(), tuple(files)
