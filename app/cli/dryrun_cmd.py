"""`automl-desk dry-run SPEC`: run the Azure pipeline's exact graph on this machine first.

Builds the SDK v1 graph the spec would submit and runs its steps here as the cluster would
(see `app.backends.azure.dryrun`); nothing is sent to Azure. The dataset is the file the
local workspace registered under the spec's name, or `--data FILE`.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from app.core.errors import NotFoundError, UserInputError

DEMO_DATASET = "titanic_ds"
MARKER = Path("dry-run") / "summary.json"
OWN_FOLDERS = ("dry-run", "azureml", "automl-desk")


def register(subparsers) -> None:
    parser = subparsers.add_parser("dry-run", help="run the Azure pipeline's graph on this machine, offline",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("spec", metavar="SPEC", help="pipeline spec (YAML)")
    parser.add_argument("--compute", metavar="NAME",
                        help="Azure compute cluster for every step (default: the spec's names, "
                             "'local' becoming cpu-cluster, as export-script does)")
    parser.add_argument("--output", metavar="DIR", help="folder for the outputs (default: ./dry-run-EXPERIMENT)")
    parser.add_argument("--data", metavar="FILE",
                        help="CSV/Parquet file standing in for the dataset (default: the local workspace's)")
    parser.set_defaults(handler=run_dry_run)


def run_dry_run(args) -> int:
    from app.backends.azure.dryrun.runner import dry_run
    from app.core.progress import Sink
    from app.core.spec import load_spec

    sink = Sink(on_progress=lambda _fraction, message: print(f"  {message}", flush=True))
    cancel_on_signals(sink)
    spec = load_spec(args.spec)
    data, note = dataset_file(args, spec)
    out = prepare_output(Path(args.output or f"dry-run-{spec.experiment or 'pipeline'}"))
    if note:
        print(note)
    report = dry_run(spec, out, data, compute=args.compute, base_dir=Path(args.spec).resolve().parent, sink=sink)
    print_report(report)
    return 0 if report.ok else 1


def cancel_on_signals(sink) -> None:
    """Ctrl-C and SIGTERM (the app's Cancel) cancel the sink: the current step stops (AutoML
    keeps its best model so far), the rest do not start, and the report is still written.
    A flag, not an exception: an exception raised inside the SDK's or dataprep's calls can be
    swallowed there."""
    import signal

    def cancel(_signum, _frame):
        sink.cancel()

    signal.signal(signal.SIGTERM, cancel)
    signal.signal(signal.SIGINT, cancel)


def dataset_file(args, spec) -> tuple[Path, str]:
    """The file standing in for the spec's dataset, and a line saying where it came from."""
    from app import locator
    from app.backends import AZURE_PREFIX, resolve_location

    if args.data:
        path = Path(args.data).expanduser()
        if not path.is_file():
            raise UserInputError(f"--data: file not found: {path}")
        return path, f"dataset {spec.dataset}: {path}"
    location = resolve_location(args.workspace)
    if location.startswith(AZURE_PREFIX):
        raise UserInputError("the dry run reads the dataset from a local file; pass --data FILE "
                             "(a copy of the Azure dataset's data)")
    root = Path(location).expanduser()
    if root.is_dir():
        from app.backends.local.workspace import LocalBackend

        try:
            record = LocalBackend(root, recover=False).get_dataset(spec.dataset_name, spec.dataset_version)
            return Path(record.path), f"dataset {record.name}:{record.version} from the local workspace {root}"
        except NotFoundError:
            pass
    if spec.dataset_name == DEMO_DATASET:
        return locator.sample_dataset(), (f"dataset {DEMO_DATASET}: not in the local workspace; the bundled sample "
                                          f"stands in (what 'automl-desk demo' registers under this name)")
    raise UserInputError(f"dataset '{spec.dataset}' is not registered in the local workspace {root}; register it "
                         f"with 'automl-desk datasets register {spec.dataset_name} FILE' or pass --data FILE")


def prepare_output(out: Path) -> Path:
    """An empty folder, or one an earlier dry run filled (its outputs are replaced)."""
    if out.exists() and not out.is_dir():
        raise UserInputError(f"--output: {out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise UserInputError(f"--output: {out} is not empty and holds no earlier dry run; "
                                 f"choose a new or empty folder")
        for name in OWN_FOLDERS:
            shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    return out


def print_report(report, out=None) -> None:
    def say(text=""):
        print(text, file=out or sys.stdout)

    say()
    say(f"{'STEP':<12}{'KIND':<18}{'STATUS':<12}{'SECONDS':>8}")
    for step in report.steps:
        say(f"{step.name:<12}{step.kind:<18}{step.status:<12}{step.seconds:>8.1f}"
            + (f"  {step.message}" if step.message else ""))
    for note in report.notes:
        say(f"note: {note}")
    say()
    say(f"Outputs under {report.output} (Azure's download layout):")
    for name, path in report.outputs.items():
        say(f"  {name:<14} {Path(path).relative_to(report.output)}")
    if report.prepared_rows is not None:
        say(f"Prepared rows: {report.prepared_rows}")
    for call in report.registrations:
        say(f"Model.register recorded: {call['model_name']} ({', '.join(call['child_paths'])})")
    say(f"Step logs: {Path(report.output) / 'dry-run' / 'logs'}")
    say()
    say("Not imitated by a dry run:")
    for line in report.cannot_imitate:
        say(f"  - {line}")
