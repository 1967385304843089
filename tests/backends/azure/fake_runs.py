"""Objects that behave like the SDK v1 runs the monitor reads (no azureml import).

A test mutates them between polls to play a run forward: statuses as the SDK spells them
(`Finished` included), children `<steprun>_<n>` plus setup/featurize runs, metrics, properties.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace


class FakeRun:
    def __init__(self, run_id, name="", status="NotStarted", properties=None, tags=None, metrics=None,
                 started="2026-05-01T10:00:00Z", ended=None, error=None):
        self.id, self.name, self.status = run_id, name, status
        self.properties = dict(properties or {})
        self.tags = dict(tags or {})
        self.metrics = dict(metrics or {})
        self.started, self.ended, self.error = started, ended, error
        self.children: list[FakeRun] = []
        self.calls = {"get_metrics": 0, "get_children": 0, "cancel": 0}
        self.experiment = SimpleNamespace(name="titanic_automl")

    def get_status(self):
        return self.status

    def get_details(self):
        details = {"runId": self.id, "status": self.status, "startTimeUtc": self.started,
                   "properties": self.properties, "tags": self.tags}
        if self.ended:
            details["endTimeUtc"] = self.ended
        if self.error:
            details["error"] = {"error": {"code": "UserError", "message": self.error}}
        return details

    def get_metrics(self):
        self.calls["get_metrics"] += 1
        return dict(self.metrics)

    def get_children(self):
        self.calls["get_children"] += 1
        return iter(list(self.children))

    def get_steps(self):
        # the SDK lists steps newest first
        return iter(list(reversed(self.children)))

    def cancel(self):
        self.calls["cancel"] += 1
        self.status = "CancelRequested"

    def finish(self, status="Finished", ended="2026-05-01T10:05:00Z", error=None):
        self.status, self.ended, self.error = status, ended, error
        return self


def iteration(step_id, n, algorithm, preprocessor, auc, status="Completed"):
    return FakeRun(f"{step_id}_{n}", status=status,
                   properties={"iteration": str(n), "run_algorithm": algorithm, "run_preprocessor": preprocessor},
                   metrics={"AUC_weighted": auc, "accuracy": auc - 0.05, "confusion_matrix": "aml://artifactId/x"},
                   started="2026-05-01T10:01:00Z", ended="2026-05-01T10:01:30Z" if status == "Completed" else None)


STEP_ID = "1acd04ba-16df-41b4-8616-2d3b2d8a109a"
# Azure's metrics output: keys are child run ids, values one-element lists (scalar metrics only)
AZURE_METRICS = {
    f"{STEP_ID}_39": {"AUC_weighted": [0.9432681852450787], "accuracy": [0.9101669195751139],
                      "log_loss": [0.1818181818496797]},
    f"{STEP_ID}_4": {"AUC_weighted": [0.9464561255318638], "accuracy": [0.9141122913505311],
                     "log_loss": [0.19873167918750304]},
}


class FakePortDataReference:
    """Writes what the SDK's download writes: <local_path>/azureml/<step id>/<name>, no extension."""

    def __init__(self, data_name, content: bytes, downloads: list):
        self.path_on_datastore = f"azureml/{STEP_ID}/{data_name}"
        self.content, self.downloads = content, downloads

    def download(self, local_path, overwrite=None, show_progress=None):
        target = Path(local_path) / self.path_on_datastore
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.content)
        self.downloads.append(self.path_on_datastore)
        return 1


class FakePipelineRun(FakeRun):
    def __init__(self):
        super().__init__("pipe-9", status="Finished")
        self.downloads = []

    def get_pipeline_output(self, name):
        if name == "metrics_output":
            return FakePortDataReference("metrics_data", json.dumps(AZURE_METRICS).encode(), self.downloads)
        assert name == "best_model_output"
        return FakePortDataReference("model_data", b"\x80\x04pickled-model", self.downloads)
