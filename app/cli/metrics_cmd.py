"""`automl-desk metrics RUN`: a run's per-iteration metrics as a table, a CSV or a chart.

RUN is a run id of the workspace, or a metrics file / folder (Azure's extension-less
`metrics_data` included), which needs no workspace.
"""
from __future__ import annotations

import math
from pathlib import Path

from app.cli import add_json_flag, backend_from, print_json
from app.core import run_tables
from app.core.errors import UserInputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("metrics", help="per-iteration metrics of a run: table, CSV or chart",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("run", metavar="RUN", help="run id, or a metrics file or folder")
    parser.add_argument("--csv", metavar="F", help="write every iteration's metrics to this CSV file")
    parser.add_argument("--plot", metavar="F.png", help="draw the metric per iteration with the best so far "
                                                         "(.png, .svg or .pdf)")
    parser.add_argument("--metric", metavar="M", help="metric to show and plot (default: the run's primary metric)")
    add_json_flag(parser)
    parser.set_defaults(handler=run_metrics)


def load_run_frame(args, run: str):
    """(iteration frame, primary metric, label) for a run id or a metrics file path."""
    from app.core import metrics as metrics_io

    path = Path(run)
    if path.exists() or path.with_suffix(".json").is_file():
        data = metrics_io.read_metrics_file(path)
        return run_tables.metrics_file_frame(data), "", path.name
    record = backend_from(args).get_run(run)
    frame = run_tables.iterations_frame(record.iterations)
    if frame.empty and not record.iterations:
        frame = _frame_from_outputs(args, run)
    return frame, record.primary_metric, record.run_id


def _frame_from_outputs(args, run: str):
    """Some backends (Azure) keep iterations only in the metrics output."""
    from app.core import metrics as metrics_io

    try:
        outputs = backend_from(args).fetch_outputs(run)
    except (UserInputError, OSError, KeyError):
        return run_tables.iterations_frame([])
    path = outputs.get("metrics_data")
    if not path or not Path(path).exists():
        return run_tables.iterations_frame([])
    return run_tables.metrics_file_frame(metrics_io.read_metrics_file(path))


def pick_metric(frame, requested: str | None, primary: str, what: str) -> str:
    names = run_tables.metric_columns(frame)
    if not names:
        raise UserInputError(f"{what} has no iteration metrics yet; wait for an iteration to finish")
    if requested:
        if requested not in names:
            raise UserInputError(f"metric {requested!r} is not in {what}; choose one of: {', '.join(names)}")
        return requested
    return run_tables.choose_metric(frame, primary)


def run_metrics(args) -> int:
    frame, primary, label = load_run_frame(args, args.run)
    metric = pick_metric(frame, args.metric, primary, label)
    table = run_tables.leaderboard(frame, metric)
    if args.csv:
        _write_csv(table, args.csv)
    if args.plot:
        plot_run(table, metric, label, args.plot)
    if args.json:
        print_json({"run": label, "metric": metric, "iterations": _records(table)})
    elif not (args.csv or args.plot):
        print(format_table(table, metric))
    return 0


def _write_csv(table, path: str) -> None:
    try:
        table.to_csv(path, index=False)
    except OSError as exc:
        raise UserInputError(f"cannot write {path}: {exc.strerror}; choose a writable path") from None
    print(f"wrote {path}")


def _records(table) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in table.to_dict(orient="records")]


def plot_run(table, metric: str, label: str, path: str) -> None:
    from app.core import plotting

    check_plot_path(path)
    figure = plotting.new_figure()
    best = run_tables.best_position(table, metric)
    plotting.plot_metric_iterations(figure.add_subplot(), list(table["iteration"]),
                                    run_tables.metric_values(table, metric),
                                    run_tables.metric_values(table, run_tables.BEST_SO_FAR), metric, best,
                                    title=f"{label}: {plotting.direction_label(metric)}")
    plotting.save_figure(figure, path)
    print(f"wrote {path}")


def check_plot_path(path: str) -> None:
    if Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UserInputError(f"--plot {path}: use a .png, .svg or .pdf file name")
    if not Path(path).resolve().parent.is_dir():
        raise UserInputError(f"--plot {path}: folder {Path(path).parent} does not exist")


def format_table(table, metric: str) -> str:
    """The console table: ITERATION  PIPELINE  DURATION  <METRIC>  BEST, best row starred."""
    best = run_tables.best_position(table, metric)
    rows = [("ITERATION", "PIPELINE", "DURATION", metric.upper(), "BEST", "")]
    for pos, row in enumerate(table.itertuples(index=False)):
        record = row._asdict()
        duration = record.get("duration_s")
        rows.append((str(record["iteration"]), str(record.get("pipeline") or ""),
                     "" if duration is None or (isinstance(duration, float) and math.isnan(duration))
                     else f"{duration:.1f}s",
                     _fmt(table[metric].iloc[pos]), _fmt(table[run_tables.BEST_SO_FAR].iloc[pos]),
                     "*" if pos == best else ""))
    return align(rows)


def align(rows: list) -> str:
    """Left-aligned columns two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):.4f}"
