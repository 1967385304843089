"""The warnings a run's steps gave are said as sentences above its tables, not as a JSON list in
Recorded properties; many are cut to a few lines with the rest in the tooltip."""
from __future__ import annotations

from app.core.runs import COMPLETED, RunRecord
from app.ui.monitor.overview_tab import MAX_WARNINGS, OverviewTab


def _shown(qtbot, warnings) -> OverviewTab:
    tab = OverviewTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.show_run(RunRecord("r1", "exp", status=COMPLETED, properties={"warnings": warnings, "stop_reason": "x"}), {})
    return tab


def test_a_few_warnings_are_lines_each_said_once(qtbot):
    tab = _shown(qtbot, ["warning: automl.forecasting.freq: not set; inferred 'D' from the data",
                         "3 rows with no time or no label were left out",
                         "3 rows with no time or no label were left out"])
    assert tab.warnings.isVisible()
    assert tab.warnings.text().splitlines() == ["⚠ automl.forecasting.freq: not set; inferred 'D' from the data",
                                                "⚠ 3 rows with no time or no label were left out"]
    names = {tab.properties.index(r, 0).data() for r in range(tab.properties.rowCount())}
    assert names == {"stop_reason"}


def test_many_warnings_are_cut_and_all_of_them_are_in_the_tooltip(qtbot):
    tab = _shown(qtbot, [f"warning {i}" for i in range(MAX_WARNINGS + 3)])
    lines = tab.warnings.text().splitlines()
    assert len(lines) == MAX_WARNINGS + 1 and lines[-1] == "⚠ … and 3 more"
    assert tab.warnings.toolTip().splitlines()[-1] == f"warning {MAX_WARNINGS + 2}"


def test_a_run_without_warnings_shows_no_line(qtbot):
    assert not _shown(qtbot, []).warnings.isVisible()
