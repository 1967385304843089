"""Where each port of the built graph lives during a dry run, and the argument strings it gives.

The output folder plays the workspace's blob container as the compute mounts it, so a step
output's datastore path is its folder under OUT, which is also where Azure's downloads put it:
`OutputFileDatasetConfig(destination=(ds, "automl-desk/prepared_data/{run-id}"))` ->
`OUT/automl-desk/prepared_data/<step run id>/`, a `PipelineData` -> `OUT/azureml/<step run id>/<name>`
(a file for AutoML's metrics and model, as the service writes them). A dataset input in download
mode goes to the step's working folder, `OUT/dry-run/compute/<step>/wd/<input name>/`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CONSUMED, PRODUCED = "DatasetConsumptionConfig:", "DatasetOutputConfig:"
RUN_AFTER = "_run_after_output"


@dataclass
class Layout:
    root: Path

    @property
    def work(self) -> Path:
        return self.root / "dry-run"

    def compute_dir(self, step: str) -> Path:
        return self.work / "compute" / step

    def working_dir(self, step: str) -> Path:
        return self.compute_dir(step) / "wd"

    def log(self, step: str) -> Path:
        return self.work / "logs" / f"{step}.txt"

    def datastore_path(self, path_on_datastore: str) -> Path:
        return self.root / path_on_datastore


@dataclass
class StepPorts:
    """One step's resolved ports: name -> local path, and which are dataset downloads."""

    inputs: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    downloads: dict = field(default_factory=dict)     # input name -> DatasetConsumptionConfig


def step_order(graph) -> list[str]:
    """Module node names, producers before consumers."""
    names = [n.name for n in graph.module_nodes]
    after = {name: set() for name in names}
    for edge in graph.edges:
        src, dst = edge.source_port.node.name, edge.dest_port.node.name
        if src in after and dst in after:
            after[dst].add(src)
    order = []
    while after:
        ready = sorted(name for name, deps in after.items() if not deps - set(order))
        if not ready:
            raise ValueError("the pipeline graph has a cycle")
        order += ready
        for name in ready:
            del after[name]
    return order


def output_path(output, step_run_id: str, layout: Layout) -> Path:
    """The datastore path of a step output object, with `{run-id}` as the service fills it."""
    destination = getattr(output, "destination", None)
    if destination is not None:          # OutputFileDatasetConfig
        return layout.datastore_path(str(destination[1]).replace("{run-id}", step_run_id))
    return layout.datastore_path(f"azureml/{step_run_id}/{output.name}")     # PipelineData


def resolve_ports(graph, steps: dict, run_ids: dict, layout: Layout) -> dict[str, StepPorts]:
    """Every step's input and output locations, following the graph's edges."""
    ports = {name: StepPorts() for name in run_ids}
    for name, step in steps.items():
        for output in getattr(step, "_outputs", None) or []:
            ports[name].outputs[output.name] = output_path(output, run_ids[name], layout)
    for name, step in steps.items():
        for consumed in getattr(step, "_inputs", None) or []:
            if type(consumed).__name__ == "DatasetConsumptionConfig" and consumed.mode == "download" \
                    and type(consumed.dataset).__name__ == "FileDataset":
                ports[name].downloads[consumed.name] = consumed
    for edge in graph.edges:
        src, dst = edge.source_port.node, edge.dest_port.node
        if dst.name not in ports or edge.dest_port.name == RUN_AFTER:
            continue
        port = edge.dest_port.name
        if port in ports[dst.name].downloads:
            ports[dst.name].inputs[port] = layout.working_dir(dst.name) / port
        elif src.name in ports:
            ports[dst.name].inputs[port] = ports[src.name].outputs[edge.source_port.name]
    return ports


def resolve_arguments(node, ports: StepPorts, parameters: dict) -> list[str]:
    """The command line the compute runs: literal text as is, ports by their paths,
    pipeline parameters by their values."""
    out = []
    for arg in node._module_builder._module_def._arguments or []:
        kind = type(arg).__name__
        text = getattr(arg, "text", None)
        if text is not None and text.startswith(CONSUMED):
            out.append(str(ports.inputs[text[len(CONSUMED):]]))
        elif text is not None and text.startswith(PRODUCED):
            out.append(str(ports.outputs[text[len(PRODUCED):]]))
        elif text is not None:
            out.append(text)
        elif kind == "_InputArgument":
            out.append(str(ports.inputs[arg.name]))
        elif kind == "_OutputArgument":
            out.append(str(ports.outputs[arg.name]))
        elif kind == "_ParameterArgument":
            out.append(str(parameters[arg.name]))
        else:
            raise ValueError(f"{node.name}: argument of kind {kind} is not understood by the dry run")
    return out
