"""The Azure sign-in methods and the default the environment picks (no SDK import).

Shared by the Azure backend (which makes the credential) and the wizard (which offers the
choice, preselecting this default) so both name and order them alike.
"""
from __future__ import annotations

import os

AUTH_MODES = ("cli", "browser", "device_code", "service_principal")
AUTH_LABELS = {"cli": "Azure CLI (az login)", "browser": "Browser", "device_code": "Device code",
               "service_principal": "Service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID, secret)"}
AUTH_ENV = "AUTOML_DESK_AZURE_AUTH"
SP_ENV = ("AZURE_TENANT_ID", "AZURE_CLIENT_ID")


def default_auth_mode() -> str:
    """AUTOML_DESK_AZURE_AUTH, else a service principal when its variables are set, else the Azure CLI."""
    mode = os.environ.get(AUTH_ENV, "").strip()
    if mode:
        return mode
    if all(os.environ.get(v) for v in SP_ENV) and (os.environ.get("AZURE_CLIENT_SECRET")
                                                   or os.environ.get("AZURE_CLIENT_CERTIFICATE_PATH")):
        return "service_principal"
    return "cli"
