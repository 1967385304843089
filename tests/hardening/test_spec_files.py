"""Bad pipeline specs through `automl-desk run` / `export-script`: refused before any run record exists."""
from __future__ import annotations

import pytest

from app import locator
from app.core import yaml_io

EXAMPLE = locator.example_spec().read_text()
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"


@pytest.mark.parametrize("text, fragment", [
    (EXAMPLE + "bogus_key: 1\n", "bogus_key: unknown setting; known keys: experiment, dataset"),
    (EXAMPLE.replace("  primary_metric:", "  Primary-Metric:"),
     "automl.Primary-Metric: unknown setting; did you mean 'primary_metric'?"),
    (EXAMPLE.replace("iterations: 20", "iterations: twenty"), "automl.iterations: must be a whole number, got 'twenty'"),
    (EXAMPLE.replace("iterations: 20", "iterations: 1e9"), "automl.iterations: must be a whole number, got '1e9'"),
    (EXAMPLE.replace("iterations: 20", "iterations: true"), "automl.iterations: must be a whole number, got True"),
    ("experiment: 5\ndataset: [1]\nautoml: 3\n",
     "experiment: must be a string, got 5\ndataset: must be a string, got [1]\nautoml: must be a mapping"),
    ("experiment: x\n\tdataset: y\n", "malformed YAML at line 2, column 1"),
    ("experiment: x\nautoml: [unclosed\n", "malformed YAML at line"),
    ("- 1\n- 2\n", "spec: must be a mapping of settings"),
    ("", "experiment: is required"),
    ("experiment: &name x\ndataset: *name\n", "YAML anchors (&name) are not allowed in a spec"),
    (ALIAS_BOMB, "YAML anchors (&a) are not allowed in a spec; write the value out in full"),
    ("experiment: !!python/object/apply:os.system ['true']\n", "malformed YAML"),
], ids=["unknown-key", "misspelt-key", "wrong-type", "float-iterations", "bool-iterations", "many-wrong-types",
        "tab", "unclosed", "not-a-mapping", "empty", "anchor-alias", "alias-bomb", "python-tag"])
def test_malformed_specs(cli, write_spec, text, fragment):
    err = cli.refused("run", write_spec(text))
    assert fragment in err


def test_tab_message_says_to_use_spaces(cli, write_spec):
    assert "does not allow tab characters for indentation; use spaces" in cli.refused(
        "run", write_spec("experiment: x\n\tdataset: y\n"))


def test_absurdly_large_spec_is_refused_unparsed(cli, write_spec):
    err = cli.refused("run", write_spec("experiment: x\n" + "# padding\n" * (yaml_io.MAX_YAML_BYTES // 10 + 1)))
    assert "file is larger than 1000 kB; a spec is a short YAML file" in err


def test_spec_that_is_not_text(cli, tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    assert "not a UTF-8 text file; save the spec as UTF-8 YAML" in cli.refused("run", str(path))


def test_spec_path_is_a_folder(cli, tmp_path):
    assert f"spec file not found: {tmp_path}" in cli.refused("run", str(tmp_path))


@pytest.mark.parametrize("automl, fragment", [
    ({"iterations": 10 ** 9}, "automl.iterations: must be at most 1000 (Azure's limit), got 1000000000"),
    ({"iterations": 0}, "automl.iterations: must be at least 1, got 0"),
    ({"experiment_timeout_hours": 0}, "automl.experiment_timeout_hours: must be greater than 0"),
    ({"experiment_timeout_hours": None, "experiment_timeout_minutes": 0},
     "automl.experiment_timeout_minutes: must be greater than 0"),
    ({"iteration_timeout_minutes": 0}, "automl.iteration_timeout_minutes: must be greater than 0"),
    ({"experiment_timeout_hours": -1}, "automl.experiment_timeout_hours: must be greater than 0"),
    ({"n_cross_validations": 1}, "automl.n_cross_validations: needs at least 2 folds"),
    ({"validation_size": 1.5, "n_cross_validations": None}, "automl.validation_size: must be a fraction between 0 and 1"),
], ids=["iterations-1e9", "iterations-0", "timeout-0-hours", "timeout-0-minutes", "iteration-timeout-0",
        "negative-timeout", "one-fold", "validation-size"])
def test_absurd_limits(cli, write_spec, automl, fragment):
    assert fragment in cli.refused("run", write_spec(automl=automl))


def test_dataprep_script_that_does_not_exist(cli, write_spec, tmp_path):
    err = cli.refused("run", write_spec(data_prep={"script": "prepare.py", "arguments": []}))
    assert f"data_prep.script: script not found: {tmp_path / 'prepare.py'}; check the path or use bundled:dataprep" in err


def test_dataprep_script_that_is_not_python(cli, write_spec):
    err = cli.refused("run", write_spec(data_prep={"script": "prepare.sh"}))
    assert "prepare.sh' is not a Python script; give a .py file or bundled:dataprep" in err


@pytest.mark.parametrize("top, fragment", [
    ({"experiment": "../../etc"}, "experiment: use letters, digits"),
    ({"experiment": "a/b"}, "experiment: use letters, digits"),
    ({"parameters": {"model_name": "../evil"}}, "register.model_name: '../evil' is not a model name"),
    ({"parameters": {"model_name": "x" * 300}}, "is not a model name"),
    ({"dataset": "../titanic_ds"}, "dataset: '../titanic_ds' is not a dataset name"),
    ({"dataset": "titanic_ds:99"}, "dataset: no dataset 'titanic_ds:99' in this workspace"),
], ids=["experiment-dotdot", "experiment-slash", "model-dotdot", "model-long", "dataset-dotdot", "dataset-version"])
def test_names_in_the_spec(cli, write_spec, top, fragment):
    assert fragment in cli.refused("run", write_spec(**top))


@pytest.mark.parametrize("pair, fragment", [
    ("model_name=a/b", "register.model_name: 'a/b' is not a model name"),
    ("model_name=..", "register.model_name: '..' is not a model name"),
    ("model_name=", "register.model_name: '' is not a model name"),
    ("nope=1", "unknown pipeline parameter(s) nope; the spec defines: model_name"),
    ("no_equals", "--set expects PARAM=VALUE, got 'no_equals'"),
    ("model_name=Model\n", "is not a model name"),
], ids=["slash", "dotdot", "empty", "unknown", "no-equals", "newline"])
def test_bad_parameter_values_are_refused_before_any_step_runs(cli, write_spec, pair, fragment):
    assert fragment in cli.refused("run", write_spec(), "--set", pair)


def test_export_script_refuses_the_same_yaml(cli, write_spec, tmp_path):
    out = tmp_path / "pipeline.py"
    err = cli.refused("export-script", write_spec(ALIAS_BOMB), "-o", str(out))
    assert "YAML anchors" in err and not out.exists()
