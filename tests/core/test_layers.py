import subprocess
import sys


def test_core_and_backends_import_without_qt_or_azureml():
    code = ("import sys, app.core.spec, app.core.validation, app.core.metrics, app.core.backend, "
            "app.backends, app.backends.local.workspace, app.backends.local.executor, app.backends.azure; "
            "bad = [m for m in ('PySide6', 'azureml', 'matplotlib.pyplot', 'flaml') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
