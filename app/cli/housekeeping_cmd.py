"""`automl-desk delete run|dataset|model REF [--with-runs] [--yes]` and `automl-desk usage`."""
from __future__ import annotations

import sys

from app.cli import add_json_flag, backend_that_can, print_json
from app.cli.output import parse_name_version, table
from app.core.backend import DATASET, MODEL, RUN
from app.core.errors import InUseError, UserInputError


def register(sub) -> None:
    p = sub.add_parser("delete", help="delete a run, a dataset version or a model version (files included)")
    p.add_argument("kind", choices=(RUN, DATASET, MODEL))
    p.add_argument("ref", metavar="RUN|NAME:V", help="run id (or unique prefix), or NAME:VERSION")
    p.add_argument("--with-runs", action="store_true",
                   help="also delete the runs that use this dataset version or reuse this run's outputs")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    add_json_flag(p)
    p.set_defaults(handler=handle_delete)
    usage = sub.add_parser("usage", help="disk space used by the workspace, by category and largest items")
    usage.add_argument("--top", type=int, default=10, metavar="N", help="largest items to list (default 10)")
    add_json_flag(usage)
    usage.set_defaults(handler=handle_usage)


def _versioned(ref: str, kind: str) -> tuple[str, int]:
    name, version = parse_name_version(ref)
    if version is None:
        raise UserInputError(f"give the {kind} version to delete, as {name}:VERSION")
    return name, version


def _plan(backend, args):
    if args.kind == RUN:
        return backend.plan_delete(RUN, [args.ref], with_runs=args.with_runs)
    if args.kind == DATASET:
        return backend.plan_delete(DATASET, _versioned(args.ref, "dataset"), with_runs=args.with_runs)
    if args.with_runs:
        raise UserInputError("--with-runs applies to runs and datasets; a model version is deleted on its own")
    return backend.plan_delete(MODEL, _versioned(args.ref, "model"))


def _confirmed(description: str) -> bool:
    if not sys.stdin.isatty():
        raise UserInputError(f"this deletes {description}; add --yes to confirm without a prompt")
    answer = input(f"Delete {description}? This cannot be undone [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def handle_delete(args) -> int:
    backend = backend_that_can(args, "delete", allowed=lambda caps: args.kind in caps.delete)
    try:
        plan = _plan(backend, args)
    except InUseError as exc:
        raise UserInputError(f"{exc} (add --with-runs to delete them with it)") from None
    if not args.yes and not _confirmed(f"{plan.describe()} ({_size(plan.size())})"):
        print("nothing deleted")
        return 0
    result = backend.delete(plan)
    if args.json:
        print_json(result)
    else:
        print(f"deleted {plan.describe()}, freed {_size(result['bytes_freed'])}")
    return 0


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def handle_usage(args) -> int:
    usage = backend_that_can(args, "disk_usage").disk_usage(top=args.top)
    if args.json:
        print_json(usage)
        return 0
    print(f"{usage['location']}: {_size(usage['total'])}")
    print(table([[name, _size(n)] for name, n in usage["categories"].items()], ["CATEGORY", "SIZE"]))
    if usage["largest"]:
        print()
        print(table([[i["kind"], i["label"], _size(i["bytes"])] for i in usage["largest"]], ["KIND", "ITEM", "SIZE"]))
    return 0
