"""`automl-desk datasets list | register NAME PATH_OR_URL… | show NAME[:V]`."""
from __future__ import annotations

from app.cli import add_json_flag, backend_from, print_json
from app.cli.output import as_json, parse_name_version, table, timestamp


def register(sub) -> None:
    p = sub.add_parser("datasets", help="registered datasets")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    lst = verbs.add_parser("list", help="every dataset and version")
    add_json_flag(lst)
    lst.set_defaults(handler=handle_list)
    reg = verbs.add_parser("register", help="snapshot CSV/Parquet files or http(s) URLs as a new version")
    reg.add_argument("name")
    reg.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
    reg.add_argument("--description", default="")
    add_json_flag(reg)
    reg.set_defaults(handler=handle_register)
    show = verbs.add_parser("show", help="one version with a preview of its first rows")
    show.add_argument("ref", metavar="NAME[:V]")
    show.add_argument("--rows", type=int, default=5)
    add_json_flag(show)
    show.set_defaults(handler=handle_show)


def handle_list(args) -> int:
    items = backend_from(args).list_datasets()
    if args.json:
        print_json([as_json(d) for d in items])
    elif not items:
        print("no datasets yet; register one with: automl-desk datasets register NAME FILE_OR_URL")
    else:
        print(table([[d.name, d.version, d.rows, len(d.columns), timestamp(d.created_at), d.content_hash[:12]]
                     for d in items], ["NAME", "VERSION", "ROWS", "COLUMNS", "CREATED", "HASH"]))
    return 0


def handle_register(args) -> int:
    d = backend_from(args).register_dataset(args.name, args.sources, args.description)
    if args.json:
        print_json(as_json(d))
    else:
        print(f"Registered {d.name}:{d.version} ({d.rows} rows, {len(d.columns)} columns, sha256 {d.content_hash[:12]})")
        for note in d.notes:
            print(f"note: {note}")
    return 0


def handle_show(args) -> int:
    backend = backend_from(args)
    name, version = parse_name_version(args.ref)
    d = backend.get_dataset(name, version)
    if args.json:
        print_json(as_json(d))
        return 0
    print(f"{d.name}:{d.version}  rows {d.rows}  sha256 {d.content_hash}")
    print(f"sources: {', '.join(d.sources)}")
    print(f"columns: {', '.join(d.columns)}")
    if args.rows > 0:
        print(backend.preview_dataset(name, d.version, rows=args.rows).to_string(max_colwidth=30))
    return 0
