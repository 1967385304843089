"""`automl-desk models list | show NAME[:V]`."""
from __future__ import annotations

from app.cli import add_json_flag, backend_from, print_json
from app.cli.output import as_json, number, parse_name_version, table, timestamp


def register(sub) -> None:
    p = sub.add_parser("models", help="registered models")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    lst = verbs.add_parser("list", help="every model and version")
    add_json_flag(lst)
    lst.set_defaults(handler=handle_list)
    show = verbs.add_parser("show", help="one model version")
    show.add_argument("ref", metavar="NAME[:V]")
    add_json_flag(show)
    show.set_defaults(handler=handle_show)


def handle_list(args) -> int:
    models = backend_from(args).list_models()
    if args.json:
        print_json([as_json(m) for m in models])
    elif not models:
        print("no models registered yet")
    else:
        print(table([[m.name, m.version, m.primary_metric, number(m.metric_value), m.dataset,
                      (m.run_id or "-")[:8], timestamp(m.created_at)] for m in models],
                    ["NAME", "VERSION", "METRIC", "VALUE", "DATASET", "RUN", "CREATED"]))
    return 0


def handle_show(args) -> int:
    name, version = parse_name_version(args.ref)
    m = backend_from(args).get_model(name, version)
    if args.json:
        print_json(as_json(m))
        return 0
    print(f"{m.name}:{m.version}  task {m.task}  {m.primary_metric} = {number(m.metric_value)} (validation)")
    if m.properties.get("test_score") is not None:
        print(f"test split: {m.primary_metric} = {number(m.properties['test_score'])} "
              f"on {m.properties.get('test_rows') or '?'} held-out rows")
    print(f"run {m.run_id}  iteration {m.iteration}  dataset {m.dataset}")
    print(f"file {m.path}  ({m.size_bytes:,} bytes, sha256 {m.content_hash[:16]}…)")
    packages = m.properties.get("packages") or {}
    if packages:
        print("trained with: " + ", ".join(f"{k} {v}" for k, v in sorted(packages.items())))
    return 0
