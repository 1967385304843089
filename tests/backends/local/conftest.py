import shutil

import pytest

from app import locator
from app.backends.local.workspace import LocalBackend


@pytest.fixture
def workspace(tmp_path):
    return LocalBackend(tmp_path / "ws")


@pytest.fixture
def titanic_csv(tmp_path):
    path = tmp_path / "titanic.csv"
    shutil.copy(locator.sample_dataset(), path)
    return path


@pytest.fixture
def titanic_ws(workspace, titanic_csv):
    workspace.register_dataset("titanic_ds", [str(titanic_csv)])
    return workspace
