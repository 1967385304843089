"""Models-view fixtures: a private copy of the session's finished-run workspace, a raw Titanic file."""
from __future__ import annotations

import pandas as pd
import pytest

from app import locator
from tests.backends.local.model_fixtures import backend, shared  # noqa: F401 - fixtures
from tests.ui.monitor.conftest import runner  # noqa: F401 - the joined JobRunner


@pytest.fixture
def raw_csv(tmp_path):
    path = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(path, index=False)
    return path
