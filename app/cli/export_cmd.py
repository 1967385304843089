"""`automl-desk export-script SPEC -o pipeline.py`: the spec as a standalone Azure ML SDK v1 script.

The script needs the bundled step scripts beside it; they are copied into `step_scripts/`
next to the output unless `--no-step-scripts` is given. No workspace is opened.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from app.core.errors import SpecError, UserInputError

STEP_SCRIPT_FILES = ("dataprep.py", "register_model.py")


def register(subparsers) -> None:
    parser = subparsers.add_parser("export-script", help="write the equivalent Azure ML SDK v1 Python script",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("spec", metavar="SPEC", help="pipeline spec (YAML)")
    parser.add_argument("-o", "--output", metavar="FILE", help="script to write (default: print it)")
    parser.add_argument("--compute", metavar="NAME",
                        help="Azure compute cluster for every step (replaces the spec's compute names)")
    parser.add_argument("--no-step-scripts", action="store_true",
                        help="do not copy the bundled step scripts beside the output")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    parser.set_defaults(handler=run_export)


def run_export(args) -> int:
    from app.backends.azure.export import export_problems, export_script
    from app.core.spec import load_spec
    from app.core.validation import errors_only

    spec = load_spec(args.spec)
    if args.compute:
        spec.compute = args.compute
        for part in (spec.data_prep, spec.automl, spec.register):
            if part is not None:
                part.compute = None
    problems = export_problems(spec)
    errors = errors_only(problems)
    if errors:
        raise SpecError(errors)
    for warning in problems:
        print(warning, file=sys.stderr)
    text = export_script(spec)
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


def copy_step_scripts(folder: Path) -> None:
    from app.locator import step_scripts_dir

    folder.mkdir(parents=True, exist_ok=True)
    for name in STEP_SCRIPT_FILES:
        shutil.copy2(step_scripts_dir() / name, folder / name)
