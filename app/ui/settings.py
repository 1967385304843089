"""UI preferences in QSettings: geometry, recent workspaces and specs, last wizard choices.

Keys carry a version prefix so a later layout can migrate or ignore old values. The file
sits in the platform's user config folder (read from the environment on each call, so
tests can point it at a temporary folder). Never store secrets here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

VERSION = "v1"
MAX_RECENT = 8


def settings_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("automl-desk", appauthor=False)) / "ui.ini"


class UiSettings:
    """Typed access to the app's QSettings file."""

    def __init__(self, path: Path | None = None):
        self._qs = QSettings(str(path or settings_path()), QSettings.Format.IniFormat)

    def _key(self, name: str) -> str:
        return f"{VERSION}/{name}"

    def value(self, name: str, default=None):
        value = self._qs.value(self._key(name), default)
        return default if value is None else value

    def set_value(self, name: str, value) -> None:
        self._qs.setValue(self._key(name), value)
        self._qs.sync()

    def recent(self, kind: str) -> list[str]:
        value = self.value(f"recent/{kind}", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(v) for v in value if v]

    def add_recent(self, kind: str, item: str) -> list[str]:
        items = [item] + [i for i in self.recent(kind) if i != item]
        items = items[:MAX_RECENT]
        self.set_value(f"recent/{kind}", items)
        return items

    def geometry(self, name: str) -> QByteArray | None:
        value = self.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, name: str, data: QByteArray) -> None:
        self.set_value(f"geometry/{name}", data)
