"""Loads the Azure ML SDK on first use, with its telemetry off unless the user opted in.

The SDK reads its telemetry switch (`HBI_WORKSPACE_JOB`) once, when `azureml.telemetry` is
first imported, so it must be set before the first `azureml` import of the process.
Opting in: `AUTOML_DESK_AZURE_TELEMETRY=1` in the environment, or `telemetry=True` when
connecting (effective only if no azureml module was imported before).
"""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

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


# The AutoML SDK's debug log: this relative name is what the AutoMLConfig carries to the
# service, but building a graph would also open it in the current folder on this machine.
SDK_DEBUG_LOG = "automl_errors.log"


def sdk_log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("automl-desk", appauthor=False)) / "azureml-sdk"


@contextlib.contextmanager
def sdk_log_outside_working_folder(folder: Path | None = None):
    """While building a graph, the SDK's relative debug-log names open under `folder`
    (default: the app's log folder) instead of the user's working folder."""
    from azureml.automl.core._logging import log_server

    folder = Path(folder or sdk_log_dir())
    folder.mkdir(parents=True, exist_ok=True)
    original = log_server.set_log_file

    def redirected(path):
        if path is not None and not os.path.isabs(path):
            path = str(folder / path)
        return original(path)

    log_server.set_log_file = redirected
    try:
        yield folder
    finally:
        log_server.set_log_file = original
