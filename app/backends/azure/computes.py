"""Compute targets of an Azure ML workspace: list them, create an AmlCompute cluster.

Creating a cluster returns at once on the service side; the wait reports each provisioning
state it sees through the Sink, with the time waited, and gives up after a timeout (as the
sample's `wait_for_completion(timeout_in_minutes=20)` does). Cancelling or timing out stops the
wait only: Azure keeps provisioning (the SDK cannot stop it); the message says so.
"""
from __future__ import annotations

import time

from app.core.errors import UserInputError
from app.core.progress import Cancelled, Sink
from app.core.runs import ComputeTarget

PRIORITIES = {"dedicated": "dedicated", "lowpriority": "lowpriority", "low": "lowpriority"}
POLL_SECONDS = 5.0
TIMEOUT_MINUTES = 20.0
TERMINAL_STATES = ("Succeeded", "Failed", "Canceled")


def record_of(target) -> ComputeTarget:
    scale = getattr(target, "scale_settings", None)
    return ComputeTarget(
        name=target.name, kind=target.type, vm_size=getattr(target, "vm_size", "") or "",
        min_nodes=int(getattr(scale, "minimum_node_count", 0) or 0),
        max_nodes=int(getattr(scale, "maximum_node_count", 1) or 1),
        priority=getattr(target, "vm_priority", "") or "Dedicated", state=target.provisioning_state or "")


def list_computes(workspace) -> list[ComputeTarget]:
    return [record_of(t) for _, t in sorted(workspace.compute_targets.items())]


def provisioning_config(target: ComputeTarget):
    from azureml.core.compute import AmlCompute

    priority = PRIORITIES.get(str(target.priority).replace(" ", "").replace("_", "").lower())
    if priority is None:
        raise UserInputError(f"compute priority '{target.priority}' is unknown; choose Dedicated or LowPriority")
    if not target.vm_size:
        raise UserInputError("choose a VM size for the cluster, e.g. STANDARD_DS3_V2")
    if target.min_nodes < 0 or target.max_nodes < 1 or target.min_nodes > target.max_nodes:
        raise UserInputError("nodes: give 0 <= minimum <= maximum and a maximum of at least 1")
    return AmlCompute.provisioning_configuration(vm_size=target.vm_size, vm_priority=priority,
                                                 min_nodes=target.min_nodes, max_nodes=target.max_nodes)


def create_compute(workspace, target: ComputeTarget, sink: Sink | None = None,
                   poll_seconds: float | None = None, sleep=time.sleep, timeout_minutes: float = TIMEOUT_MINUTES,
                   clock=time.monotonic) -> ComputeTarget:
    from azureml.core.compute import ComputeTarget as SdkComputeTarget

    sink = sink or Sink()
    if target.name in workspace.compute_targets:
        raise UserInputError(f"a compute target named '{target.name}' already exists; pick it or choose another name")
    config = provisioning_config(target)
    sink.progress(None, f"requesting cluster {target.name} ({target.vm_size}, {target.min_nodes}-{target.max_nodes} nodes)")
    created = SdkComputeTarget.create(workspace, target.name, config)
    started = clock()
    while True:
        created.refresh_state()
        state = created.provisioning_state or "Creating"
        waited = clock() - started
        sink.progress(min(waited / (timeout_minutes * 60), 0.99), f"{target.name}: {state} ({waited:.0f} s)")
        if state in TERMINAL_STATES:
            break
        if sink.cancelled:
            raise Cancelled(f"stopped waiting; Azure keeps provisioning {target.name} (delete it in the portal if unwanted)")
        if waited >= timeout_minutes * 60:
            raise UserInputError(f"{target.name} is still {state} after {timeout_minutes:g} minutes; Azure keeps "
                                 f"provisioning it: check it in the portal, then pick it from the list")
        sleep(POLL_SECONDS if poll_seconds is None else poll_seconds)
    if state != "Succeeded":
        errors = "; ".join(str(e) for e in (getattr(created, "provisioning_errors", None) or []))
        raise UserInputError(f"creating {target.name} ended {state}: {errors or 'see the Azure portal for details'} "
                             f"(check the VM size is available in the region and the core quota)")
    return record_of(created)
