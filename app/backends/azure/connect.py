"""Signing in to Azure and opening an Azure ML workspace, with failures turned into advice.

Credentials come from `azure-identity` and reach the SDK as a token provider
(`TokenAuthentication`), so no SDK prompt is printed to a console nobody reads and the
app itself never stores a secret. Where tokens live:
- `cli`: the Azure CLI's own login (`az login`, kept by the CLI under ~/.azure).
- `browser` / `device_code`: in memory for this session; with `persist_token_cache=True`,
  in the operating system's protected store through azure-identity (Windows DPAPI,
  macOS Keychain, Linux libsecret keyring) under the name `automl-desk`.
- `service_principal`: read from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET
  (or AZURE_CLIENT_CERTIFICATE_PATH) at the moment of use; nothing is written.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Callable

from app.core.errors import UserInputError
from app.core.signin import AUTH_ENV, AUTH_MODES, SP_ENV, default_auth_mode  # noqa: F401  (re-exported)

TOKEN_CACHE_NAME = "automl-desk"
DEFAULT_CLOUD = "AzureCloud"
TOKEN_CACHE_HELP = (
    "Sign-in tokens are kept by azure-identity, never by AutoML Desk: with Azure CLI sign-in in "
    "the CLI's own cache (~/.azure); with browser or device-code sign-in in memory for the "
    "session, or, when 'remember sign-in' is on, in the system's protected store (Windows "
    "DPAPI, macOS Keychain, Linux keyring) under the name 'automl-desk'.")


@dataclass(frozen=True)
class WorkspaceRef:
    """Which workspace to open: a config.json (or upward search), or three names."""

    config_path: str | None = None
    subscription_id: str | None = None
    resource_group: str | None = None
    workspace_name: str | None = None

    @property
    def by_names(self) -> bool:
        return bool(self.subscription_id or self.resource_group or self.workspace_name)

    def describe(self) -> str:
        if self.by_names:
            return f"{self.workspace_name} (resource group {self.resource_group}, subscription {self.subscription_id})"
        return self.config_path or "config.json found by searching upward from the current folder"


def print_device_code(message: str) -> None:
    """Default device-code prompt for the command line (the GUI passes its own callback)."""
    print(message, file=sys.stderr, flush=True)


def make_credential(auth: str, tenant_id: str | None = None,
                    device_code_callback: Callable[[str], None] | None = None,
                    persist_token_cache: bool = False):
    """An azure-identity credential for `auth` (one of AUTH_MODES)."""
    if auth not in AUTH_MODES:
        raise UserInputError(f"unknown sign-in method '{auth}'; choose one of {', '.join(AUTH_MODES)}")
    import azure.identity as identity

    cache = {}
    if persist_token_cache:
        cache["cache_persistence_options"] = identity.TokenCachePersistenceOptions(name=TOKEN_CACHE_NAME)
    tenant = {"tenant_id": tenant_id} if tenant_id else {}
    if auth == "cli":
        return identity.AzureCliCredential(**tenant)
    if auth == "browser":
        return identity.InteractiveBrowserCredential(**tenant, **cache)
    if auth == "device_code":
        show = device_code_callback or print_device_code
        return identity.DeviceCodeCredential(
            **tenant, **cache, prompt_callback=lambda uri, code, expires_on: show(
                f"To sign in to Azure, open {uri} and enter the code {code}"))
    missing = [v for v in SP_ENV if not os.environ.get(v)]
    if not (os.environ.get("AZURE_CLIENT_SECRET") or os.environ.get("AZURE_CLIENT_CERTIFICATE_PATH")):
        missing.append("AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)")
    if missing:
        raise UserInputError("service principal sign-in reads its identity from the environment; set "
                             + ", ".join(missing))
    return identity.EnvironmentCredential()


def scope_for(resource: str) -> str:
    """The AAD scope of an SDK audience URL, as the Azure CLI derives it."""
    return resource + (".default" if resource.endswith("/") else "/.default")


def token_authentication(credential, cloud: str = DEFAULT_CLOUD):
    """The SDK's TokenAuthentication over an azure-identity credential.

    `cloud` is always given: without it the SDK fetches cloud metadata over the network.
    """
    from azureml.core.authentication import TokenAuthentication

    return TokenAuthentication(lambda resource: credential.get_token(scope_for(resource)).token, cloud=cloud)


def open_workspace(ref: WorkspaceRef, auth):
    """The SDK Workspace for `ref`; every failure becomes a UserInputError saying what to do."""
    from azureml.core import Workspace

    try:
        if ref.by_names:
            missing = [label for label, value in (("subscription id", ref.subscription_id),
                                                  ("resource group", ref.resource_group),
                                                  ("workspace name", ref.workspace_name)) if not value]
            if missing:
                raise UserInputError(f"to open a workspace by name, also give its {' and '.join(missing)}")
            return Workspace(ref.subscription_id, ref.resource_group, ref.workspace_name, auth=auth)
        return Workspace.from_config(path=ref.config_path or None, auth=auth)
    except UserInputError:
        raise
    except Exception as exc:  # the SDK raises many unrelated types; advice depends on the text
        raise explain_connection_error(exc, ref) from exc


# --- failures -> what to do -------------------------------------------------------------

SIGN_IN, WRONG_NAME, NO_PERMISSION, NO_NETWORK, NO_CONFIG, OTHER = (
    "sign_in", "wrong_name", "no_permission", "no_network", "no_config", "other")

# Checked in this order: a network failure on the sign-in endpoint is still a network failure.
_MARKERS = (
    (NO_CONFIG, ("could not find config.json", "config.json not found")),
    (NO_NETWORK, ("connectionerror", "connection refused", "max retries exceeded", "name or service not known",
                  "temporary failure in name resolution", "failed to establish a new connection",
                  "network is unreachable", "timed out", "readtimeout", "connecttimeout", "nodename nor servname",
                  "please ensure you have network connection")),
    (NO_PERMISSION, ("authorizationfailed", "does not have authorization", "forbidden", "(403)",
                     "status code: 403", "insufficient privileges", "does not have permission")),
    (SIGN_IN, ("az login", "credentialunavailable", "clientauthenticationerror", "authenticationexception",
               "aadsts", "invalid_grant", "interaction_required", "authentication failed", "expired")),
    (WRONG_NAME, ("resourcegroupnotfound", "resourcenotfound", "workspace not found", "was not found",
                  "could not be found", "subscriptionnotfound", "(404)", "status code: 404",
                  "invalidsubscriptionid", "no workspace")),
)


class AzureConnectionError(UserInputError):
    """A failed connection; `kind` is one of the kinds above, the message says what to do."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def classify_connection_error(exc: BaseException) -> str:
    """Which kind of failure `exc` is, from its type names and message (the SDK wraps freely)."""
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    text = " ".join(f"{type(e).__name__} {' '.join(t.__name__ for t in type(e).__mro__)} {e}" for e in chain).lower()
    for kind, markers in _MARKERS:
        if any(m in text for m in markers):
            return kind
    if any(isinstance(e, (ConnectionError, TimeoutError)) for e in chain):
        return NO_NETWORK
    return OTHER


