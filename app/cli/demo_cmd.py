"""`automl-desk demo`: register the bundled Titanic data and run the example pipeline locally."""
from __future__ import annotations

from app import locator
from app.cli import backend_from
from app.cli.run_cmd import submit_and_follow
from app.core.errors import UserInputError
from app.core.spec import load_spec

DEMO_DATASET = "titanic_ds"


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the Titanic example pipeline on the local workspace")
    p.add_argument("--iterations", type=int, help="AutoML iterations (default: the example's 20)")
    p.add_argument("--timeout-minutes", type=float, help="experiment timeout in minutes (default: 15)")
    p.add_argument("--detach", action="store_true", help="return at once; the run continues in the background")
    p.set_defaults(handler=handle)


def handle(args) -> int:
    backend = backend_from(args)
    if backend.kind != "local":
        raise UserInputError("the demo runs on a local workspace; drop --workspace azure:…")
    dataset = backend.register_dataset(DEMO_DATASET, [str(locator.sample_dataset())],
                                       description="Titanic passengers (bundled sample)")
    print(f"Dataset {dataset.name}:{dataset.version} ({dataset.rows} rows) in workspace {backend.root}")
    spec = load_spec(locator.example_spec())
    if args.iterations is not None:
        spec.automl.iterations = args.iterations
    if args.timeout_minutes is not None:
        spec.automl.experiment_timeout_hours = None
        spec.automl.experiment_timeout_minutes = args.timeout_minutes
        # The example's iteration timeout (10 minutes) may not outlast a shorter experiment timeout.
        iteration = spec.automl.iteration_timeout_minutes
        if iteration is not None and iteration > args.timeout_minutes:
            spec.automl.iteration_timeout_minutes = args.timeout_minutes
    return submit_and_follow(backend, spec, {}, args.detach)
