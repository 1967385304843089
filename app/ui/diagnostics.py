"""Help → Copy diagnostics / About: versions, platform, workspace, log file (plain text)."""
from __future__ import annotations

import platform
import sys
from importlib import metadata

from app import __version__
from app.ui import logs

PACKAGES = ("PySide6-Essentials", "pandas", "numpy", "pyarrow", "flaml", "lightgbm", "xgboost-cpu",
            "scikit-learn", "matplotlib", "azureml-core", "azureml-train-automl-client")


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def diagnostics_text(backend=None) -> str:
    from PySide6 import __version__ as pyside_version

    lines = [f"AutoML Desk {__version__}",
             f"Python {sys.version.split()[0]} on {platform.platform()}",
             f"PySide6 {pyside_version}",
             f"Log file: {logs.log_file()}"]
    if backend is not None:
        try:
            info = backend.describe()
            lines.append(f"Workspace: {info.get('kind')} '{info.get('name')}' at {info.get('location')} "
                         f"(connected: {info.get('connected')})")
        except Exception as exc:  # noqa: BLE001 - diagnostics must work when the workspace does not
            lines.append(f"Workspace: unavailable ({exc})")
    else:
        lines.append("Workspace: none open")
    lines += [f"{name} {version}" for name, version in package_versions().items()]
    return "\n".join(lines)


def about_html() -> str:
    return (f"<h3>AutoML Desk {__version__}</h3>"
            "<p>Configure, run, monitor and compare automated-ML pipelines "
            "(data preparation → AutoML → model registration) on a local workspace or on Azure ML.</p>"
            f"<p>Python {sys.version.split()[0]}</p>")
