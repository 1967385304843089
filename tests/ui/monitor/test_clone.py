from app import locator
from app.core.runs import RunRecord
from app.ui.monitor.integration import clone_spec


class _Backend:
    def __init__(self, run):
        self.run = run

    def get_run(self, run_id):
        assert run_id == self.run.run_id
        return self.run


def test_clone_spec_keeps_settings_and_submitted_parameters():
    text = locator.example_spec().read_text()
    run = RunRecord("r1", "titanic_automl", spec_yaml=text, parameters={"model_name": "Other"})
    spec = clone_spec(_Backend(run), "r1")
    assert spec.automl.primary_metric == "AUC_weighted" and spec.automl.iterations == 20
    assert spec.parameters == {"model_name": "Other"}
    spec.automl.iterations = 5  # the clone is an independent spec to edit
    assert clone_spec(_Backend(run), "r1").automl.iterations == 20
