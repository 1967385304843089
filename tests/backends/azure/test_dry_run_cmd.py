"""`automl-desk dry-run`: the README's command on the bundled example, and bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.locator import example_spec
from .graph_checks import arguments, module_node

build_parser()   # import the command modules outside capsys (see test_export_cmd)


@pytest.fixture(scope="module")
def titanic_run(tmp_path_factory):
    """`automl-desk dry-run resources/examples/titanic.yaml --output out/` on a fresh workspace."""
    import contextlib
    import io

    folder = tmp_path_factory.mktemp("dry")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.chdir(folder)
        patch.setenv("AUTOML_DESK_WORKSPACE", str(folder / "fresh-workspace"))
        code = main(["dry-run", str(example_spec()), "--output", "out/"])
    return code, out.getvalue(), folder / "out"


def test_the_readme_command_completes_three_steps_with_891_rows_and_a_registration(titanic_run):
    code, text, out = titanic_run
    assert code == 0, text
    rows = [line.split() for line in text.splitlines() if line.split()[:1] in (["data_prep"], ["automl"], ["register"])]
    assert [(r[0], r[2]) for r in rows if len(r) > 2] == [
        ("data_prep", "Completed"), ("automl", "Completed"), ("register", "Completed")]
    assert "Prepared rows: 891" in text
    assert "Model.register recorded: TitanicSurvivalInitial" in text
    assert "the bundled sample stands in" in text and "'local' exported as 'cpu-cluster'" in text
    (metrics,) = out.glob("azureml/*/metrics_data")
    assert (metrics.parent / "model_data").is_file()
    assert len(json.loads(metrics.read_text())) == 20
    (prepared,) = out.glob("automl-desk/prepared_data/*/prepared.parquet")
    assert "Not imitated by a dry run:" in text


def test_the_resolved_arguments_match_the_graph_of_the_spec(titanic_run, offline, tmp_path):
    """summary.json's command lines against the same spec's graph built afresh."""
    from app.backends.azure.export import for_azure
    from app.backends.azure.pipeline import build_pipeline
    from app.core.spec import load_spec

    _, _, out = titanic_run
    summary = json.loads((out / "dry-run" / "summary.json").read_text())
    spec = for_azure(load_spec(example_spec()))[0]
    ws = offline.OfflineWorkspace()
    with offline.offline_pipeline_patches():
        graph = build_pipeline(spec, ws, offline.registered_dataset(ws), offline.blob_datastore(ws),
                               ws.compute_targets).pipeline.graph
    for step in summary["steps"]:
        if step["kind"] != "PythonScriptStep":
            continue
        symbolic = arguments(module_node(graph, step["name"]))
        assert len(step["arguments"]) == len(symbolic)
        for actual, expected in zip(step["arguments"], symbolic):
            kind, _, name = expected.strip("<>").partition(":")
            if kind in ("DatasetConsumptionConfig", "Input"):
                assert actual == step["inputs"][name] and Path(actual).exists()
            elif kind in ("DatasetOutputConfig", "Output"):
                assert actual == step["outputs"][name] and Path(actual).is_dir()
            elif kind == "Parameter":
                assert actual == str(graph.params[name].default_value)
            else:
                assert actual == expected


def test_a_folder_that_holds_other_files_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["dry-run", str(example_spec()), "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty and holds no earlier dry run" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_unknown_dataset_names_what_to_do(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(example_spec().read_text().replace("dataset: titanic_ds", "dataset: sales_ds"))
    assert main(["dry-run", str(spec), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "dataset 'sales_ds' is not registered" in err and "--data FILE" in err
