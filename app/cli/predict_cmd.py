"""`automl-desk predict NAME[:V] DATA -o OUT.csv`: predictions from a registered model."""
from __future__ import annotations

import sys

from app.cli import add_json_flag, backend_that_can, print_json
from app.cli.output import parse_name_version
from app.core.errors import UserInputError
from app.core.progress import Sink


def register(sub) -> None:
    p = sub.add_parser("predict", help="predict with a registered model on a CSV/Parquet file",
                       description="Writes the input rows plus `prediction` and, for classification, one "
                                   "`probability_<class>` column per class. The model's saved data-prep "
                                   "parameters are applied first, so DATA is raw data like the training data "
                                   "(the label column may be left out). For a forecasting model DATA holds the "
                                   "future rows: the time column, the series ids and any known covariates, "
                                   "within the forecast horizon; `prediction_lower`/`prediction_upper` give a "
                                   "90% interval.")
    p.add_argument("model", metavar="NAME[:V]", help="registered model (latest version when V is left out)")
    p.add_argument("data", metavar="DATA", nargs="?", help="CSV or Parquet file to predict on")
    p.add_argument("--periods", type=int, metavar="N",
                   help="forecasting models: forecast the next N periods of every series (no DATA needed)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="CSV file to write")
    p.add_argument("--chunk-rows", type=int, default=50_000, metavar="N", help="rows per chunk (default 50000)")
    add_json_flag(p)
    p.set_defaults(handler=handle_predict)


def handle_predict(args) -> int:
    if args.chunk_rows < 1:
        raise UserInputError("--chunk-rows must be 1 or more")
    if (args.data is None) == (args.periods is None):
        raise UserInputError("give either DATA (a file of rows to predict on) or --periods N (forecasting models)")
    if args.periods is not None and args.periods < 1:
        raise UserInputError("--periods must be 1 or more")
    name, version = parse_name_version(args.model)
    backend = backend_that_can(args, "predict")
    if args.periods is not None:
        summary = backend.predict_next_periods(name, version, args.periods, args.output, Sink())
    else:
        summary = backend.predict(name, version, args.data, args.output, Sink(), chunk_rows=args.chunk_rows)
    for warning in summary["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(summary)
    else:
        prep = ", saved data prep applied" if summary["dataprep"] else ""
        print(f"wrote {summary['rows']:,} rows with {', '.join(summary['columns'])} to {summary['output']} "
              f"(model {summary['model']}{prep})")
    return 0
