"""`automl-desk runs list [--experiment E] | show RUN | cancel RUN`."""
from __future__ import annotations

from app.cli import add_json_flag, backend_from, print_json
from app.cli.follow import print_summary
from app.cli.output import as_json, duration, number, table, timestamp
from app.core.runs import is_terminal
from app.core.scores import test_split, test_split_text


def register(sub) -> None:
    p = sub.add_parser("runs", help="pipeline runs")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    lst = verbs.add_parser("list", help="runs, newest first")
    lst.add_argument("--experiment")
    add_json_flag(lst)
    lst.set_defaults(handler=handle_list)
    show = verbs.add_parser("show", help="one run: steps, best iteration, outputs, errors")
    show.add_argument("run", help="run id or a unique prefix")
    add_json_flag(show)
    show.set_defaults(handler=handle_show)
    cancel = verbs.add_parser("cancel", help="cancel a queued or running run")
    cancel.add_argument("run")
    cancel.set_defaults(handler=handle_cancel)


def handle_list(args) -> int:
    runs = backend_from(args).list_runs(args.experiment)
    if args.json:
        print_json([as_json(r) for r in runs])
    elif not runs:
        print("no runs yet; start one with: automl-desk demo")
    else:
        print(table([[r.run_id, r.experiment, r.status, timestamp(r.created_at), duration(r.duration_s),
                      r.primary_metric, number(r.best_metric)] for r in runs],
                    ["RUN", "EXPERIMENT", "STATUS", "CREATED", "DURATION", "METRIC", "BEST"]))
    return 0


def handle_show(args) -> int:
    backend = backend_from(args)
    run = backend.get_run(args.run)
    if args.json:
        found = test_split(_summary(backend, run.run_id))
        print_json({**as_json(run), "test_score": found[0] if found else None,
                    "test_rows": found[1] if found else None})
        return 0
    print_summary(backend, run)
    held_out = test_split_text(_summary(backend, run.run_id), run.primary_metric)
    if held_out:
        print(f"Best model on the {held_out}, held out of the search (the best above is its validation score)")
    if run.phase:
        print(f"Phase: {run.phase}")
    print(f"Iterations: {len(run.iterations)}  dataset {run.dataset}  parameters {run.parameters}")
    return 0


def _summary(backend, run_id: str) -> dict | None:
    try:
        return (backend.get_artifacts(run_id) or {}).get("summary")
    except Exception:  # noqa: BLE001 - a run without readable artifacts still shows its summary
        return None


def handle_cancel(args) -> int:
    backend = backend_from(args)
    run_id = backend.resolve_run_id(args.run)
    status = backend.get_run(run_id).status
    if is_terminal(status):             # "Cancel requested" read as if an ended run had been stopped
        print(f"Run {run_id} already ended ({status}): nothing to cancel")
        return 0
    backend.cancel(run_id)
    print(f"Cancel requested for run {run_id}")
    return 0
