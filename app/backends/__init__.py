"""The composition root: turns a workspace location into a Backend.

`azure:PATH/config.json` (or `azure:` for the SDK's upward search) opens an Azure ML
workspace; anything else is a local workspace folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from app.core.backend import Backend

ENV_WORKSPACE = "AUTOML_DESK_WORKSPACE"
AZURE_PREFIX = "azure:"


def default_workspace_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("automl-desk", appauthor=False)) / "workspaces" / "default"


def resolve_location(location: str | None) -> str:
    return location or os.environ.get(ENV_WORKSPACE) or str(default_workspace_dir())


def open_backend(location: str | None = None, **options) -> Backend:
    """Open the workspace at `location` (see module doc); local folders are created on demand."""
    location = resolve_location(location)
    if location.startswith(AZURE_PREFIX):
        from app.backends.azure.backend import AzureBackend

        return AzureBackend.from_location(location[len(AZURE_PREFIX):], **options)
    from app.backends.local.workspace import LocalBackend

    return LocalBackend(Path(location).expanduser(), **options)
