"""Run lock files: a run is alive exactly while its executor holds the lock.

POSIX `flock` locks belong to the open file, so `submit` takes the lock and hands the
open descriptor to the executor it spawns: there is no moment when a starting run looks dead.
"""
from __future__ import annotations

import os
from pathlib import Path

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False


class RunLock:
    """An exclusive, non-blocking lock on one file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if _try_lock(fd):
            self.fd = fd
            return True
        os.close(fd)
        return False

    @classmethod
    def adopt(cls, path: Path, fd: int) -> "RunLock":
        """Take over a descriptor inherited from the parent that locked it."""
        lock = cls(path)
        lock.fd = fd
        return lock

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def is_held_elsewhere(self) -> bool:
        """True when another process holds the lock (we take and drop it otherwise)."""
        if self.acquire():
            self.release()
            return False
        return True
