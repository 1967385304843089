"""The dry run: the Azure graph's own steps run here, checked against the graph they came from."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
import pytest

from app.core.spec import copy_spec, load_spec
from app.locator import example_spec
from .graph_checks import arguments, module_node

TRICKY_ROWS = 60


def tricky_frame() -> pd.DataFrame:
    """Text fields holding commas, doubled quotes and line breaks, in a learnable table."""
    cities = ["Paris, France", 'The "Big" Apple', "Rome,\nItaly", "Oslo"]
    rows = []
    for i in range(TRICKY_ROWS):
        x = (i * 37) % 100
        rows.append({"id": i, "city": cities[i % 4], "comment": f'line one, "quoted"\nline two {i}',
                     "x": x, "y": int(x > 45)})
    return pd.DataFrame(rows)


def tricky_spec():
    spec = copy_spec(load_spec(example_spec()))
    spec.experiment, spec.dataset = "tricky_text", "tricky_ds"
    spec.data_prep.options = {"drop": ["id", "comment"], "fill_unknown": ["city"]}
    spec.automl.label_column_name = "y"
    spec.automl.iterations = 4
    spec.automl.n_cross_validations = 3
    spec.parameters = {"model_name": "TrickyText"}
    return spec


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    from app.backends.azure.dryrun.runner import dry_run

    folder = tmp_path_factory.mktemp("tricky")
    data = folder / "tricky.csv"
    tricky_frame().to_csv(data, index=False)
    return dry_run(tricky_spec(), folder / "out", data)


def test_three_steps_complete_on_text_with_commas_quotes_and_line_breaks(tricky):
    assert [(s.name, s.status) for s in tricky.steps] == [
        ("data_prep", "Completed"), ("automl", "Completed"), ("register", "Completed")]
    assert tricky.prepared_rows == TRICKY_ROWS
    # what the data-prep step received: every row and every text value intact
    downloaded = pd.read_parquet(next(Path(tricky.steps[0].inputs["tricky_ds"]).glob("*.parquet")))
    expected = tricky_frame()
    assert len(downloaded) == TRICKY_ROWS
    assert list(downloaded["city"]) == list(expected["city"])
    assert list(downloaded["comment"]) == list(expected["comment"])


def _expected_arguments(node, step, parameters) -> list[str]:
    """The graph's own argument list with each port/parameter placeholder replaced by the
    location the dry run gave that port."""
    out = []
    for text in arguments(node):
        kind, _, name = text.strip("<>").partition(":")
        if kind in ("DatasetConsumptionConfig", "Input"):
            out.append(step.inputs[name])
        elif kind in ("DatasetOutputConfig", "Output"):
            out.append(step.outputs[name])
        elif kind == "Parameter":
            out.append(str(parameters[name]))
        else:
            out.append(text)
    return out


def test_every_script_step_ran_with_the_arguments_the_graph_resolves_to(tricky):
    graph = tricky.pipeline.graph
    parameters = {k: p.default_value for k, p in graph.params.items()}
    script_steps = [s for s in tricky.steps if s.kind == "PythonScriptStep"]
    assert [s.name for s in script_steps] == ["data_prep", "register"]
    for step in script_steps:
        assert step.arguments == _expected_arguments(module_node(graph, step.name), step, parameters)
    prep, automl, register = tricky.steps
    # ports laid out as the datastore paths the graph declares
    assert prep.outputs["prepared_data"].endswith(f"automl-desk/prepared_data/{prep.run_id}")
    assert automl.inputs["training_data"] == prep.outputs["prepared_data"]
    assert automl.outputs["model_data"].endswith(f"azureml/{automl.run_id}/model_data")
    assert register.inputs["model_data"] == automl.outputs["model_data"]
    assert register.arguments[register.arguments.index("--model-name") + 1] == "TrickyText"
    assert register.arguments[register.arguments.index("--mode") + 1] == "azure"


def test_the_automl_step_trains_with_the_settings_of_the_built_config(tricky):
    node = module_node(tricky.pipeline.graph, "automl")
    automl = tricky.steps[1]
    settings = json.loads(Path(automl.arguments[automl.arguments.index("--settings") + 1]).read_text())
    for key in ("iterations", "primary_metric", "n_cross_validations", "experiment_timeout_minutes",
                "label_column_name", "iteration_timeout_minutes"):
        assert settings[key] == node._params[key].get_value(), key
    assert "experiment_timeout_hours" not in settings     # the SDK's conversion, not the spec's field
    metrics = json.loads(Path(automl.outputs["metrics_data"]).read_text())
    assert sorted(metrics) == [f"{automl.run_id}_{n}" for n in range(4)]
    assert all(isinstance(v, list) for v in metrics[f"{automl.run_id}_0"].values())
    with open(automl.outputs["model_data"], "rb") as handle:
        assert hasattr(pickle.load(handle), "predict")


def test_the_register_step_made_the_model_register_call_it_would_make(tricky):
    (call,) = tricky.registrations
    assert call["model_name"] == "TrickyText"
    assert call["child_paths"] == ["model.pkl", "dataprep_params.json", "metrics_data.json"]
    assert all((Path(call["model_path"]) / p).is_file() for p in call["child_paths"])
    assert call["properties"]["dataset"] == "tricky_ds" and len(call["properties"]["sha256"]) == 64
    manifest = json.loads((Path(call["model_path"]) / "manifest.json").read_text())
    assert manifest["mode"] == "azure" and manifest["azure_model"]["name"] == "TrickyText"


def test_the_summary_is_saved_and_lists_what_is_not_imitated(tricky):
    summary = json.loads((Path(tricky.output) / "dry-run" / "summary.json").read_text())
    assert [s["status"] for s in summary["steps"]] == ["Completed"] * 3
    assert any("featurization" in line for line in summary["cannot_imitate"])
    assert any("environment image" in line for line in summary["cannot_imitate"])


def test_forecasting_settings_are_read_back_from_the_forecasting_parameters(offline):
    """The SDK turns the spec's forecasting block into ForecastingParameters and the task into
    time-series regression; the dry run hands the local engine the forecasting task again."""
    from app.backends.azure.dryrun.automl_settings import engine_settings
    from app.backends.azure.pipeline import build_pipeline
    from .specs import forecasting_on_azure

    spec = forecasting_on_azure()
    ws = offline.OfflineWorkspace()
    with offline.offline_pipeline_patches():
        built = build_pipeline(spec, ws, offline.registered_dataset(ws), offline.blob_datastore(ws),
                               ws.compute_targets)
    settings = engine_settings(built.steps["automl"]._automl_config)
    assert settings["task"] == "forecasting" and settings["label_column_name"] == "sales"
    assert settings["forecasting"] == spec.automl.forecasting
    assert settings["allowed_models"] == spec.automl.allowed_models


def test_a_forecasting_spec_without_n_cross_validations_dry_runs(tmp_path):
    """The SDK fills in n_cross_validations='auto' for forecasting; the engine trains with its own default."""
    from app.backends.azure.dryrun.runner import dry_run
    from tests.backends.forecasting.series_data import sales_table
    from .specs import forecasting_on_azure

    spec = forecasting_on_azure()
    spec.automl.n_cross_validations = None
    spec.automl.iterations = 3
    spec.automl.allowed_models = ["SeasonalNaive", "ExponentialSmoothing"]
    data = tmp_path / "sales.csv"
    sales_table(periods=60, stores=("A", "B")).to_csv(data, index=False)
    report = dry_run(spec, tmp_path / "out", data)
    assert [(s.name, s.status) for s in report.steps] == [("automl", "Completed"), ("register", "Completed")]
    summary = json.loads(next((tmp_path / "out").rglob("automl/outputs/summary.json")).read_text())
    assert "rolling-origin cross-validation: 3 origins" in json.dumps(summary)
