"""Warm start is offered only from earlier runs on the same dataset, so a run on other data says nothing of it."""
from __future__ import annotations

import pandas as pd

from app.core import runs as rs

from tests.backends.local.runs_helpers import small_spec, wait_done


def test_a_run_on_other_data_is_not_offered_as_a_warm_start(titanic_ws, titanic_csv, tmp_path):
    other = tmp_path / "other.csv"
    pd.read_csv(titanic_csv).drop(columns=["Fare", "Age"]).to_csv(other, index=False)
    titanic_ws.register_dataset("other_ds", [str(other)])
    spec = small_spec(iterations=3)
    spec.data_prep = None
    spec.dataset = "other_ds"
    first = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert first.status == rs.COMPLETED, first.error
    spec.dataset = "titanic_ds"
    second = wait_done(titanic_ws, titanic_ws.submit(spec))
    assert second.status == rs.COMPLETED, second.error
    warnings = second.properties.get("warnings", [])
    assert not any("warm start" in w for w in warnings), warnings
    assert not any(it.seeded for it in second.iterations)
