"""Register step: register the AutoML step's best model.

    python register_model.py --model PATH --model-name NAME --output DIR [--metrics PATH]
                             [--dataprep-params PATH] [--mode auto|local|azure] [--property KEY=VALUE]...

Both modes copy the model to DIR/model.pkl (with the dataprep parameters and metrics beside it,
when given) and write DIR/manifest.json. In `local` mode that is all: the local executor reads the
manifest and commits it as the next model version (it alone picks the version number). In `azure`
mode the copied files are also registered through the pipeline run's workspace with
`Model.register`, and the manifest records the version Azure gave. `auto` picks azure inside an
Azure ML run and local otherwise (also when azureml is not installed).

Exit 0 on success, 2 on bad input (one line on stderr), 1 on an unexpected failure.
Standalone: imports only the standard library; azureml only in azure/auto mode.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

MODEL_FILE = "model.pkl"
PARAMS_FILE = "dataprep_params.json"
METRICS_FILE = "metrics_data.json"
MANIFEST_FILE = "manifest.json"
# Azure ML's own rule for model names (azureml model_name_validation).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}\Z")  # \Z: "$" would let a trailing newline in
MODEL_NAMES = ("model_data", "model_data.pkl", "model.pkl")
METRICS_NAMES = ("metrics_data", "metrics_data.json", "metrics.json")
PARAMS_NAMES = (PARAMS_FILE,)


class RegisterError(ValueError):
    """Bad input; the message says what is wrong and what to do."""


def find_file(path, names, what: str) -> Path:
    """`path` itself if it is a file; in a folder (Azure passes step outputs as folders),
    the first of `names` present, else its only file."""
    path = Path(path)
    if path.is_file():
        return path
    if not path.is_dir():
        raise RegisterError(f"{what} '{path}' does not exist; check the path")
    for name in names:
        if (path / name).is_file():
            return path / name
    files = [p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")]
    if len(files) == 1:
        return files[0]
    raise RegisterError(f"folder '{path}' holds no {what} (looked for {', '.join(names)}); give the file itself")


def parse_properties(items) -> dict[str, str]:
    properties = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise RegisterError(f"--property '{item}' is not KEY=VALUE; write it like --property source=automl")
        properties[key.strip()] = value
    return properties


def check_model_name(name: str) -> None:
    if not NAME_PATTERN.match(name or ""):
        raise RegisterError(f"model name '{name}' is not valid; use letters, digits, '_', '-' and '.', "
                            f"start with a letter or digit, at most 255 characters")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(source: Path, target: Path) -> None:
    if source.resolve() == target.resolve():
        return
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def _copy_json(source: Path | None, target: Path, what: str) -> str | None:
    if source is None:
        return None
    try:
        json.loads(source.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegisterError(f"{what} '{source}' is not valid JSON ({exc}); give the file the earlier step wrote") from exc
    _copy(source, target)
    return target.name


def _write_manifest(out: Path, manifest: dict) -> Path:
    target = out / MANIFEST_FILE
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def stage(model, model_name: str, output, metrics=None, dataprep_params=None, properties=None) -> dict:
    """Copy the model and its companions into `output`; return the manifest (not yet written)."""
    check_model_name(model_name)
    model_file = find_file(model, MODEL_NAMES, "model file")
    if model_file.stat().st_size == 0:
        raise RegisterError(f"model file '{model_file}' is empty; the AutoML step did not save a model")
    metrics_file = find_file(metrics, METRICS_NAMES, "metrics file") if metrics else None
    params_file = find_file(dataprep_params, PARAMS_NAMES, "dataprep parameters file") if dataprep_params else None
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    _copy(model_file, out / MODEL_FILE)
    return {
        "model_name": model_name,
        "model_file": MODEL_FILE,
        "sha256": sha256_of(out / MODEL_FILE),
        "size_bytes": (out / MODEL_FILE).stat().st_size,
        "dataprep_params_file": _copy_json(params_file, out / PARAMS_FILE, "dataprep parameters file"),
        "metrics_file": _copy_json(metrics_file, out / METRICS_FILE, "metrics file"),
        "properties": dict(properties or {}),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def azure_run_context():
    """The Azure ML run this process runs in, or None when offline or azureml is missing."""
    try:
        from azureml.core import Run
    except ImportError:
        return None
    run = Run.get_context()
    return None if str(getattr(run, "id", "")).startswith("OfflineRun") else run


def register_on_azure(run, out: Path, manifest: dict) -> dict:
    """Register the staged files as one model in the run's workspace; return its identity."""
    from azureml.core import Model

    files = [name for name in (manifest["model_file"], manifest["dataprep_params_file"], manifest["metrics_file"])
             if name]
    properties = {**manifest["properties"], "sha256": manifest["sha256"], "model_file": manifest["model_file"]}
    model = Model.register(workspace=run.experiment.workspace, model_path=str(out),
                           model_name=manifest["model_name"], tags=dict(manifest["properties"]),
                           properties=properties, child_paths=files,
                           description="Best model of an AutoML pipeline run")
    return {"name": model.name, "version": model.version, "id": model.id, "run_id": run.id}


def register(model, model_name: str, output, metrics=None, dataprep_params=None, mode: str = "auto",
             properties=None) -> dict:
    """Stage the model in `output`, register it on Azure when the mode says so, write the manifest."""
    if mode not in ("auto", "local", "azure"):
        raise RegisterError(f"mode '{mode}' is not one of auto, local, azure")
    manifest = stage(model, model_name, output, metrics, dataprep_params, properties)
    run = None if mode == "local" else azure_run_context()
    if mode == "azure" and run is None:
        raise RegisterError("--mode azure needs azureml-core and an Azure ML pipeline run; use --mode local here")
    manifest["mode"] = "local" if run is None else "azure"
    if run is not None:
        manifest["azure_model"] = register_on_azure(run, Path(output), manifest)
    _write_manifest(Path(output), manifest)
    return manifest


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise RegisterError(f"{message}; see --help")


def _parse_args(argv):
    parser = _Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="model file (model_data / .pkl) or a folder holding it")
    parser.add_argument("--model-name", required=True, help="name to register the model under")
    parser.add_argument("--output", required=True, help="folder for model.pkl and manifest.json")
    parser.add_argument("--metrics", help="the AutoML step's metrics file (or its folder)")
    parser.add_argument("--dataprep-params", help="dataprep_params.json (or the data-prep output folder)")
    parser.add_argument("--mode", default="auto", choices=("auto", "local", "azure"))
    parser.add_argument("--property", action="append", default=[], metavar="KEY=VALUE")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    try:
        args = _parse_args(argv)
        manifest = register(args.model, args.model_name, args.output, args.metrics, args.dataprep_params,
                            args.mode, parse_properties(args.property))
    except RegisterError as exc:
        print(f"register_model: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the executor shows this line; the exit code tells it apart from bad input
        print(f"register_model: unexpected failure: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    where = (f"as version {manifest['azure_model']['version']} in Azure ML" if manifest["mode"] == "azure"
             else f"locally: {Path(args.output) / MANIFEST_FILE}")
    print(f"registered model '{manifest['model_name']}' ({manifest['size_bytes']} bytes, "
          f"sha256 {manifest['sha256'][:12]}) {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
