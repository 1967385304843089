"""Runs the built Azure graph's steps on this machine (see the package doc)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from app.backends.azure.dryrun.bindings import Layout, StepPorts, resolve_arguments, resolve_ports, step_order
from app.core.errors import SpecError, UserInputError
from app.core.progress import Cancelled, Sink
from app.core.spec import PipelineSpec

COMPLETED, FAILED, NOT_STARTED, CANCELED = "Completed", "Failed", "NotStarted", "Canceled"
METRICS_FILE, MODEL_FILE = "metrics_data", "model_data"
REGISTRATIONS_FILE = "model_registrations.jsonl"
SNAPSHOT_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.pyc", ".ipynb_checkpoints")
POLL_SECONDS = 0.2
STOP_GRACE_SECONDS = 10.0
# What a run on this machine cannot stand in for; printed with every summary.
CANNOT_IMITATE = (
    "the AutoML service's own featurization, algorithms and model search (the local engine trains "
    "with the same settings and writes the same metrics_data/model_data formats)",
    "the environment image build: steps run in this Python, not in the conda/pip environment "
    "(azureml-defaults, pandas, pyarrow, numpy) the cluster would build",
    "the cluster: provisioning, VM size, node count, quota, max_concurrent_iterations",
    "the service's checks at submission (AutoML settings validation, allow_reuse) and the datastore's "
    "authentication; the dataset is the local file served on a loopback URL",
    "the registered model's version number: Model.register is recorded, not sent (the stand-in answers 1)",
)


@dataclass
class StepResult:
    name: str
    kind: str
    run_id: str = ""
    status: str = NOT_STARTED
    seconds: float = 0.0
    arguments: list = field(default_factory=list)
    inputs: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    log: str = ""
    message: str = ""


@dataclass
class DryRunReport:
    output: Path
    steps: list
    notes: list
    prepared_rows: int | None = None
    registrations: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)
    cannot_imitate: tuple = CANNOT_IMITATE
    pipeline: object = None           # the built SDK Pipeline (not saved in summary.json)

    @property
    def ok(self) -> bool:
        return all(s.status == COMPLETED for s in self.steps)

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "pipeline"}
        data["steps"] = [asdict(step) for step in self.steps]
        return json.loads(json.dumps(data, default=str))


def data_kind(path: Path) -> str:
    return "parquet" if path.suffix.lower() in (".parquet", ".pq") else "delimited"


def dry_run(spec: PipelineSpec, output: Path, data_file: Path, compute: str | None = None,
            sink: Sink | None = None, step_scripts: Path | None = None, base_dir: Path | None = None) -> DryRunReport:
    """Build the graph `spec` would submit, and run its steps here with `data_file` as the dataset."""
    from app.backends.azure.datasets import tabular_from
    from app.backends.azure.export import export_problems, for_azure
    from app.backends.azure.sdk import prepare_sdk
    from app.core.validation import errors_only

    sink = sink or Sink()
    data_file = Path(data_file)
    if not data_file.is_file():
        raise UserInputError(f"data file not found: {data_file}")
    azure_spec, notes = for_azure(spec, compute)
    errors = errors_only(export_problems(azure_spec))
    if errors:
        raise SpecError(errors)
    prepare_sdk(telemetry=False)
    from app.backends.azure.dryrun.blob import LoopbackBlob, quiet_dataprep
    from app.backends.azure.offline import as_registered, blob_datastore, offline_graph_building, offline_workspace
    from app.backends.azure.pipeline import build_pipeline

    layout = Layout(Path(output).resolve())
    layout.work.mkdir(parents=True, exist_ok=True)
    computes = sorted({azure_spec.step_compute(s) for s in ("data_prep", "automl", "register")
                       if getattr(azure_spec, s) is not None})
    ws = offline_workspace(computes)
    with LoopbackBlob([data_file]) as blob:
        sink.progress(0.02, f"defining dataset {azure_spec.dataset_name} over {blob.urls[0]}")
        with quiet_dataprep():
            dataset = as_registered(tabular_from(blob.urls, data_kind(data_file)), ws, azure_spec.dataset_name,
                                    azure_spec.dataset_version or 1)
        sink.progress(0.05, "building the pipeline graph (SDK v1, offline workspace)")
        with offline_graph_building(), quiet_dataprep():
            built = build_pipeline(azure_spec, ws, dataset, blob_datastore(ws), ws.compute_targets,
                                   step_scripts=step_scripts, base_dir=base_dir)
        runner = _StepRunner(built, dataset, layout, azure_spec, sink)
        report = DryRunReport(output=layout.root, steps=runner.run_all(), notes=notes, pipeline=built.pipeline)
    report.outputs = runner.download_layout()
    report.prepared_rows = runner.prepared_rows()
    report.registrations = runner.registrations()
    (layout.work / "summary.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    return report


class _StepRunner:
    def __init__(self, built, dataset, layout: Layout, spec: PipelineSpec, sink: Sink):
        self.built, self.dataset, self.layout, self.spec, self.sink = built, dataset, layout, spec, sink
        self.graph = built.pipeline.graph
        self.order = step_order(self.graph)
        self.run_ids = {name: str(uuid.uuid4()) for name in self.order}
        self.ports = resolve_ports(self.graph, built.steps, self.run_ids, layout)
        self.parameters = {name: p.default_value for name, p in self.graph.params.items()}
        self.nodes = {n.name: n for n in self.graph.module_nodes}

    def run_all(self) -> list[StepResult]:
        results = [StepResult(name, type(self.built.steps[name]).__name__, self.run_ids[name]) for name in self.order]
        for index, result in enumerate(results):
            self.sink.progress(0.1 + 0.85 * index / len(results), f"{result.name}: Running")
            started = time.monotonic()
            try:
                self.sink.check()
                if result.kind == "AutoMLStep":
                    self._run_automl(result)
                else:
                    self._run_script(result)
            except (Cancelled, KeyboardInterrupt):
                result.status, result.message = CANCELED, "cancelled by the user"
            except UserInputError as exc:
                result.status, result.message = FAILED, str(exc)
            result.seconds = round(time.monotonic() - started, 2)
            self.sink.progress(0.1 + 0.85 * (index + 1) / len(results), f"{result.name}: {result.status}")
            if result.status != COMPLETED:
                break
        return results

    # -- script steps ------------------------------------------------------------------------
    def _run_script(self, result: StepResult) -> None:
        from app.backends.azure.dryrun.blob import download_input

        step, ports = self.built.steps[result.name], self.ports[result.name]
        wd = self.layout.working_dir(result.name)
        if wd.exists():
            shutil.rmtree(wd)
        # the compute runs the script from the uploaded snapshot of its source folder
        shutil.copytree(step._source_directory, wd, ignore=SNAPSHOT_IGNORE)
        for name, consumption in ports.downloads.items():
            download_input(consumption, ports.inputs[name])
        for path in ports.outputs.values():
            path.mkdir(parents=True, exist_ok=True)
        result.arguments = resolve_arguments(self.nodes[result.name], ports, self.parameters)
        self._describe_ports(result, ports)
        self.sink.check()
        argv = [sys.executable, "-m", "app.backends.azure.dryrun.standin_run",
                "--record", str(self.layout.work / REGISTRATIONS_FILE), "--run-id", self.run_ids[result.name],
                "--experiment", self.spec.experiment, "--", str(wd / step._script_name), *result.arguments]
        self._run_process(result, argv, cwd=wd)

    # -- the AutoML step ---------------------------------------------------------------------
    def _run_automl(self, result: StepResult) -> None:
        from app.backends.azure.dryrun.automl_settings import engine_settings
        from app.backends.azure.dryrun.blob import quiet_dataprep, read_tabular_parquet
        from app.backends.azure.pipeline import PREPARED_GLOB

        step, ports = self.built.steps[result.name], self.ports[result.name]
        wd, out = self.layout.working_dir(result.name), self.layout.compute_dir(result.name) / "outputs"
        wd.mkdir(parents=True, exist_ok=True)
        # the service materializes its training data as a tabular dataset, as done here
        if "training_data" in ports.inputs:
            frame = read_tabular_parquet(ports.inputs["training_data"], PREPARED_GLOB)
        else:
            with quiet_dataprep():
                frame = self.dataset.to_pandas_dataframe()
        data = wd / "training_data.parquet"
        frame.to_parquet(data, index=False)
        settings = engine_settings(step._automl_config)
        settings_file = wd / "automl_settings.json"
        settings_file.write_text(json.dumps(settings, indent=1, default=str) + "\n", encoding="utf-8")
        self._describe_ports(result, ports)
        result.arguments = ["--data", str(data), "--settings", str(settings_file), "--output-dir", str(out),
                            "--step-run-id", self.run_ids[result.name], "--events", str(out / "events.jsonl"),
                            "--stop-file", str(out / "STOP")]
        out.mkdir(parents=True, exist_ok=True)
        self.sink.check()
        self._run_process(result, [sys.executable, "-m", "app.backends.local.automl_step", *result.arguments],
                          cwd=wd, stop_file=out / "STOP")
        if result.status != COMPLETED:
            return
        for name in (METRICS_FILE, MODEL_FILE):
            if not (out / name).is_file():
                result.status, result.message = FAILED, f"the AutoML step wrote no {name}"
                return
            target = ports.outputs[name]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / name, target)

    # -- shared ------------------------------------------------------------------------------
    def _describe_ports(self, result: StepResult, ports: StepPorts) -> None:
        result.inputs = {k: str(v) for k, v in ports.inputs.items()}
        result.outputs = {k: str(v) for k, v in ports.outputs.items()}

    def _run_process(self, result: StepResult, argv: list[str], cwd: Path, stop_file: Path | None = None) -> None:
        log = self.layout.log(result.name)
        log.parent.mkdir(parents=True, exist_ok=True)
        result.log = str(log)
        env = {**os.environ, "HBI_WORKSPACE_JOB": "true", "PYTHONPATH": _app_path()}
        with open(log, "wb") as handle:
            proc = subprocess.Popen(argv, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT,  # noqa: S603
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True,
                                    preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
            code = _wait(proc, self.sink, stop_file)
        if code is None:
            result.status, result.message = CANCELED, "cancelled by the user"
        elif code == 0:
            result.status = COMPLETED
        else:
            result.status = FAILED
            result.message = _last_line(log) or f"exited with code {code}"

    # -- what the run left -------------------------------------------------------------------
    def download_layout(self) -> dict:
        """The outputs where Azure's downloads put them (`download(".")` keeps datastore paths)."""
        found = {}
        for ports in self.ports.values():
            for name, path in ports.outputs.items():
                if path.exists():
                    found[name] = str(path)
        return found

    def prepared_rows(self) -> int | None:
        import pyarrow.parquet as pq

        folder = next((p.outputs.get("prepared_data") for p in self.ports.values() if "prepared_data" in p.outputs),
                      None)
        files = sorted(folder.glob("*.parquet")) if folder is not None and folder.is_dir() else []
        return sum(pq.ParquetFile(f).metadata.num_rows for f in files) if files else None

    def registrations(self) -> list[dict]:
        record = self.layout.work / REGISTRATIONS_FILE
        if not record.is_file():
            return []
        return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]


