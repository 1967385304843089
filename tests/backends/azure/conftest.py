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


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _refuse(*args, **kwargs):
    raise NetworkBlocked(f"network access attempted in an offline test: {args[:2]!r}")


def _loopback_only(original, host_of):
    """Loopback stays allowed: the dry run serves the dataset's file on 127.0.0.1."""
    def guarded(*args, **kwargs):
        if host_of(args) in LOOPBACK:
            return original(*args, **kwargs)
        return _refuse(*args, **kwargs)
    return guarded


@pytest.fixture(scope="module", autouse=True)
def _no_network():
    """Module-wide, and autouse fixtures come first in a scope, so the module-scoped
    fixtures that build the graph are covered too."""
    with pytest.MonkeyPatch.context() as patch:
        def host(args):
            return args[0]

        def peer(args):   # (socket, address)
            return args[1][0] if len(args) > 1 and isinstance(args[1], tuple) else None

        patch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo, host))
        patch.setattr(socket.socket, "connect", _loopback_only(socket.socket.connect, peer))
        patch.setattr(socket.socket, "connect_ex", _loopback_only(socket.socket.connect_ex, peer))
        yield


@pytest.fixture(scope="module")
def offline():
    """The offline SDK helpers (imports azureml; module-scoped so it happens once)."""
    from . import azure_offline

    return azure_offline


@pytest.fixture(scope="module")
def step_scripts():
    """The bundled step scripts folder (the graph's source directory)."""
    from app.locator import step_scripts_dir

    return step_scripts_dir()
