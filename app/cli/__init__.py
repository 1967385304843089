"""`automl-desk`: the headless twins of the GUI's actions.

Each command group lives in its own module exposing `register(subparsers)`; a command's
handler is `fn(args) -> int`. Exit codes: 0 success, 1 the run ended Failed/Canceled,
2 bad input (one clear line on stderr, no traceback).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from app import __version__
from app.core.errors import UserInputError

COMMAND_MODULES = ("demo", "run", "datasets", "runs", "metrics", "compare", "models", "predict", "export",
                   "dryrun", "computes", "housekeeping")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="automl-desk", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"automl-desk {__version__}")
    parser.add_argument("--workspace", metavar="DIR|azure:PATH",
                        help="local workspace folder or azure:PATH/config.json "
                             "(default: $AUTOML_DESK_WORKSPACE, else the 'default' local workspace)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"app.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.cli.{name}_cmd":
                raise
            continue
        module.register(sub)
    return parser


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def print_json(data) -> None:
    print(json.dumps(data, indent=2, default=str))


def backend_from(args):
    from app.backends import open_backend

    return open_backend(args.workspace)


def backend_that_can(args, capability: str, allowed: bool | None = None):
    """The workspace, if it can do `capability` (or `allowed` says so); else exit 2 saying where to."""
    from app.core.errors import NotAvailableError

    backend = backend_from(args)
    caps = backend.capabilities
    if not (getattr(caps, capability) if allowed is None else allowed(caps)):
        raise NotAvailableError(caps.why_not(capability))
    return backend


def _workspace_first(argv: list[str]) -> list[str]:
    """Accept `--workspace` anywhere on the line, not only before the command."""
    rest, front, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--workspace" and i + 1 < len(argv):
            front += argv[i:i + 2]
            i += 2
            continue
        if arg.startswith("--workspace="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from app.ui.application import run_gui

        return run_gui([])
    parser = build_parser()
    args = parser.parse_args(_workspace_first(argv))
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()          # here, where a closed pipe is caught, not at interpreter exit
        return code
    except UserInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (`automl-desk runs show RUN | head`): stop quietly, as Unix tools do;
        # stdout goes to /dev/null so that the flush at exit does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
