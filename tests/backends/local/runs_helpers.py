"""Helpers for tests that drive real runs on a local workspace."""
from __future__ import annotations

import time

import psutil

from app import locator
from app.core import runs as rs
from app.core.spec import load_spec


def small_spec(iterations=6, minutes=1.0, folds=3):
    spec = load_spec(locator.example_spec())
    spec.automl.iterations = iterations
    spec.automl.experiment_timeout_hours = None
    spec.automl.experiment_timeout_minutes = minutes
    spec.automl.iteration_timeout_minutes = None
    spec.automl.n_cross_validations = folds
    return spec


def wait_for(backend, run_id, predicate, timeout=120.0, poll=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        run = backend.get_run(run_id)
        if predicate(run):
            return run
        time.sleep(poll)
    raise AssertionError(f"timed out; run is {backend.get_run(run_id).status}: {backend.get_run(run_id).phase}")


def wait_done(backend, run_id, timeout=180.0):
    return wait_for(backend, run_id, lambda r: rs.is_terminal(r.status), timeout)


# A process can exit between being listed and being inspected or signalled (psutil then raises
# NoSuchProcess or ZombieProcess); these helpers treat such a process as gone.

def command_line(proc) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def processes_with(*words) -> list:
    """Live processes whose command line contains every one of `words` as a substring."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if all(word in cmd for word in words):
            found.append(proc)
    return found


def descendants_with(proc, word) -> list:
    try:
        children = proc.children(recursive=True)
    except psutil.Error:
        return []
    return [c for c in children if word in " ".join(command_line(c))]


def kill_quietly(procs) -> list:
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    return list(procs)


def has_exited(proc) -> bool:
    """Done exiting: its files (and so its locks) closed. A dying process already shows an empty
    command line while it still holds them, so leaving the listing is not enough."""
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.Error:
        return True


def wait_processes_gone(*words, timeout=10.0, also=()) -> None:
    """Until no live process matches `words`, and every one that matched (or is in `also`) has exited."""
    end = time.monotonic() + timeout
    seen = {p.pid: p for p in also}
    while time.monotonic() < end:
        matching = processes_with(*words)
        seen.update((p.pid, p) for p in matching)
        if not matching and all(has_exited(p) for p in seen.values()):
            return
        time.sleep(0.05)
