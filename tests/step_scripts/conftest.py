"""Shared helpers: load the step scripts the way the app does, and run them as programs."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
import yaml

from app import locator


def load_step_script(name: str):
    path = locator.step_script(name)
    spec = importlib.util.spec_from_file_location(f"step_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_script(name: str, *args) -> subprocess.CompletedProcess:
    command = [sys.executable, str(locator.step_script(name)), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def run_script():
    """Run a step script as its own program, with an argument list and no shell."""
    return _run_script


@pytest.fixture(scope="session")
def dataprep():
    return load_step_script("dataprep.py")


@pytest.fixture(scope="session")
def register_model():
    return load_step_script("register_model.py")


@pytest.fixture(scope="session")
def titanic_options():
    spec = yaml.safe_load(locator.example_spec().read_text(encoding="utf-8"))
    return spec["data_prep"]["options"]


@pytest.fixture(scope="session")
def titanic_csv():
    return locator.sample_dataset()
