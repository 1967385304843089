"""`automl-desk computes list / create` on an offline Azure workspace whose cluster provisions."""
from __future__ import annotations

import json

import pytest

from app.cli import build_parser, main

build_parser()   # import the command modules outside capsys (see test_export_cmd)


@pytest.fixture()
def azure_backend(offline, monkeypatch):
    from azureml.core.compute import ComputeTarget as SdkComputeTarget

    from app.backends.azure.backend import AzureBackend
    from app.cli import computes_cmd

    backend = AzureBackend(offline.OfflineWorkspace())
    cluster = offline.OfflineWorkspace(computes=("gpu-cluster",)).compute_targets["gpu-cluster"]
    states = iter(["Creating", "Resizing", "Succeeded"])
    cluster.refresh_state = lambda: setattr(cluster, "provisioning_state", next(states))
    requested = {}

    def create(workspace, name, config):
        requested.update(name=name, vm_size=config.vm_size, max_nodes=config.scale_settings.maximum_node_count)
        return cluster

    monkeypatch.setattr(SdkComputeTarget, "create", staticmethod(create))
    monkeypatch.setattr("app.backends.azure.computes.POLL_SECONDS", 0.0)
    monkeypatch.setattr(computes_cmd, "backend_from", lambda args: backend)
    return requested


def test_list_shows_the_clusters(azure_backend, capsys):
    assert main(["computes", "list", "--json"]) == 0
    (cluster,) = json.loads(capsys.readouterr().out)
    assert (cluster["name"], cluster["kind"], cluster["vm_size"], cluster["state"]) == (
        "cpu-cluster", "AmlCompute", "STANDARD_DS3_V2", "Succeeded")


def test_create_prints_each_provisioning_state_then_the_cluster(azure_backend, capsys):
    assert main(["computes", "create", "gpu-cluster", "--vm-size", "STANDARD_NC6", "--max-nodes", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("requesting cluster gpu-cluster (STANDARD_NC6, 0-2 nodes)")
    assert [line.split(" (")[0] for line in lines[1:4]] == [
        "gpu-cluster: Creating", "gpu-cluster: Resizing", "gpu-cluster: Succeeded"]
    assert lines[-1].startswith("cluster gpu-cluster is ready")
    assert azure_backend == {"name": "gpu-cluster", "vm_size": "STANDARD_NC6", "max_nodes": 2}


@pytest.mark.parametrize(("argv", "message"), [
    (["computes", "create", "9lives", "--vm-size", "STANDARD_DS3_V2", "--max-nodes", "2"], "starting with a letter"),
    (["computes", "create", "cpu-cluster", "--vm-size", "STANDARD_DS3_V2", "--max-nodes", "2"], "already exists"),
    (["computes", "create", "c2", "--vm-size", "STANDARD_DS3_V2", "--max-nodes", "0"], "maximum of at least 1"),
])
def test_bad_clusters_are_refused_in_one_line(azure_backend, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
