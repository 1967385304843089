"""Sign-in and workspace opening: credentials, token provider, and advice per failure."""
from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from app.backends.azure import connect
from app.core.errors import UserInputError


def test_importing_the_package_does_not_import_azureml():
    code = ("import sys, app.backends, app.backends.azure, app.backends.azure.connect, "
            "app.backends.azure.backend, app.backends.azure.export, app.backends.azure.monitor;"
            "bad = sorted(m for m in sys.modules if m.startswith(('azureml', 'azure.identity', 'PySide6')));"
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


class ResourceNotFoundError(Exception):
    pass


class ClientAuthenticationError(Exception):
    pass


class HttpResponseError(Exception):
    pass


class UserErrorException(Exception):
    pass


def _chained(outer, inner):
    try:
        try:
            raise inner
        except Exception as exc:
            raise outer from exc
    except Exception as exc:
        return exc


@pytest.mark.parametrize("exc, kind, advice", [
    (ClientAuthenticationError("AADSTS700082: The refresh token has expired"), "sign_in", "az login"),
    (Exception("CredentialUnavailableError: Please run 'az login' to set up an account"), "sign_in", "Sign in again"),
    (Exception("CredentialUnavailableError: Azure CLI not found on path"), "sign_in", "Azure CLI is not installed"),
    (UserErrorException("We could not find config.json in: /home/u or in its parent directories."),
     "no_config", "Download config.json"),
    (ResourceNotFoundError("(ResourceGroupNotFound) Resource group 'rg-typo' could not be found."),
     "wrong_name", "Check the subscription id, resource group and workspace name"),
    (UserErrorException("Workspace not found: ws-typo"), "wrong_name", "was not found"),
    (HttpResponseError("(AuthorizationFailed) The client 'me@x' does not have authorization to perform action"),
     "no_permission", "AzureML Data Scientist"),
    (_chained(Exception("request failed"), ConnectionError("Max retries exceeded with url: /subscriptions")),
     "no_network", "network connection"),
    (OSError("[Errno -3] Temporary failure in name resolution"), "no_network", "proxy"),
    (Exception("HTTPSConnectionPool(host='login.microsoftonline.com'): Max retries exceeded with url: "
               "/organizations/oauth2/v2.0/token"), "no_network", "network connection"),
])
def test_each_connection_failure_says_what_to_do(exc, kind, advice):
    ref = connect.WorkspaceRef(subscription_id="sub", resource_group="rg-typo", workspace_name="ws-typo")
    error = connect.explain_connection_error(exc, ref)
    assert isinstance(error, UserInputError)
    assert error.kind == kind
    assert advice in str(error)
    assert str(error).startswith("Azure ML: ")


def test_open_workspace_maps_sdk_failures(monkeypatch, offline):
    from azureml.core import Workspace

    def fail(*args, **kwargs):
        raise HttpResponseError("Operation returned an invalid status code 'Forbidden' (403)")

    monkeypatch.setattr(Workspace, "from_config", staticmethod(fail))
    with pytest.raises(UserInputError, match="no access") as info:
        connect.open_workspace(connect.WorkspaceRef(config_path="config.json"), auth=None)
    assert info.value.kind == "no_permission"


def test_open_workspace_by_names_needs_all_three():
    with pytest.raises(UserInputError, match="resource group and workspace name"):
        connect.open_workspace(connect.WorkspaceRef(subscription_id="sub"), auth=None)


def test_token_provider_asks_the_credential_for_the_sdk_audience(offline):
    asked = []

    class Credential:
        def get_token(self, scope):
            asked.append(scope)
            return SimpleNamespace(token="header.payload.signature")

    auth = connect.token_authentication(Credential())
    assert auth._get_token_for_audience("https://management.core.windows.net/") == "header.payload.signature"
    auth._get_token_for_audience("https://ml.azure.com")
    assert asked == ["https://management.core.windows.net/.default", "https://ml.azure.com/.default"]
    assert auth._cloud_type.name == "AzureCloud"


def test_device_code_credential_shows_the_code_through_the_callback():
    shown = []
    credential = connect.make_credential("device_code", device_code_callback=shown.append)
    credential._prompt_callback("https://microsoft.com/devicelogin", "ABCD-1234", None)
    assert shown == ["To sign in to Azure, open https://microsoft.com/devicelogin and enter the code ABCD-1234"]


@pytest.mark.parametrize("mode, cls", [("cli", "AzureCliCredential"), ("browser", "InteractiveBrowserCredential")])
def test_credentials_per_mode(mode, cls):
    assert type(connect.make_credential(mode)).__name__ == cls


def test_service_principal_names_missing_variables(monkeypatch):
    for var in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AZURE_TENANT_ID", "t")
    with pytest.raises(UserInputError, match="AZURE_CLIENT_ID, AZURE_CLIENT_SECRET"):
        connect.make_credential("service_principal")
    monkeypatch.setenv("AZURE_CLIENT_ID", "c")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "s")
    assert type(connect.make_credential("service_principal")).__name__ == "EnvironmentCredential"
    assert connect.default_auth_mode() == "service_principal"


def test_unknown_auth_mode_lists_the_choices():
    with pytest.raises(UserInputError, match="cli, browser, device_code, service_principal"):
        connect.make_credential("password")


def test_sdk_telemetry_is_off_unless_opted_in(monkeypatch):
    from app.backends.azure import sdk

    code = ("import os; os.environ.pop('HBI_WORKSPACE_JOB', None); os.environ.pop('AUTOML_DESK_AZURE_TELEMETRY', None)\n"
            "from app.backends.azure.sdk import prepare_sdk; prepare_sdk()\n"
            "from azureml.telemetry import get_diagnostics_collection_info\n"
            "print(os.environ.get('HBI_WORKSPACE_JOB'), get_diagnostics_collection_info('automl')[0])")
    env = {k: v for k, v in __import__("os").environ.items() if k != "HBI_WORKSPACE_JOB"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["true", "False"], done.stderr
    monkeypatch.setenv("AUTOML_DESK_AZURE_TELEMETRY", "1")
    assert sdk.telemetry_opted_in() is True
    assert sdk.telemetry_opted_in(False) is False


def test_open_backend_with_cli_sign_in_and_no_azure_cli(tmp_path, monkeypatch, offline):
    from app.backends import open_backend

    config = tmp_path / "config.json"
    config.write_text('{"subscription_id": "00000000-0000-0000-0000-000000000000", '
                      '"resource_group": "rg", "workspace_name": "ws"}')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(connect.AzureConnectionError, match="Azure CLI is not installed") as info:
        open_backend(f"azure:{config}", auth="cli")
    assert info.value.kind == "sign_in"
