"""Finds the bundled resources and step scripts, installed or from a source checkout.

In the wheel they live at `app/resources` and `app/step_scripts`; in a checkout they are
the top-level `resources/` and `step_scripts/` folders.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder '{name}' is missing from the installation; reinstall automl-desk")


def resources_dir() -> Path:
    return _find("resources")


def step_scripts_dir() -> Path:
    return _find("step_scripts")


def resource(name: str) -> Path:
    return resources_dir() / name


def step_script(name: str) -> Path:
    return step_scripts_dir() / name


def sample_dataset() -> Path:
    return resource("titanic.csv")


def example_spec() -> Path:
    return resource("examples/titanic.yaml")
