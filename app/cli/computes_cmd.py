"""`automl-desk computes list | create NAME --vm-size S --max-nodes N`: compute targets.

Creating an AmlCompute cluster needs an Azure ML workspace (`--workspace azure:…`); the wait
prints each provisioning state and gives up after 20 minutes. Ctrl-C stops the wait only:
Azure keeps provisioning the cluster.
"""
from __future__ import annotations

import sys

from app.cli import add_json_flag, backend_from, print_json
from app.cli.output import as_json, table
from app.core.errors import UserInputError
from app.core.progress import Cancelled, Sink
from app.core.runs import ComputeTarget


def register(sub) -> None:
    p = sub.add_parser("computes", help="compute targets (Azure clusters, or this machine)")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    lst = verbs.add_parser("list", help="every compute target of the workspace")
    add_json_flag(lst)
    lst.set_defaults(handler=handle_list)
    create = verbs.add_parser("create", help="create an AmlCompute cluster and wait until it is ready")
    create.add_argument("name")
    create.add_argument("--vm-size", required=True, metavar="SIZE", help="e.g. STANDARD_DS3_V2")
    create.add_argument("--max-nodes", required=True, type=int, metavar="N")
    create.add_argument("--min-nodes", type=int, default=0, metavar="N", help="default 0: scales to zero when idle")
    create.add_argument("--priority", default="Dedicated", choices=("Dedicated", "LowPriority"))
    add_json_flag(create)
    create.set_defaults(handler=handle_create)


def handle_list(args) -> int:
    items = backend_from(args).list_computes()
    if args.json:
        print_json([as_json(c) for c in items])
    else:
        print(table([[c.name, c.kind, c.vm_size or "-", f"{c.min_nodes}-{c.max_nodes}", c.priority, c.state]
                     for c in items], ["NAME", "KIND", "VM SIZE", "NODES", "PRIORITY", "STATE"]))
    return 0


def handle_create(args) -> int:
    from app.core.runs import cluster_name_problem

    problem = cluster_name_problem(args.name)
    if problem:
        raise UserInputError(f"cluster name '{args.name}': {problem}")
    backend = backend_from(args)
    target = ComputeTarget(args.name, "AmlCompute", args.vm_size, args.min_nodes, args.max_nodes, args.priority,
                           "Creating")
    sink = Sink(on_progress=lambda _fraction, message: print(message, flush=True))
    try:
        made = backend.create_compute(target, sink)
    except KeyboardInterrupt:
        print(f"stopped waiting; Azure keeps provisioning {args.name} (delete it in the portal if unwanted)",
              file=sys.stderr)
        return 1
    except Cancelled as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print_json(as_json(made))
    else:
        print(f"cluster {made.name} is ready: {made.vm_size}, {made.min_nodes}-{made.max_nodes} nodes, {made.priority}")
    return 0
