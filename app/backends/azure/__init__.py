"""The Azure ML SDK v1 backend.

Importing this package imports no `azureml` module: the SDK is loaded on first use inside
the submodules (see `sdk.py`), so the app starts fast and runs without it.

Modules: `sdk` (lazy import, telemetry), `connect` (credentials, workspace, error advice),
`datasets`, `computes`, `pipeline` (the seed graph from a spec), `monitor` (SDK runs ->
records), `outputs` (download and read), `export` (standalone SDK v1 script),
`backend` (`AzureBackend`, the Backend protocol).
"""
