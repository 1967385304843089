"""Long work reports progress and stops when asked, leaving nothing half-done behind."""
from __future__ import annotations

import pytest

from app import locator
from app.backends.local.workspace import LocalBackend
from app.core.progress import Cancelled, Sink
from app.core.spec import load_spec

from .workspace_checks import fingerprint


def _cancel_on(fragment: str) -> Sink:
    sink = Sink()
    sink.on_progress = lambda fraction, message: sink.cancel() if fragment in message else None
    return sink


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w") as fh:
        fh.write("a,b,label\n")
        fh.writelines(f"{i},{i % 7},{i % 2}\n" for i in range(600_000))
    return path


def test_registration_reports_every_phase(ws, big_csv):
    sink = Sink()
    LocalBackend(ws).register_dataset("big", [str(big_csv)], sink=sink)
    said = " ".join(message for _fraction, message in sink.messages)
    assert "copied" in said and "counted" in said and "hashed" in said
    fractions = [f for f, _m in sink.messages if f is not None]
    assert fractions and all(0 <= f <= 1 for f in fractions)


@pytest.mark.parametrize("phase", ["copied", "counted", "hashed"])
def test_registration_stops_in_any_phase(ws, big_csv, phase):
    before = fingerprint(ws)
    with pytest.raises(Cancelled):
        LocalBackend(ws).register_dataset("big", [str(big_csv)], sink=_cancel_on(phase))
    assert fingerprint(ws) == before


def test_submit_checks_the_label_with_progress_and_can_stop(ws, big_csv):
    backend = LocalBackend(ws)
    backend.register_dataset("big", [str(big_csv)])
    spec = load_spec(locator.example_spec())
    spec.dataset, spec.data_prep, spec.automl.label_column_name = "big", None, "label"
    before = fingerprint(ws)
    with pytest.raises(Cancelled):
        backend.submit(spec, sink=_cancel_on("values of 'label'"))
    assert fingerprint(ws) == before and backend.list_runs() == []
