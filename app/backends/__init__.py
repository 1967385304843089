"""The composition root: turns a workspace location into a Backend.

`azure:PATH/config.json` (or `azure:` for the SDK's upward search) opens an Azure ML
workspace; anything else is a local workspace folder. The desktop and the command line
reach the implementations only through here and the Backend protocol; a new kind of
workspace (e.g. an Azure ML v2 backend) is a sibling package picked in `open_backend`.
"""
from __future__ import annotations

import importlib.util
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


def _module_present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def azure_available() -> bool:
    """True when the Azure backend is part of this installation (it imports the SDK only when used)."""
    return _module_present("app.backends.azure.backend")


def exporter_available() -> bool:
    """True when specs can be exported as Azure ML SDK v1 scripts here."""
    return _module_present("app.backends.azure.export")


def export_script(spec, dataset_sources=()) -> str:
    """The spec as a standalone Azure ML SDK v1 pipeline script (no workspace is opened)."""
    return export_with_notes(spec, dataset_sources)[0]


def export_with_notes(spec, dataset_sources=()) -> tuple[str, list[str]]:
    """The script by the CLI's rule (a local compute exports as cpu-cluster) and what it changed."""
    from app.backends.azure.export import ExportTarget, for_azure
    from app.backends.azure.export import export_script as export

    azure_spec, notes = for_azure(spec)
    return export(azure_spec, ExportTarget(dataset_sources=list(dataset_sources), notes=notes)), notes
