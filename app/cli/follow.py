"""Following a run in the foreground, printed the way Azure's console monitor does."""
from __future__ import annotations

import sys
import time

from app.cli.output import duration, number
from app.core import runs as rs

POLL_S = 0.25
HEADER = f"{'ITERATION':>9}  {'PIPELINE':<44}  {'DURATION':>8}  {'METRIC':>8}  {'BEST':>8}"


class RunFollower:
    """Prints new phases, steps and iterations of a run until it ends; Ctrl-C cancels it."""

    def __init__(self, backend, run_id: str, out=None):
        self.backend, self.run_id, self.out = backend, run_id, out or sys.stdout
        self.seen_iterations: set[int] = set()
        self.step_status: dict[str, str] = {}
        self.phase = ""
        self.best = None

    def follow(self) -> rs.RunRecord:
        cancel_sent = False
        while True:
            try:
                run = self.backend.get_run(self.run_id)
                self._print_updates(run)
                if rs.is_terminal(run.status):
                    return run
                time.sleep(POLL_S)
            except KeyboardInterrupt:
                if cancel_sent:
                    raise
                cancel_sent = True
                print("\ncanceling the run (Ctrl-C again to stop watching; the run keeps its state)", file=self.out)
                self.backend.cancel(self.run_id)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _print_updates(self, run: rs.RunRecord) -> None:
        for step in run.steps:
            if self.step_status.get(step.name) != step.status:
                self.step_status[step.name] = step.status
                if step.reused:
                    self._print(f"step {step.name}: reused the outputs of step run {step.reused_from}")
                elif step.status != rs.NOT_STARTED:
                    self._print(f"step {step.name}: {step.status}")
                    if step.name == "automl" and step.status == rs.RUNNING:
                        self._print(HEADER)
        self._print_iterations(run)
        if run.phase and run.phase != self.phase and not run.phase.startswith("model selection"):
            self.phase = run.phase
            self._print(f"  {run.phase}")

    def _print_iterations(self, run: rs.RunRecord) -> None:
        automl = run.step("automl")
        if automl is None or automl.reused:
            return
        metric = run.primary_metric
        for it in run.iterations:
            if it.iteration in self.seen_iterations:
                continue
            self.seen_iterations.add(it.iteration)
            value = it.metrics.get(metric)
            if value is not None and (self.best is None or _better(metric, value, self.best)):
                self.best = value
            self._print(f"{it.iteration:>9}  {it.pipeline[:44]:<44}  {duration(it.duration_s):>8}  "
                        f"{number(value):>8}  {number(self.best):>8}")


def _better(metric, a, b):
    from app.core.catalog import better

    return better(metric, a, b)


def print_summary(backend, run: rs.RunRecord, out=None) -> None:
    out = out or sys.stdout
    p = lambda s="": print(s, file=out)  # noqa: E731
    p()
    p(f"Run {run.run_id}  experiment {run.experiment}  status {run.status}  duration {duration(run.duration_s)}")
    for step in run.steps:
        mark = " (reused)" if step.reused else ""
        p(f"  {step.name:<10} {step.status:<10} {duration(step.duration_s):>8}{mark}")
    if run.best_iteration is not None:
        best = next((i for i in run.iterations if i.iteration == run.best_iteration), None)
        pipeline = f" ({best.pipeline})" if best else ""
        p(f"Best: iteration {run.best_iteration}{pipeline}  {run.primary_metric} = {number(run.best_metric)}")
    stop = run.properties.get("stop_reason")
    if stop:
        p(f"AutoML stopped: {stop}")
    for line in run.warning_lines():
        p(f"Warning: {line}")
    register = run.step("register")
    if register is not None and register.outputs.get("model"):
        p(f"Registered model {register.outputs['model']}")
    automl = run.step("automl")
    if automl is not None and automl.outputs:
        for name in ("metrics_data", "model_data"):
            if name in automl.outputs:
                p(f"  {name}: {automl.outputs[name]}")
    if run.status == rs.FAILED:
        p(f"Error: {run.error}")
        failed = next((s for s in run.steps if s.status == rs.FAILED), None)
        if failed is not None:
            tail = backend.read_log(run.run_id, failed.name, tail_bytes=4000).strip().splitlines()[-20:]
            if tail:
                p(f"Last lines of the {failed.name} log:")
                for line in tail:
                    p(f"  | {line}")
