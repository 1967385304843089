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
# How long OpenMP threads (LightGBM, XGBoost) spin before they sleep between parallel regions.
# Measured on 2 cores, 100 trees on 6,700 rows, LightGBM / XGBoost: libgomp's default spin
# (300,000) took 0.11 / 0.13 s on a quiet machine but 0.40-0.63 / 0.55-0.64 s beside two busy
# processes; passive waiting took 0.27-1.01 / 0.24-0.33 s beside them and 0.69-0.75 / 0.32-0.34 s
# on the quiet machine (waking sleeping threads dominates small trees); a spin of 10,000 took
# 0.10 / 0.12 s and 0.24-0.28 / 0.35-0.42 s. Set before any of them is imported; a user's choice wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "10000")

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


def end(code: int) -> None:
    """Exit with `code`, unless the watcher is already ending the process with its own."""
    from app.backends.local.automl.watcher import claim_exit, exit_process

    claim_exit()
    exit_process(code)


if __name__ == "__main__":
    end(main())
