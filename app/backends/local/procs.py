"""Child processes in their own process group, stopped as a tree (psutil keeps Windows possible)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil


def spawn(argv: list[str], log_path: Path, cwd: Path | None = None, env: dict | None = None,
          pass_fds: tuple = (), die_with_parent: bool = False) -> subprocess.Popen:
    """Start `argv` (no shell) in a new process group, stdout+stderr appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        kwargs = dict(stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                      env={**os.environ, **(env or {})})
        if os.name == "nt":  # pragma: no cover
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            kwargs["start_new_session"] = True
            kwargs["pass_fds"] = pass_fds
            if die_with_parent and sys.platform.startswith("linux"):
                kwargs["preexec_fn"] = _die_with_parent
        return subprocess.Popen(argv, **kwargs)  # noqa: S603 - argument list, never a shell


def python_argv(*args: str) -> list[str]:
    return [sys.executable, *args]


def kill_tree(pid: int, created: float | None = None) -> None:
    """Kill `pid` and its descendants; `created` guards against a recycled pid."""
    try:
        proc = psutil.Process(pid)
        if created is not None and abs(proc.create_time() - created) > 1.0:
            return
        children = proc.children(recursive=True)
    except psutil.Error:
        return
    if os.name != "nt":
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for p in [*children, proc]:
        try:
            p.kill()
        except psutil.Error:
            pass


def create_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _die_with_parent() -> None:
    """Linux: a step dies with its executor, so a killed executor leaves no orphan search running."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
