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


def test_local_compute_is_refused_with_the_field(tmp_path, capsys):
    assert main(["export-script", str(example_spec()), "-o", str(tmp_path / "p.py")]) == 2
    err = capsys.readouterr().err
    assert "compute: Azure ML pipelines cannot run on 'local'" in err
    assert not (tmp_path / "p.py").exists()


def test_prints_the_script_without_output(capsys):
    assert main(["export-script", str(example_spec()), "--compute", "cpu-cluster"]) == 0
    assert capsys.readouterr().out.startswith('"""titanic_automl: automated-ML pipeline')
