"""`automl-desk compare RUN RUN…`: the best iteration of each run side by side, with differences
to the first run (the baseline), best-so-far curves overlaid in a chart."""
from __future__ import annotations

import math

from app.cli import add_json_flag, print_json
from app.cli.metrics_cmd import align, check_plot_path, load_run_frame
from app.core import run_tables
from app.core.errors import UserInputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="compare runs: best metrics, differences, curves",
                                   description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("runs", metavar="RUN", nargs="+", help="run ids or metrics files; the first is the baseline")
    parser.add_argument("--metric", metavar="M", help="metric that picks each run's best iteration "
                                                      "(default: the first run's primary metric)")
    parser.add_argument("--plot", metavar="F.png", help="draw the best-so-far curves (.png, .svg or .pdf)")
    parser.add_argument("--csv", metavar="F", help="write the comparison table to this CSV file")
    add_json_flag(parser)
    parser.set_defaults(handler=run_compare)


def load_frames(args, refs: list[str]) -> tuple[dict, str]:
    """{label: iteration frame} in the given order, and the first run's primary metric."""
    if len(refs) < 2:
        raise UserInputError("compare needs at least two runs")
    frames, primary = {}, ""
    for ref in refs:
        frame, run_primary, label = load_run_frame(args, ref)
        if label in frames:            # two files of the same name: tell them apart by path
            label = ref
        if label in frames:
            raise UserInputError(f"{label} is given twice; compare different runs")
        frames[label] = frame
        primary = primary or run_primary
    return frames, primary


def choose_common_metric(frames: dict, requested: str | None, primary: str) -> str:
    common = set.intersection(*(set(run_tables.metric_columns(f)) for f in frames.values()))
    if not common:
        raise UserInputError("these runs share no metric; compare runs of the same task")
    if requested:
        if requested not in common:
            raise UserInputError(f"metric {requested!r} is not in every run; "
                                 f"choose one of: {', '.join(sorted(common))}")
        return requested
    if primary in common:
        return primary
    return run_tables.choose_metric(next(iter(frames.values()))[sorted(common)], "")


def run_compare(args) -> int:
    frames, primary = load_frames(args, args.runs)
    metric = choose_common_metric(frames, args.metric, primary)
    baseline = next(iter(frames))
    table = run_tables.compare_table(frames, metric, baseline)
    if args.csv:
        try:
            table.to_csv(args.csv)
        except OSError as exc:
            raise UserInputError(f"cannot write {args.csv}: {exc.strerror}; choose a writable path") from None
        print(f"wrote {args.csv}")
    shown = dict(zip(run_tables.short_labels(list(frames)), frames.values()))
    if args.plot:
        plot_curves(shown, metric, args.plot)
    if args.json:
        print_json({"metric": metric, "baseline": baseline,
                    "best": {label: run_tables.best_summary(f, metric) for label, f in frames.items()},
                    "table": {name: {col: _clean(v) for col, v in row.items()}
                              for name, row in table.to_dict(orient="index").items()}})
    elif not (args.csv or args.plot):
        print(format_compare(shown, run_tables.compare_table(shown, metric, next(iter(shown))), metric))
    return 0


def plot_curves(frames: dict, metric: str, path: str) -> None:
    from app.core import metrics as metrics_io
    from app.core import plotting

    check_plot_path(path)
    figure = plotting.new_figure()
    curves = {label: (list(f["iteration"]), metrics_io.best_so_far(run_tables.metric_values(f, metric), metric))
              for label, f in frames.items()}
    plotting.plot_best_so_far_curves(figure.add_subplot(), curves, metric)
    plotting.save_figure(figure, path)
    print(f"wrote {path}")


def _clean(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def format_compare(frames: dict, table, metric: str) -> str:
    header = ["METRIC", *table.columns]
    best = ["best iteration", *(str(run_tables.best_summary(f, metric)["iteration"]) for f in frames.values())]
    best += [""] * (len(header) - len(best))
    rows = [header, best]
    for name, row in table.iterrows():
        rows.append([name, *("" if _clean(v) is None else f"{v:+.4f}" if " - " in col else f"{v:.4f}"
                             for col, v in row.items())])
    return align(rows)