def explain_connection_error(exc: BaseException, ref: WorkspaceRef | None = None) -> AzureConnectionError:
    where = ref.describe() if ref is not None else "the workspace"
    kind = classify_connection_error(exc)
    advice = {
        NO_CONFIG: ("no config.json was found. Download it from the Azure portal (the workspace's Overview page, "
                    "'Download config.json') and open azure:PATH/config.json, or enter the subscription, "
                    "resource group and workspace name"),
        SIGN_IN: ("sign-in failed or has expired. Sign in again: run 'az login' for Azure CLI sign-in, or choose "
                  "Browser or Device code as the sign-in method (the wizard's Sign-in field, or "
                  f"{AUTH_ENV}=browser|device_code); check the tenant if you belong to several"),
        WRONG_NAME: (f"the workspace {where} was not found. Check the subscription id, resource group and "
                     "workspace name (they are on the workspace's Overview page in the Azure portal)"),
        NO_PERMISSION: (f"your account has no access to {where}. Ask the workspace owner for the "
                        "'AzureML Data Scientist' (or Contributor) role, or sign in with another account"),
        NO_NETWORK: ("Azure could not be reached. Check the network connection, proxy settings (HTTPS_PROXY) "
                     "or VPN, then try again"),
        OTHER: f"opening {where} failed",
    }[kind]
    if kind == SIGN_IN and "azure cli not found" in str(exc).lower():
        advice = ("the Azure CLI is not installed. Install it and run 'az login', or choose Browser or "
                  f"Device code as the sign-in method (the wizard's Sign-in field, or {AUTH_ENV})")
    return AzureConnectionError(f"Azure ML: {advice} ({type(exc).__name__}: {_first_line(exc)})", kind)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else "")[:300]
