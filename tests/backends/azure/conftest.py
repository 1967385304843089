"""Offline Azure ML tests: SDK switches set before azureml is imported, sockets blocked.

`HBI_WORKSPACE_JOB` turns the SDK's telemetry threads off (the app sets it too, unless the
user opts in to telemetry). The AutoML node's production scenario comes from the builder
itself (`force_curated_environment`), so no scenario variable is set here.
"""
from __future__ import annotations

import os
import socket

os.environ["HBI_WORKSPACE_JOB"] = "true"
os.environ["AZUREML_CURRENT_CLOUD"] = "AzureCloud"

import pytest  # noqa: E402


class NetworkBlocked(OSError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkBlocked(f"network access attempted in an offline test: {args[:2]!r}")


@pytest.fixture(scope="module", autouse=True)
def _no_network():
    """Module-wide, and autouse fixtures come first in a scope, so the module-scoped
    fixtures that build the graph are covered too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", _refuse)
        patch.setattr(socket.socket, "connect", _refuse)
        patch.setattr(socket.socket, "connect_ex", _refuse)
        yield


@pytest.fixture(scope="module")
def offline():
    """The offline SDK helpers (imports azureml; module-scoped so it happens once)."""
    from . import azure_offline

    return azure_offline
