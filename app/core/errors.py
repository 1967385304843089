"""Errors that carry a message meant for the user (CLI exit 2, GUI dialog)."""
from __future__ import annotations


class UserInputError(Exception):
    """Bad input from the user: the message says what is wrong and what to do."""


class SpecError(UserInputError):
    """A pipeline spec that does not validate; `problems` lists every error."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFoundError(UserInputError):
    """A named workspace object (dataset, run, model) does not exist."""


class NotAvailableError(UserInputError):
    """This kind of workspace cannot do what was asked; the message says where it can be done."""


class InUseError(UserInputError):
    """The thing to delete is used by runs that would have to go too; `runs` names them."""

    def __init__(self, message: str, runs: list[str]):
        super().__init__(message)
        self.runs = runs


def disk_problem(exc: OSError) -> str:
    """What a failed file write means for the user: full disk, read-only folder, or the system's words."""
    import errno

    if exc.errno == errno.ENOSPC:
        what = "the disk is full; free some space"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = "the folder cannot be written (read-only or no permission); make it writable"
    else:
        what = exc.strerror or str(exc)
    return f"{what} ({exc.filename})" if exc.filename else what
