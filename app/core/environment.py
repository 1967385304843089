"""The Python packages installed here, to compare with those a model was trained with."""
from __future__ import annotations

import platform
from importlib import metadata


def installed_version(package: str) -> str | None:
    """The installed version of a distribution ('python' for the interpreter), None when absent."""
    if package == "python":
        return platform.python_version()
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
