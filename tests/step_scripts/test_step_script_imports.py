"""Azure uploads the step_scripts folder as-is: the scripts may import nothing from the app."""
from __future__ import annotations

import ast
import sys

import pytest

from app import locator

ALLOWED = set(sys.stdlib_module_names) | {"numpy", "pandas", "pyarrow", "azureml"}


@pytest.mark.parametrize("name", ["dataprep.py", "register_model.py"])
def test_step_scripts_import_only_the_standard_library_and_data_packages(name):
    tree = ast.parse(locator.step_script(name).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported, "the parse found no imports at all"
    assert imported <= ALLOWED, sorted(imported - ALLOWED)
