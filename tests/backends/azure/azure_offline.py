"""The offline workspace of `app.backends.azure.offline`, in the shape the tests use it."""
from __future__ import annotations

from app.backends.azure.offline import (OFFLINE_URL, as_registered, blob_datastore,  # noqa: F401
                                        offline_graph_building as offline_pipeline_patches, offline_workspace,
                                        stub_workflow_provider)


SUB, RG, WS = "00000000-0000-0000-0000-000000000000", "rg", "ws"


def OfflineWorkspace(computes=("cpu-cluster",), subscription_id=SUB, resource_group=RG,  # noqa: N802 - reads
                     workspace_name=WS):                                               # like the class it builds
    return offline_workspace(computes, subscription_id=subscription_id, resource_group=resource_group,
                             workspace_name=workspace_name)


def registered_dataset(ws, name="titanic_ds", version=1, path="UI/titanic/titanic.csv"):
    """A TabularDataset that looks registered (so the pipeline does not save it online)."""
    from azureml.core import Dataset

    ds = Dataset.Tabular.from_delimited_files(path=[(blob_datastore(ws), path)], validate=False,
                                              infer_column_types=False)
    return as_registered(ds, ws, name, version)
