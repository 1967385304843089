"""Offline Azure ML tests: SDK switches set before azureml is imported, sockets blocked.

`HBI_WORKSPACE_JOB` turns the SDK's telemetry threads off; `AZUREML_AUTOML_SCENARIO=AutoML`
keeps AutoMLStep from looking up the non-prod environment online (see the offline notes);
both only make the offline tests possible and are not set by the app.
"""
from __future__ import annotations

import os
import socket

os.environ["HBI_WORKSPACE_JOB"] = "true"
os.environ["AZUREML_AUTOML_SCENARIO"] = "AutoML"
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
