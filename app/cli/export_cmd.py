"""`automl-desk export-script SPEC -o pipeline.py`: the spec as a standalone Azure ML SDK v1 script.

The script needs the bundled step scripts beside it; they are copied into `step_scripts/`
next to the output unless `--no-step-scripts` is given. Steps on the local compute export
to the sample's `cpu-cluster` unless `--compute` names another cluster. No Azure workspace
is opened: the dataset's sources come from an existing local workspace, when it has it.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from app.core.errors import NotFoundError, SpecError, UserInputError

STEP_SCRIPT_FILES = ("dataprep.py", "register_model.py")


def register(subparsers) -> None:
    parser = subparsers.add_parser("export-script", help="write the equivalent Azure ML SDK v1 Python script",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("spec", metavar="SPEC", help="pipeline spec (YAML)")
    parser.add_argument("-o", "--output", metavar="FILE", help="script to write (default: print it)")
    parser.add_argument("--compute", metavar="NAME",
                        help="Azure compute cluster for every step (default: the spec's names, "
                             "'local' becoming cpu-cluster)")
    parser.add_argument("--no-step-scripts", action="store_true",
                        help="do not copy the bundled step scripts beside the output")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    parser.set_defaults(handler=run_export)


def run_export(args) -> int:
    from app.backends.azure.export import ExportTarget, export_problems, export_script, for_azure
    from app.core.spec import load_spec
    from app.core.validation import errors_only

    spec, notes = for_azure(load_spec(args.spec), args.compute)
    problems = export_problems(spec)
    errors = errors_only(problems)
    if errors:
        raise SpecError(errors)
    for line in [*problems, *(f"note: {n}" for n in notes)]:
        print(line, file=sys.stderr)
    text = export_script(spec, ExportTarget(dataset_sources=local_dataset_sources(args.workspace, spec), notes=notes))
    if not args.output:
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if out.exists() and not args.force:
        raise UserInputError(f"{out} exists; pass --force to overwrite it or choose another -o")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    if not args.no_step_scripts:
        copy_step_scripts(out.parent / "step_scripts")
    print(f"wrote {out}" + ("" if args.no_step_scripts else f" and {out.parent / 'step_scripts'}/"))
    return 0


def local_dataset_sources(location: str | None, spec) -> list[str]:
    """The spec dataset's files/URLs as an existing local workspace recorded them, else []."""
    from app.backends import AZURE_PREFIX, resolve_location

    root = resolve_location(location)
    if root.startswith(AZURE_PREFIX) or not Path(root).expanduser().is_dir():
        return []
    from app.backends.local.workspace import LocalBackend

    try:
        record = LocalBackend(Path(root).expanduser(), recover=False).get_dataset(spec.dataset_name,
                                                                                 spec.dataset_version)
    except NotFoundError:
        return []
    sources = [s for s in record.sources if s.startswith(("http://", "https://")) or Path(s).is_file()]
    if len(sources) < len(record.sources) and record.path and Path(record.path).is_file():
        return [record.path]    # an original file has moved: the workspace's snapshot stands in
    return sources


def copy_step_scripts(folder: Path) -> None:
    from app.locator import step_scripts_dir

    folder.mkdir(parents=True, exist_ok=True)
    for name in STEP_SCRIPT_FILES:
        source, target = step_scripts_dir() / name, folder / name
        if not (target.exists() and target.samefile(source)):   # exporting inside a source checkout
            shutil.copy2(source, target)
