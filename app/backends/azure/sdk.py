"""Loads the Azure ML SDK on first use, with its telemetry off unless the user opted in.

The SDK reads its telemetry switch (`HBI_WORKSPACE_JOB`) once, when `azureml.telemetry` is
first imported, so it must be set before the first `azureml` import of the process.
Opting in: `AUTOML_DESK_AZURE_TELEMETRY=1` in the environment, or `telemetry=True` when
connecting (effective only if no azureml module was imported before).
"""
from __future__ import annotations

import os
import sys

from app.core.errors import UserInputError

TELEMETRY_OPT_IN = "AUTOML_DESK_AZURE_TELEMETRY"
SDK_TELEMETRY_OFF = "HBI_WORKSPACE_JOB"
INSTALL_HINT = ("the Azure ML SDK v1 is not installed; install azureml-core, azureml-pipeline and "
                "azureml-train-automl-client (pip install 'automl-desk') to use an Azure workspace")


def telemetry_opted_in(telemetry: bool | None = None) -> bool:
    if telemetry is not None:
        return telemetry
    return os.environ.get(TELEMETRY_OPT_IN, "").strip().lower() in ("1", "true", "yes")


def prepare_sdk(telemetry: bool | None = None) -> None:
    """Import azureml.core with telemetry configured; a clear error when the SDK is missing."""
    if not telemetry_opted_in(telemetry) and not any(m.startswith("azureml") for m in sys.modules):
        os.environ.setdefault(SDK_TELEMETRY_OFF, "true")
    try:
        import azureml.core  # noqa: F401
    except ImportError as exc:
        raise UserInputError(f"{INSTALL_HINT} ({exc})") from None
