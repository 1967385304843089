"""Import the heavy libraries on a worker once the window is up, so no click pays for them.

Start-up stays fast because nothing here runs before the window is shown; afterwards the
first preview, chart or run view finds pandas and matplotlib already loaded instead of
importing them on the GUI thread (about a second on this class of machine).
"""
from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

MODULES = ("pandas", "pyarrow.parquet", "matplotlib.figure", "matplotlib.backends.backend_qtagg",
           "app.ui.monitor.run_view")


def prewarm_job(modules=MODULES, sink=None) -> list[str]:
    """Import `modules` one by one; return those that could not be imported (logged, not raised)."""
    missing = []
    for name in modules:
        if sink is not None and sink.cancelled:
            break
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module only means a slower first use
            log.info("prewarm: %s not imported", name, exc_info=True)
            missing.append(name)
    return missing
