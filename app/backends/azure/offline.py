"""An Azure ML workspace that builds the real SDK v1 pipeline graph with no network.

Used by the dry run and the offline tests. `Pipeline()` normally calls the service for
discovery, the compute list, the pipelines service's data types, AutoML's input validation
and the dataset save; each is answered locally here:

- `OfflineWorkspace.service_context` answers service discovery with unreachable endpoints;
- `OfflineWorkspace.compute_targets` deserializes real AmlCompute objects from an
  ARM-shaped payload (AutoMLStep reads `type`, `vm_size` and `provisioning_state`);
- `offline_graph_building()` replaces the pipelines service and skips the two calls.

It leans on SDK internals (`ServiceContext._fetch_endpoints`, `_disable_service_check`,
`_DatasetRegistration`) that the released 1.61/1.62 packages have.
"""
from __future__ import annotations

import contextlib
from unittest import mock

SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE = "00000000-0000-0000-0000-000000000000", "dry-run", "dry-run"
WORKSPACE_ID = "11111111-1111-1111-1111-111111111111"
OFFLINE_URL = "https://offline.invalid"
DEFAULT_VM_SIZE = "STANDARD_DS3_V2"
DATASTORE, CONTAINER, ACCOUNT = "workspaceblobstore", "azureml-blobstore-dry-run", "dryrunstorage"
SAVED_ID, REGISTERED_ID = "22222222-2222-2222-2222-222222222222", "33333333-3333-3333-3333-333333333333"


def aml_compute_payload(ws, name: str, vm_size: str = DEFAULT_VM_SIZE, max_nodes: int = 4) -> dict:
    return {"id": f"/subscriptions/{ws.subscription_id}/resourceGroups/{ws.resource_group}/providers/"
                  f"Microsoft.MachineLearningServices/workspaces/{ws.name}/computes/{name}",
            "name": name, "location": "westeurope", "tags": None,
            "properties": {"computeType": "AmlCompute", "provisioningState": "Succeeded", "provisioningErrors": None,
                           "description": None, "resourceId": None, "computeLocation": "westeurope",
                           "properties": {"vmSize": vm_size, "vmPriority": "Dedicated", "subnet": None,
                                          "scaleSettings": {"minNodeCount": 0, "maxNodeCount": max_nodes,
                                                            "nodeIdleTimeBeforeScaleDown": "PT120S"}}}}


def _classes():
    """Defined on first use, so importing this module imports no azureml."""
    from azureml._restclient.service_context import ServiceContext, _ServiceKeys
    from azureml.core import Workspace
    from azureml.core.authentication import TokenAuthentication
    from azureml.core.compute import AmlCompute

    class OfflineServiceContext(ServiceContext):
        def _fetch_endpoints(self):
            return {k: OFFLINE_URL for k in _ServiceKeys.get_discovery_keys()}

    class OfflineWorkspace(Workspace):
        def __init__(self, subscription_id=SUBSCRIPTION, resource_group=RESOURCE_GROUP, workspace_name=WORKSPACE,
                     computes=("cpu-cluster",)):
            super().__init__(subscription_id, resource_group, workspace_name,
                             auth=TokenAuthentication(lambda audience: "offline-token", cloud="AzureCloud"),
                             _disable_service_check=True, _workspace_id=WORKSPACE_ID, _location="westeurope")
            self._discovery_url_internal = f"{OFFLINE_URL}/discovery"
            # plain data only: read_*_files() deep-copies the workspace
            self._offline_compute_names = tuple(computes)

        @property
        def service_context(self):
            if self._service_context is None:
                self._service_context = OfflineServiceContext(
                    self.subscription_id, self.resource_group, self.name, WORKSPACE_ID,
                    self._discovery_url_internal, self._auth)
            return self._service_context

        @property
        def compute_targets(self):
            return {n: AmlCompute.deserialize(self, aml_compute_payload(self, n)) for n in self._offline_compute_names}

        def get_default_datastore(self):
            return blob_datastore(self)

    return OfflineWorkspace


_OFFLINE_WORKSPACE = None


def offline_workspace(computes=("cpu-cluster",), **names):
    global _OFFLINE_WORKSPACE
    if _OFFLINE_WORKSPACE is None:
        _OFFLINE_WORKSPACE = _classes()
    return _OFFLINE_WORKSPACE(computes=tuple(computes), **names)


def blob_datastore(ws):
    from azureml.data.azure_storage_datastore import AzureBlobDatastore

    return AzureBlobDatastore(ws, DATASTORE, CONTAINER, ACCOUNT)


def as_registered(dataset, ws, name: str, version: int = 1):
    """Mark `dataset` registered under `name`, so building the pipeline does not save it online."""
    from azureml.data.abstract_dataset import _DatasetRegistration

    dataset._registration = _DatasetRegistration(ws, saved_id=SAVED_ID, registered_id=REGISTERED_ID,
                                                 name=name, version=version)
    return dataset


def stub_workflow_provider():
    provider = mock.MagicMock(name="workflow_provider")
    provider._service_caller._service_endpoint = f"{OFFLINE_URL}/pipelines"
    return provider


@contextlib.contextmanager
def offline_graph_building():
    """Pipeline() with a stand-in pipelines service, without AutoML's input validation call
    (about 20 s of retries offline; its verdict is only logged) and the dataset save call."""
    from azureml.pipeline.core._aeva_provider import _AevaWorkflowProvider

    with mock.patch.object(_AevaWorkflowProvider, "create_provider", return_value=stub_workflow_provider()), \
            mock.patch("azureml.train.automl._experiment_drivers.driver_utilities.validate_input"), \
            mock.patch("azureml.data.abstract_dataset.AbstractDataset._ensure_saved_internal",
                       return_value="44444444-4444-4444-4444-444444444444"):
        yield
