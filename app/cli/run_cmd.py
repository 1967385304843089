"""`automl-desk run SPEC [--set PARAM=VALUE]… [--detach]`."""
from __future__ import annotations

from pathlib import Path

from app.cli import backend_from
from app.cli.follow import RunFollower, print_summary
from app.core import runs as rs
from app.core.errors import UserInputError
from app.core.spec import load_spec


def register(sub) -> None:
    p = sub.add_parser("run", help="run a pipeline spec (foreground; Ctrl-C cancels)")
    p.add_argument("spec", help="pipeline spec YAML file")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PARAM=VALUE",
                   help="set a pipeline parameter (only names under `parameters:`)")
    p.add_argument("--detach", action="store_true", help="return at once; the run continues in the background")
    p.set_defaults(handler=handle)


def parse_overrides(pairs: list[str]) -> dict:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UserInputError(f"--set expects PARAM=VALUE, got '{pair}'")
        result[name.strip()] = value
    return result


def resolve_script_path(spec, spec_path: Path) -> None:
    """A user's data-prep script path is relative to the spec file."""
    prep = spec.data_prep
    if prep is not None and not prep.is_bundled and not Path(prep.script).is_absolute():
        prep.script = str((spec_path.parent / prep.script).resolve())


def submit_and_follow(backend, spec, overrides: dict, detach: bool) -> int:
    run_id = backend.submit(spec, overrides)
    print(f"Submitted run {run_id} (experiment {spec.experiment})", flush=True)
    if detach:
        print(f"Follow it with: automl-desk runs show {run_id}")
        return 0
    run = RunFollower(backend, run_id).follow()
    print_summary(backend, run)
    return 0 if run.status == rs.COMPLETED else 1


def handle(args) -> int:
    spec_path = Path(args.spec)
    spec = load_spec(spec_path)
    resolve_script_path(spec, spec_path)
    return submit_and_follow(backend_from(args), spec, parse_overrides(args.overrides), args.detach)
