"""Overview of a run: status with phase and elapsed time, steps graph, the warnings its steps
gave, parameters, settings, guardrails and other recorded properties."""
from __future__ import annotations

import re

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QSplitter, QTableView,
                               QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from app.core.runs import RunRecord
from app.core.scores import test_split_text
from app.ui.monitor.column_widths import CELL_MARGIN
from app.ui.monitor.records_model import RecordsTableModel, key_value_rows
from app.ui.monitor.status import format_time, run_headline, status_colour
from app.ui.monitor.steps_graph import StepsGraphWidget
from app.ui.styles import WARNING_STYLE

MAX_WARNINGS = 6       # shown as lines; the rest in the tooltip


def guardrail_rows(run: RunRecord, artifacts: dict | None) -> list[dict]:
    """Guardrails from the run's properties or the `guardrails` artifact, as table rows."""
    raw = run.properties.get("guardrails")
    if not raw and artifacts:
        raw = artifacts.get("guardrails")
    if isinstance(raw, dict) and isinstance(raw.get("data"), (list, dict)):
        raw = raw["data"]
    if isinstance(raw, dict):
        raw = [{"name": k, **(v if isinstance(v, dict) else {"result": v})} for k, v in raw.items()]
    rows = []
    for item in raw or []:
        if isinstance(item, dict):
            rows.append({"guardrail": item.get("name") or item.get("type") or "",
                         "result": item.get("result") or item.get("status") or "",
                         "details": _guardrail_text(item)})
    return rows


def _guardrail_text(item: dict) -> str:
    """The description, then each detail record as `key value` pairs."""
    text = str(item.get("description") or item.get("message") or "")
    details = item.get("details")
    if isinstance(details, list) and details:
        parts = [", ".join(f"{k} {_number(k, v)}" for k, v in d.items()) if isinstance(d, dict) else str(d)
                 for d in details]
        text = f"{text} ({'; '.join(parts)})" if text else "; ".join(parts)
    elif isinstance(details, str) and details:
        text = f"{text} {details}".strip()
    return text


LABEL_KEYS = ("class", "series", "column")      # their values name things: class 2024 is no count


def _number(key: str, value) -> str:
    """Counts with thousands separators ("rows 499,384"), anything else as it is."""
    count = isinstance(value, int) and not isinstance(value, bool) and key not in LABEL_KEYS
    return f"{value:,}" if count else str(value)


def _read_only(view: QTableView, model) -> QTableView:
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    return view


def compact_table(model) -> QTableView:
    view = _read_only(QTableView(), model)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def breakable_words(text) -> list[str]:
    """The pieces a wrapped cell's text can break between: at spaces, and after hyphens as Qt does."""
    return [word for word in re.split(r"\s+|(?<=-)", str(text or "")) if word]


class WrappingTableView(QTableView):
    """A compact table whose texts wrap and whose rows are as tall as their texts: the last
    column (the guardrails' details, sentences long) takes the width left, and each other column
    its text's width up to a share of the view. Cut at the pane's edge, a detail could only be
    read by widening the column."""

    COLUMN_SHARE = 0.3

    def __init__(self, model):
        super().__init__()
        _read_only(self, model)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setMinimumSectionSize(30)     # the default, about 100 px, overflows a narrow pane
        self.horizontalHeader().setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
        model.modelReset.connect(self._fit_columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _longest_word(self, column: int) -> int:
        metrics, model = self.fontMetrics(), self.model()
        words = (word for row in range(model.rowCount()) for word in breakable_words(model.index(row, column).data()))
        return max((metrics.horizontalAdvance(word) for word in words), default=0) + CELL_MARGIN

    def _fit_columns(self) -> None:
        share = int(self.viewport().width() * self.COLUMN_SHARE)
        for column in range(self.model().columnCount() - 1):
            wanted = max(self.sizeHintForColumn(column), self.horizontalHeader().sectionSizeHint(column))
            # Never narrower than its longest word, which would be cut off ("timesta…") rather than wrapped.
            self.setColumnWidth(column, min(wanted, max(share, self._longest_word(column))))


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box


class OverviewTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.headline = QLabel()
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        self.steps = StepsGraphWidget()
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.hide()
        self.parameters = RecordsTableModel(["name", "value"], self, metric_floats=False)
        self.properties = RecordsTableModel(["name", "value"], self, metric_floats=False)
        self.guardrails = RecordsTableModel(["guardrail", "result", "details"], self)
        self.settings = QPlainTextEdit()
        self.settings.setReadOnly(True)
        self.settings.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(_boxed("Parameters", compact_table(self.parameters)))
        left.addWidget(_boxed("Guardrails", WrappingTableView(self.guardrails)))
        left.addWidget(_boxed("Recorded properties", compact_table(self.properties)))
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(_boxed("Settings (pipeline spec)", self.settings))
        left.setSizes([150, 300, 150])          # the guardrails' wrapped sentences need the height
        body.setSizes([520, 380])

        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.facts)
        steps_row = QHBoxLayout()
        steps_row.addWidget(self.steps)
        steps_row.addStretch(1)
        layout.addLayout(steps_row)
        layout.addWidget(self.warnings)
        layout.addWidget(body, 1)

    def show_run(self, run: RunRecord, artifacts: dict | None) -> None:
        self.headline.setText(run_headline(run))
        self.headline.setStyleSheet(f"color: {status_colour(run.status).darker(130).name()}")
        facts = [f"Run {run.run_id}", f"experiment {run.experiment}"]
        if run.task:
            facts.append(f"{run.task}, primary metric {run.primary_metric}")
        if run.dataset:
            facts.append(f"dataset {run.dataset}")
        if run.created_at:
            facts.append(f"submitted {format_time(run.created_at)}")
        scores = []
        if run.best_metric is not None:
            scores.append(f"Best: validation {run.primary_metric} {run.best_metric:.4f} at iteration "
                          f"{run.best_iteration}")
        held_out = test_split_text((artifacts or {}).get("summary"), run.primary_metric)
        if held_out:
            scores.append(f"best model on the {held_out}")
        self.facts.setText("\n".join(filter(None, [" · ".join(facts), " · ".join(scores)])))
        self.steps.set_steps(run.steps)
        self.parameters.set_rows(key_value_rows(run.parameters))
        self.guardrails.set_rows(guardrail_rows(run, artifacts))
        lines = run.warning_lines()
        shown = lines[:MAX_WARNINGS] + ([f"… and {len(lines) - MAX_WARNINGS} more"] if len(lines) > MAX_WARNINGS else [])
        self.warnings.setText("\n".join(f"⚠ {line}" for line in shown))
        self.warnings.setToolTip("\n".join(lines) if len(lines) > MAX_WARNINGS else "")
        self.warnings.setVisible(bool(lines))
        self.properties.set_rows(key_value_rows({k: v for k, v in run.properties.items()
                                                 if k not in ("guardrails", "warnings")}))
        if self.settings.toPlainText() != run.spec_yaml:
            self.settings.setPlainText(run.spec_yaml)
