"""File choosers that open where the user last chose a file of that kind, not in the working folder.

The last folder per kind ("specs", "data", "exports", …) is a UI preference kept in UiSettings.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from app.ui.settings import UiSettings


def _key(kind: str) -> str:
    return f"folders/{kind}"


def last_folder(kind: str, settings: UiSettings | None = None) -> str:
    folder = str((settings or UiSettings()).value(_key(kind), "") or "")
    return folder if folder and Path(folder).is_dir() else ""


def _remember(kind: str, path: str, settings: UiSettings | None) -> str:
    if path:
        (settings or UiSettings()).set_value(_key(kind), str(Path(path).parent))
    return path


def _start(kind: str, name: str, settings, first_folder: Path | None = None) -> str:
    folder = last_folder(kind, settings) or (str(first_folder) if first_folder and first_folder.is_dir() else "")
    if not folder:
        return name
    return str(Path(folder) / Path(name).name) if name else folder


def open_file(parent, title: str, kind: str, file_filter: str, name: str = "", settings=None,
              first_folder: Path | None = None) -> str:
    """`first_folder`: where to open before any file of this kind was chosen (the bundled examples)."""
    path, _ = QFileDialog.getOpenFileName(parent, title, _start(kind, name, settings, first_folder), file_filter)
    return _remember(kind, path, settings)


def open_files(parent, title: str, kind: str, file_filter: str, settings=None) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, _start(kind, "", settings), file_filter)
    if paths:
        _remember(kind, paths[0], settings)
    return paths


def save_file(parent, title: str, kind: str, name: str, file_filter: str, settings=None) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, _start(kind, name, settings), file_filter)
    return _remember(kind, path, settings)
