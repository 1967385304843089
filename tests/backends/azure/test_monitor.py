"""The monitor driven through a run's life by objects that behave like the SDK's runs."""
from __future__ import annotations

import pytest

from app.backends.azure.monitor import RunMonitor, TAG_DATASET, TAG_METRIC, TAG_PARAMETERS, TAG_TASK
from .fake_runs import FakeRun, iteration

STEP_ID = "7f3c2a10-aaaa-bbbb-cccc-000000000001"


@pytest.fixture()
def pipeline_run():
    return FakeRun("pipe-1", status="Running", tags={
        TAG_TASK: "classification", TAG_METRIC: "AUC_weighted", TAG_DATASET: "titanic_ds:2",
        TAG_PARAMETERS: '{"model_name": "TitanicSurvivalInitial"}'})


def test_snapshots_follow_the_run_to_a_failed_register_step(pipeline_run):
    monitor = RunMonitor(pipeline_run)
    prep = FakeRun("prep-1", name="data_prep", status="Running")
    pipeline_run.children.append(prep)

    first = monitor.snapshot()
    assert first.status == "Running" and first.backend == "azure"
    assert [(s.name, s.status) for s in first.steps] == [("data_prep", "Running")]
    assert first.iterations == [] and first.phase == "data_prep: Running"
    assert first.parameters == {"model_name": "TitanicSurvivalInitial"} and first.dataset == "titanic_ds:2"

    prep.finish()
    automl = FakeRun(STEP_ID, name="automl", status="Running",
                     properties={"StepType": "AutoMLStep", "azureml.reusedrunid": None})
    automl.children += [FakeRun(f"{STEP_ID}_setup", status="Completed"),
                        iteration(STEP_ID, 0, "LightGBM", "MaxAbsScaler", 0.86),
                        iteration(STEP_ID, 1, "LogisticRegression", "StandardScalerWrapper", 0.0, status="Running")]
    pipeline_run.children.append(automl)

    second = monitor.snapshot()
    assert [(s.name, s.status) for s in second.steps] == [("data_prep", "Completed"), ("automl", "Running")]
    assert [(i.iteration, i.status, i.pipeline) for i in second.iterations] == [
        (0, "Completed", "MaxAbsScaler LightGBM"), (1, "Running", "StandardScalerWrapper LogisticRegression")]
    first_iteration = second.iterations[0]
    assert first_iteration.run_id == f"{STEP_ID}_0"
    assert first_iteration.metrics == {"AUC_weighted": 0.86, "accuracy": pytest.approx(0.81)}
    assert first_iteration.duration_s == 30
    assert second.iterations[1].metrics == {}
    assert (second.best_metric, second.best_iteration) == (0.86, 0)
    assert second.phase == "automl: Running, 1 iterations finished"

    automl.children[2] = iteration(STEP_ID, 1, "LogisticRegression", "StandardScalerWrapper", 0.91)
    automl.children.append(iteration(STEP_ID, 2, "VotingEnsemble", "", 0.89))
    automl.finish()
    register = FakeRun("reg-1", name="register", status="Running")
    pipeline_run.children.append(register)
    register.finish("Failed", error="Model name 'bad name' is not valid")
    pipeline_run.finish("Failed")

    last = monitor.snapshot()
    assert last.status == "Failed" and last.ended_at is not None
    assert [(s.name, s.status) for s in last.steps] == [
        ("data_prep", "Completed"), ("automl", "Completed"), ("register", "Failed")]
    assert last.step("register").error == "UserError: Model name 'bad name' is not valid"
    assert last.error == "UserError: Model name 'bad name' is not valid"
    assert [i.iteration for i in last.iterations] == [0, 1, 2]
    assert (last.best_metric, last.best_iteration) == (0.91, 1)
    assert last.phase == ""
    # a finished iteration's metrics are fetched once, whatever the number of polls
    assert automl.children[1].calls["get_metrics"] == 1


def test_finished_means_completed_and_reuse_is_reported(pipeline_run):
    prep = FakeRun("prep-2", name="data_prep", status="Finished",
                   properties={"azureml.reusedrunid": "prep-old"}).finish()
    pipeline_run.children.append(prep)
    pipeline_run.finish()
    record = RunMonitor(pipeline_run).snapshot()
    assert record.status == "Completed"
    assert record.steps[0].reused and record.steps[0].reused_from == "prep-old"


def test_a_pipeline_failure_without_a_failed_step_keeps_the_run_error(pipeline_run):
    pipeline_run.finish("Failed", error="Compute target 'cpu-cluster' was deleted")
    record = RunMonitor(pipeline_run).snapshot()
    assert record.error == "UserError: Compute target 'cpu-cluster' was deleted"
    assert record.steps == []


def test_list_view_skips_iterations(pipeline_run):
    automl = FakeRun(STEP_ID, name="automl", status="Running")
    automl.children.append(iteration(STEP_ID, 0, "LightGBM", "MaxAbsScaler", 0.86))
    pipeline_run.children.append(automl)
    record = RunMonitor(pipeline_run).snapshot(with_iterations=False)
    assert record.iterations == [] and automl.calls["get_children"] == 0


@pytest.mark.parametrize(("sdk_status", "shown"), [("Provisioning", "Preparing"), ("Paused", "Queued")])
def test_provisioning_and_paused_map_to_states_the_monitor_knows(pipeline_run, sdk_status, shown):
    pipeline_run.status = sdk_status
    pipeline_run.children.append(FakeRun("prep-1", name="data_prep", status=sdk_status))
    snapshot = RunMonitor(pipeline_run).snapshot()
    assert snapshot.status == shown
    assert [(s.name, s.status) for s in snapshot.steps] == [("data_prep", shown)]