def _app_path() -> str:
    """The folder holding the `app` package, so the step processes import the same code."""
    here = str(Path(__file__).resolve().parents[4])
    current = os.environ.get("PYTHONPATH")
    return here if not current else os.pathsep.join([here, current])


def _die_with_parent() -> None:
    """Linux: a step dies with the dry run, so a killed dry run leaves no search running."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _wait(proc: subprocess.Popen, sink: Sink, stop_file: Path | None) -> int | None:
    """The exit code, or None when the sink cancelled (gracefully through `stop_file` if any)
    or the dry run was interrupted (Ctrl-C, or SIGTERM from the app's Cancel)."""
    try:
        return _poll(proc, sink, stop_file)
    except KeyboardInterrupt:
        _stop(proc)
        proc.wait()
        return None


def _poll(proc: subprocess.Popen, sink: Sink, stop_file: Path | None) -> int | None:
    stop_asked = None
    while True:
        code = proc.poll()
        if code is not None:
            return None if stop_asked is not None else code
        if sink.cancelled and stop_asked is None:
            stop_asked = time.monotonic()
            if stop_file is not None:
                stop_file.touch()
            else:
                _stop(proc)
        if stop_asked is not None and time.monotonic() - stop_asked > STOP_GRACE_SECONDS:
            _stop(proc)
        time.sleep(POLL_SECONDS)


def _stop(proc: subprocess.Popen) -> None:
    import signal

    try:
        if os.name == "nt":  # pragma: no cover
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _last_line(log: Path) -> str:
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
