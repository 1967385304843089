"""Monitor test fixtures: a fake backend with run outputs on disk."""
from __future__ import annotations

import pytest



@pytest.fixture
def backend(make_fake_backend, tmp_path):
    return make_fake_backend(outputs_dir=tmp_path / "outputs")


def pytest_collection_modifyitems(items):
    """matplotlib's Qt toolbar reads a Qt attribute that PySide6 marks deprecated; not ours to fix."""
    for item in items:
        if "ui/monitor" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("ignore:.*AA_UseHighDpiPixmaps:DeprecationWarning"))
