"""`automl-desk export-script`: writes the script and the step scripts, refuses what Azure cannot run."""
from __future__ import annotations

from app.cli import build_parser, main
from app.locator import example_spec

# Import every command module now, outside capsys: a module that binds sys.stdout at import
# (app.cli.follow's default `out=sys.stdout`) would otherwise keep capsys's closed stream.
build_parser()


def test_writes_a_compilable_script_and_the_step_scripts(tmp_path, capsys):
    out = tmp_path / "export" / "pipeline.py"
    assert main(["export-script", str(example_spec()), "-o", str(out), "--compute", "cpu-cluster"]) == 0
    text = out.read_text()
    compile(text, str(out), "exec")
    assert "computes['cpu-cluster']" in text
    assert sorted(p.name for p in (out.parent / "step_scripts").iterdir()) == ["dataprep.py", "register_model.py"]
    assert main(["export-script", str(example_spec()), "-o", str(out), "--compute", "cpu-cluster"]) == 2
    assert "--force" in capsys.readouterr().err


def test_a_local_spec_exports_with_the_samples_cluster_and_says_so(tmp_path, capsys):
    out = tmp_path / "p.py"
    assert main(["export-script", str(example_spec()), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "'local' exported as 'cpu-cluster'" in err and "--compute NAME" in err
    text = out.read_text()
    assert "COMPUTE_NAMES = ['cpu-cluster']" in text
    assert "# Note: compute: 'local' exported as 'cpu-cluster'" in text
    compile(text, str(out), "exec")


def test_compute_names_azure_cannot_use_are_refused_with_the_field(tmp_path, capsys):
    assert main(["export-script", str(example_spec()), "-o", str(tmp_path / "p.py"), "--compute", "local"]) == 2
    assert "compute: Azure ML pipelines cannot run on 'local'" in capsys.readouterr().err
    assert not (tmp_path / "p.py").exists()


def test_the_dataset_source_comes_from_the_local_workspace(tmp_path, capsys):
    from app.backends.local.workspace import LocalBackend
    from app.locator import sample_dataset

    LocalBackend(tmp_path / "ws").register_dataset("titanic_ds", [str(sample_dataset())])
    out = tmp_path / "p.py"
    assert main(["--workspace", str(tmp_path / "ws"), "export-script", str(example_spec()), "-o", str(out)]) == 0
    namespace = {"__name__": "exported"}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    assert namespace["DATASET_SOURCES"] == [str(sample_dataset())]


def test_prints_the_script_without_output(capsys):
    assert main(["export-script", str(example_spec()), "--compute", "cpu-cluster"]) == 0
    assert capsys.readouterr().out.startswith('"""titanic_automl: automated-ML pipeline')


def test_exporting_next_to_the_bundled_step_scripts_keeps_them(tmp_path, monkeypatch, capsys):
    """In a source checkout `-o pipeline.py` puts step_scripts/ onto the bundled folder itself."""
    bundled = tmp_path / "step_scripts"
    bundled.mkdir()
    for name in ("dataprep.py", "register_model.py"):
        (bundled / name).write_text(f"# {name}\n")
    monkeypatch.setattr("app.locator.step_scripts_dir", lambda: bundled)
    monkeypatch.chdir(tmp_path)
    assert main(["export-script", str(example_spec()), "-o", "pipeline.py"]) == 0
    assert (bundled / "dataprep.py").read_text() == "# dataprep.py\n"
    assert "wrote pipeline.py" in capsys.readouterr().out
