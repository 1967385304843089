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


@pytest.fixture
def open_models_view(qtbot, runner):
    """open_models_view(backend) -> a shown Models view that has loaded `backend`'s models."""
    from app.ui.registry.models_view import ModelsView

    def open_on(backend):
        view = ModelsView(runner)
        qtbot.addWidget(view)
        view.resize(1000, 700)
        view.show()
        with qtbot.waitSignal(view.models_loaded, timeout=10_000):
            view.set_backend(backend)
        return view
    return open_on
