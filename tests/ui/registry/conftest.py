"""Models-view fixtures: a raw Titanic file (the finished-run workspace is `backend`, from tests/finished_run.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from app import locator


@pytest.fixture
def raw_csv(tmp_path):
    path = tmp_path / "raw.csv"
    pd.read_csv(locator.sample_dataset()).drop(columns=["Survived"]).to_csv(path, index=False)
    return path
