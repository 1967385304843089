"""What is checked before a registered model file is unpickled.

Unpickling runs code, so a file whose hash differs from the one recorded at registration
is never opened. Package versions recorded at training are compared with the installed
ones, and a model that needs Azure's AutoML runtime is named as such instead of failing
with an import error deep inside pickle.
"""
from __future__ import annotations

import pickletools
from pathlib import Path

from app.backends.local.model_registry import file_sha256
from app.core.environment import installed_version
from app.core.errors import UserInputError
from app.core.runs import ModelVersion

AZURE_RUNTIME_PACKAGE = "azureml-automl-runtime"
AZURE_MODULE_PREFIX = "azureml."


def verify_hash(model: ModelVersion) -> Path:
    """The model file's path, after checking it exists and matches the registry's sha256."""
    path = Path(model.path)
    ref = f"{model.name}:{model.version}"
    if not path.is_file():
        raise UserInputError(f"model {ref}: its file {path} is missing; register the model again")
    actual = file_sha256(path)
    if actual != model.content_hash:
        raise UserInputError(
            f"model {ref}: the file {path.name} was changed after registration (sha256 {actual[:12]}… "
            f"but the registry recorded {model.content_hash[:12]}…); it was not loaded. "
            "Register the model again from its run")
    return path


def package_mismatches(recorded: dict) -> list[str]:
    """One line per package whose installed version differs from the one used at training."""
    lines = []
    for package, trained in sorted((recorded or {}).items()):
        if not trained:
            continue
        now = installed_version(package)
        if now != trained:
            lines.append(f"{package} {trained} at training, {now or 'not installed'} now")
    return lines


def pickle_modules(path: Path) -> set[str]:
    """Top-level packages a pickle refers to, read from its opcodes without executing it."""
    modules: set[str] = set()
    with open(path, "rb") as fh:
        for opcode, arg, _pos in pickletools.genops(fh):
            if opcode.name == "GLOBAL" and isinstance(arg, str):
                modules.add(arg.split(" ", 1)[0])
            elif isinstance(arg, str) and "." in arg and arg.replace(".", "").replace("_", "").isalnum():
                modules.add(arg)  # STACK_GLOBAL takes its module from a pushed string
    return modules


def needs_azure_runtime(path: Path) -> bool:
    try:
        return any(m == "azureml" or m.startswith(AZURE_MODULE_PREFIX) for m in pickle_modules(path))
    except Exception:  # noqa: BLE001 - a damaged pickle is reported when it is loaded
        return False


def azure_runtime_message(model: ModelVersion) -> str:
    wanted = (model.properties.get("packages") or {}).get(AZURE_RUNTIME_PACKAGE)
    pin = f"=={wanted}" if wanted else ""
    return (f"model {model.name}:{model.version} was trained by Azure AutoML and can only be loaded with "
            f"{AZURE_RUNTIME_PACKAGE} installed, with the xgboost/lightgbm versions it was trained with "
            f"(pip install {AZURE_RUNTIME_PACKAGE}{pin}); predict with it in that environment or on Azure")
