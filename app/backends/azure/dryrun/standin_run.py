"""Runs a step script inside a stand-in Azure ML run context that records `Model.register`.

    python -m app.backends.azure.dryrun.standin_run --record FILE --run-id ID --experiment NAME
        -- SCRIPT [ARG...]

`Run.get_context()` answers a run with that id in an experiment of an offline workspace, and
`Model.register(...)` checks the files it is given and appends its arguments to FILE (JSON
lines) instead of calling the service; the answer it returns carries version 1, since the
real version is only known to the workspace. The script runs as `__main__` with ARGs as
its command line, exactly as on the compute.
"""
from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

STANDIN_VERSION = 1


def _recorder(record: Path, run_id: str):
    def register(workspace=None, model_path=None, model_name=None, tags=None, properties=None, description=None,
                 child_paths=None, **kwargs):
        root = Path(model_path)
        missing = [p for p in (child_paths or []) if not (root / p).is_file()]
        if not root.exists() or missing:
            raise FileNotFoundError(f"Model.register: {root} lacks {', '.join(missing) or 'everything'}")
        call = {"model_name": model_name, "model_path": str(root), "child_paths": list(child_paths or []),
                "tags": dict(tags or {}), "properties": dict(properties or {}), "description": description,
                "workspace": getattr(workspace, "name", None), "run_id": run_id,
                "other_arguments": sorted(kwargs)}
        with open(record, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(call) + "\n")
        return SimpleNamespace(name=model_name, version=STANDIN_VERSION, id=f"{model_name}:{STANDIN_VERSION}")

    return register


def install(record: Path, run_id: str, experiment: str) -> None:
    from azureml.core import Model, Run

    workspace = SimpleNamespace(name="dry-run", subscription_id="", resource_group="")
    run = SimpleNamespace(id=run_id, experiment=SimpleNamespace(name=experiment, workspace=workspace),
                          parent=None, properties={}, tags={})
    Run.get_context = classmethod(lambda cls, *args, **kwargs: run)
    Model.register = staticmethod(_recorder(record, run_id))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("standin_run: give the script after '--'", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="standin_run", description=__doc__.splitlines()[0])
    parser.add_argument("--record", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--experiment", required=True)
    args = parser.parse_args(argv[:split])
    script, arguments = argv[split + 1], argv[split + 2:]
    os.environ.setdefault("HBI_WORKSPACE_JOB", "true")
    install(Path(args.record), args.run_id, args.experiment)
    sys.argv = [script, *arguments]
    sys.path.insert(0, str(Path(script).resolve().parent))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
