"""Objects that behave like the SDK v1 runs the monitor reads (no azureml import).

A test mutates them between polls to play a run forward: statuses as the SDK spells them
(`Finished` included), children `<steprun>_<n>` plus setup/featurize runs, metrics, properties.
"""
from __future__ import annotations

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
