"""The layering at run time: the static contracts live in pyproject.toml (`lint-imports`)."""
import subprocess
import sys

EVERY_MODULE = ("import importlib, pkgutil, sys, app.core, app.backends\n"
                "names = [m.name for p in (app.core, app.backends)\n"
                "         for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]\n"
                "for name in names: importlib.import_module(name)\n"
                "bad = [m for m in ('PySide6', 'matplotlib.pyplot') if m in sys.modules]\n"
                "print(len(names), bad); sys.exit(1 if bad or len(names) < 40 else 0)")

OPENING = ("import sys, app.core.spec, app.core.validation, app.core.metrics, app.core.backend, "
           "app.backends, app.backends.local.workspace, app.backends.local.executor, app.backends.azure.backend; "
           "bad = [m for m in ('PySide6', 'azureml', 'matplotlib.pyplot', 'flaml') if m in sys.modules]; "
           "print(bad); sys.exit(1 if bad else 0)")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_no_core_or_backend_module_imports_qt_or_pyplot():
    result = _run(EVERY_MODULE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_opening_a_workspace_imports_neither_the_azure_sdk_nor_the_engine():
    result = _run(OPENING)
    assert result.returncode == 0, result.stdout + result.stderr
