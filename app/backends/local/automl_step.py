"""The local AutoML step as its own process.

    python -m app.backends.local.automl_step --data PATH --settings PATH --output-dir DIR
        --step-run-id ID --events PATH --stop-file PATH [--warm-start PATH]...

Exit 0 when done (also when canceled or timed out), 2 for bad settings or data (one line on
stderr), 1 for anything unexpected.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback

STARTED = time.time()      # the experiment timeout counts from the step's start, imports included
# OpenMP threads (LightGBM, XGBoost, scikit-learn's histogram boosting) that spin while waiting
# make a busy shared machine crawl: on 2 cores under load LightGBM took 37-75 s with 2 threads
# and 2.1 s with passive waiting. Set before any of them is imported; a user's choice wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from app.core.errors import UserInputError  # noqa: E402 - after the start clock and the OpenMP setting, on purpose


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="automl_step", description="Run the local AutoML step.")
    parser.add_argument("--data", required=True, help="prepared training data (Parquet or CSV) with the label")
    parser.add_argument("--settings", required=True, help="JSON of AutoMLSettings plus 'seed'")
    parser.add_argument("--output-dir", required=True, help="folder for metrics_data, model_data, summary.json")
    parser.add_argument("--step-run-id", required=True, help="iteration run ids are <ID>_<n>")
    parser.add_argument("--events", required=True, help="JSON-lines progress file to append to")
    parser.add_argument("--stop-file", default="", help="stop gracefully when this file appears")
    parser.add_argument("--warm-start", action="append", default=[], metavar="PATH",
                        help="an earlier run's best_configs.json or output folder to start from (repeatable)")
    args = parser.parse_args(argv)
    from app.backends.local.automl.engine import Step

    step = Step(args.data, args.settings, args.output_dir, args.step_run_id, args.events, args.stop_file,
                warm_start=args.warm_start, started=STARTED)
    try:
        step.run()
    except UserInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        step.finished = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
