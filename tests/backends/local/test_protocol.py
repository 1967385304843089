"""LocalBackend is a Backend: the protocol's model and housekeeping calls on a workspace with a finished run."""
from __future__ import annotations

import pytest

from app.backends.local.model_registry import held_out_properties
from app.core.backend import DATASET, MODEL, RUN, Backend
from app.core.errors import InUseError, UserInputError

MODEL_NAME = "TitanicSurvivalInitial"


def test_is_a_backend_that_can_do_everything_but_make_clusters(workspace):
    caps = workspace.capabilities
    assert isinstance(workspace, Backend)
    assert caps.predict and caps.register_iteration and caps.disk_usage and caps.delete == {RUN, DATASET, MODEL}
    assert not caps.create_compute and "this machine" in caps.why_not("create_compute")
    with pytest.raises(UserInputError, match="choose run, dataset or model"):
        workspace.plan_delete("compute", "local")


def test_plans_deletions_and_names_the_runs_in_the_way(backend, shared):
    run_id = shared[1]
    with pytest.raises(InUseError) as in_use:
        backend.plan_delete(DATASET, ("titanic_ds", 1))
    assert in_use.value.runs == [run_id]
    assert backend.plan_delete(DATASET, ("titanic_ds", 1), with_runs=True).runs == [run_id]
    assert backend.plan_delete(RUN, run_id[:8]).runs == [run_id]
    plan = backend.plan_delete(MODEL, (MODEL_NAME, 1))
    assert plan.size() > 0 and backend.delete(plan)["models"] == [f"{MODEL_NAME}:1"]
    assert backend.list_models() == [] and backend.disk_usage(top=3)["total"] > 0


def test_the_test_split_score_goes_with_the_model_only_when_one_was_scored():
    assert held_out_properties({"test_score": 0.81, "test_rows": 179}) == {"test_score": 0.81, "test_rows": 179}
    assert held_out_properties({"validation_score": 0.8}) == {}
