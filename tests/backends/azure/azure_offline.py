"""An Azure ML workspace that builds pipelines with no network (the offline notes' recipe).

`_OfflineServiceContext` answers service discovery locally, `OfflineWorkspace.compute_targets`
deserializes real AmlCompute objects from an ARM-shaped payload, `stub_workflow_provider`
replaces the pipelines service, and `offline_pipeline_patches` skips the AutoML input
validation call (about 20 s of retries offline) and the dataset save call.
"""
from __future__ import annotations

import contextlib
from unittest import mock

from azureml._restclient.service_context import ServiceContext, _ServiceKeys
from azureml.core import Dataset, Workspace
from azureml.core.authentication import TokenAuthentication
from azureml.core.compute import AmlCompute
from azureml.data.abstract_dataset import _DatasetRegistration
from azureml.data.azure_storage_datastore import AzureBlobDatastore

SUB, RG, WS = "00000000-0000-0000-0000-000000000000", "rg", "ws"
WS_ID = "11111111-1111-1111-1111-111111111111"
OFFLINE_URL = "https://offline.invalid"


class _OfflineServiceContext(ServiceContext):
    def _fetch_endpoints(self):
        return {k: OFFLINE_URL for k in _ServiceKeys.get_discovery_keys()}


def aml_compute_payload(ws, name, vm_size="STANDARD_DS3_V2", max_nodes=4):
    return {"id": f"/subscriptions/{ws.subscription_id}/resourceGroups/{ws.resource_group}/providers/"
                  f"Microsoft.MachineLearningServices/workspaces/{ws.name}/computes/{name}",
            "name": name, "location": "westeurope", "tags": None,
            "properties": {"computeType": "AmlCompute", "provisioningState": "Succeeded", "provisioningErrors": None,
                           "description": None, "resourceId": None, "computeLocation": "westeurope",
                           "properties": {"vmSize": vm_size, "vmPriority": "Dedicated", "subnet": None,
                                          "scaleSettings": {"minNodeCount": 0, "maxNodeCount": max_nodes,
                                                            "nodeIdleTimeBeforeScaleDown": "PT120S"}}}}


class OfflineWorkspace(Workspace):
    def __init__(self, subscription_id=SUB, resource_group=RG, workspace_name=WS, computes=("cpu-cluster",)):
        super().__init__(subscription_id, resource_group, workspace_name,
                         auth=TokenAuthentication(lambda audience: "dummy-token", cloud="AzureCloud"),
                         _disable_service_check=True, _workspace_id=WS_ID, _location="westeurope")
        self._discovery_url_internal = f"{OFFLINE_URL}/discovery"
        # plain data only: read_*_files() deep-copies the workspace
        self._offline_compute_names = tuple(computes)

    @property
    def service_context(self):
        if self._service_context is None:
            self._service_context = _OfflineServiceContext(self.subscription_id, self.resource_group, self.name,
                                                           WS_ID, self._discovery_url_internal, self._auth)
        return self._service_context

    @property
    def compute_targets(self):
        return {n: AmlCompute.deserialize(self, aml_compute_payload(self, n)) for n in self._offline_compute_names}

    def get_default_datastore(self):
        return blob_datastore(self)


def blob_datastore(ws):
    return AzureBlobDatastore(ws, "workspaceblobstore", "azureml-blobstore-xyz", "mystorageacct")


def registered_dataset(ws, name="titanic_ds", version=1, path="UI/titanic/titanic.csv"):
    """A TabularDataset that looks registered (so the pipeline does not save it online)."""
    ds = Dataset.Tabular.from_delimited_files(path=[(blob_datastore(ws), path)], validate=False,
                                              infer_column_types=False)
    ds._registration = _DatasetRegistration(ws, saved_id="22222222-2222-2222-2222-222222222222",
                                            registered_id="33333333-3333-3333-3333-333333333333",
                                            name=name, version=version)
    return ds


def stub_workflow_provider():
    provider = mock.MagicMock(name="workflow_provider")
    provider._service_caller._service_endpoint = f"{OFFLINE_URL}/pipelines"
    return provider


@contextlib.contextmanager
def offline_pipeline_patches():
    """Pipeline() with the stub provider, no AutoML validation call and no dataset save call."""
    from azureml.pipeline.core._aeva_provider import _AevaWorkflowProvider

    with mock.patch.object(_AevaWorkflowProvider, "create_provider", return_value=stub_workflow_provider()), \
            mock.patch("azureml.train.automl._experiment_drivers.driver_utilities.validate_input"), \
            mock.patch("azureml.data.abstract_dataset.AbstractDataset._ensure_saved_internal",
                       return_value="44444444-4444-4444-4444-444444444444"):
        yield
