"""Reads a built SDK v1 pipeline graph into plain data, so tests compare graphs simply."""
from __future__ import annotations

import json

# AutoML node settings that describe the spec (the rest are SDK defaults or environment)
AUTOML_KEYS = ("task_type", "primary_metric", "iterations", "iteration_timeout_minutes",
               "experiment_timeout_minutes", "n_cross_validations", "featurization", "label_column_name",
               "enable_early_stopping", "target", "MLCComputeType", "vm_type", "is_timeseries")


def module_node(graph, name):
    return next(n for n in graph.module_nodes if n.name == name)


def edges(graph):
    return {(e.source_port.node.name, e.source_port.name, e.dest_port.node.name, e.dest_port.name)
            for e in graph.edges}


def automl_settings(graph, step="automl"):
    node = module_node(graph, step)
    out = {k: node._params[k].get_value() for k in AUTOML_KEYS}
    models = node._params["whitelist_models"].get_value()
    out["allowed_models"] = set(models.split(",")) if models else None   # order varies between builds
    dto = json.loads(node._params["AutoMLConfig"].get_value())
    out["dto_primary_metric"] = dto["primary_metric"]
    return out


def arguments(node) -> list[str]:
    """A step's command line: literal text, and `<Input:name>` etc. for the bound ports/parameters."""
    out = []
    for arg in node._module_builder._module_def._arguments:
        text = getattr(arg, "text", None)
        out.append(text if text is not None else f"<{type(arg).__name__.strip('_').replace('Argument', '')}:{arg.name}>")
    return out


def summary(pipeline) -> dict:
    """Everything a reader of the graph cares about, without ids that change per build."""
    g = pipeline.graph
    nodes = {n.name: n for n in g.module_nodes}
    return {
        "steps": set(nodes),
        "edges": edges(g),
        "datasources": {n.name for n in g.datasource_nodes},
        "params": {k: v.default_value for k, v in g.params.items()},
        "outputs": set(g._pipeline_outputs),
        "allow_reuse": {name: n._module_builder._module_def.allow_reuse for name, n in nodes.items()},
        "scripts": {name: n._params["Script"].get_value() for name, n in nodes.items() if "Script" in n._params
                    and n._params["Script"].get_value()},
        "targets": {name: (n._params.get("Target") or n._params.get("target")).get_value() for name, n in nodes.items()},
        "arguments": {name: arguments(n) for name, n in nodes.items() if name != "automl"},
        "automl": automl_settings(g) if "automl" in nodes else None,
    }
