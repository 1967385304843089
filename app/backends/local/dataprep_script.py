"""The bundled data-prep step script, loaded as a module so its `apply` can be reused.

Step scripts import nothing from `app` and are not part of the package's import tree
(Azure uploads the folder as-is), so they are loaded from their file by path.
"""
from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache

from app import locator

MODULE_NAME = "automl_desk_step_dataprep"


@lru_cache(maxsize=1)
def load():
    """The module object of step_scripts/dataprep.py (fit, apply, read_table, DataPrepError)."""
    path = locator.step_script("dataprep.py")
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module  # dataclass/pickle lookups need the module registered
    spec.loader.exec_module(module)
    return module
