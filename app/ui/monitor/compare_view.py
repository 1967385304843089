"""Compare runs: best-so-far curves overlaid, each run's best metrics with differences to a
baseline run, and a grouped bar chart of chosen metrics; export PNG and CSV."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QVBoxLayout, QWidget)

from app.core import catalog, plotting, run_tables
from app.core import metrics as metrics_io
from app.ui.file_dialogs import save_file
from app.ui.monitor.canvas import PlotCanvasWidget
from app.ui.monitor.overview_tab import compact_table
from app.ui.monitor.records_model import BAD, GOOD, RecordsTableModel
from app.ui.wording import count

MAX_DEFAULT_BARS = 4


def fetch_compare_runs(backend, run_ids: list[str], sink=None) -> dict:
    """{run_id: RunRecord with iterations} (worker side)."""
    return {run_id: backend.get_run(run_id) for run_id in run_ids}


def list_run_choices(backend, sink=None) -> list[tuple[str, str]]:
    """(run id, what the list shows) for every run, newest first (worker side)."""
    return [(r.run_id, f"{r.experiment} · {run_tables.short_labels([r.run_id])[0]} · {r.status}")
            for r in backend.list_runs(None)]


def _default_bars(task: str, primary: str, common: list[str]) -> set[str]:
    """The primary metric and the first others. For regression and forecasting, the others are the
    task's other primary metrics, all normalised: a bar in the label's units (a mean absolute
    error in sales) would dwarf them. Classification's metrics are scores of one scale already."""
    alike = [m for m in catalog.PRIMARY_METRICS.get(task, ()) if m in common and m != primary] \
        if task in ("regression", "forecasting") else []
    others = alike or [m for m in common if m != primary]
    return {primary, *others[:MAX_DEFAULT_BARS - 1]}


def _checked(widget: QListWidget) -> list[str]:
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def _fill_checklist(widget: QListWidget, choices: list[tuple[str, str]], checked: set[str]) -> None:
    """`choices`: (key, text) pairs; `checked`: the keys to tick."""
    widget.blockSignals(True)
    widget.clear()
    for key, text in choices:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.blockSignals(False)


class CompareView(QWidget):
    compared = Signal()
    """The charts and the table now show the checked runs."""

    def __init__(self, backend, runner, run_ids: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.backend, self.runner = backend, runner
        self.records: dict = {}
        self.table_frame = None

        self.runs_list = QListWidget()
        self.runs_list.itemChanged.connect(self._on_runs_changed)
        self.baseline_combo = QComboBox()
        self.baseline_combo.currentTextChanged.connect(lambda _t: self.refresh())
        self.metric_combo = QComboBox()
        self.metric_combo.currentTextChanged.connect(lambda _t: self.refresh())
        self.bar_metrics = QListWidget()
        self.bar_metrics.itemChanged.connect(lambda _i: self.refresh())
        self.message = QLabel()
        self.message.setWordWrap(True)
        png_button = QPushButton("Export PNG…")
        png_button.clicked.connect(self._ask_png)
        csv_button = QPushButton("Export CSV…")
        csv_button.clicked.connect(self._ask_csv)

        controls = QWidget()
        form = QFormLayout(controls)
        form.addRow(QLabel("Runs to compare"))
        form.addRow(self.runs_list)
        form.addRow("Baseline", self.baseline_combo)
        form.addRow("Best by", self.metric_combo)
        form.addRow(QLabel("Bar chart metrics"))
        form.addRow(self.bar_metrics)
        buttons = QHBoxLayout()
        buttons.addWidget(png_button)
        buttons.addWidget(csv_button)
        form.addRow(buttons)

        self.canvas = PlotCanvasWidget(self, width=10, height=4)
        self.table = RecordsTableModel(["metric"], self, colour_of=self._diff_colour)
        table_view = compact_table(self.table)
        table_view.horizontalHeader().setStretchLastSection(False)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.message)
        table_layout.addWidget(table_view, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.canvas)
        right.addWidget(table_box)
        right.setSizes([420, 220])
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(controls)
        body.addWidget(right)
        body.setSizes([340, 800])  # wide enough for "experiment · run · status" and long metric names
        layout = QVBoxLayout(self)
        layout.addWidget(body)

        self._wanted = list(run_ids or [])
        self.runner.start(list_run_choices, backend, on_result=self._on_runs_listed, on_failed=self._on_failed)

    # -- loading -------------------------------------------------------------------------------
    @Slot(object)
    def _on_runs_listed(self, choices: list[tuple[str, str]]) -> None:
        """The runs asked for come first, in the order given (the first is the default baseline)."""
        texts = dict(choices)
        wanted = [(run_id, texts.get(run_id, run_id)) for run_id in self._wanted]
        others = [choice for choice in choices if choice[0] not in self._wanted]
        _fill_checklist(self.runs_list, [*wanted, *others], set(self._wanted))
        self._on_runs_changed()

    @Slot()
    def _on_runs_changed(self, _item=None) -> None:
        chosen = self.chosen_runs()
        missing = [r for r in chosen if r not in self.records]
        if missing:
            self.message.setText(f"Loading {count(len(missing), 'run')}…")
            self.runner.start(fetch_compare_runs, self.backend, missing, on_result=self._on_loaded,
                              on_failed=self._on_failed)
        else:
            self._update_choices()

    @Slot(object)
    def _on_loaded(self, records: dict) -> None:
        self.records.update(records)
        self._update_choices()

    @Slot(str, str)
    def _on_failed(self, message: str, _details: str = "") -> None:
        self.message.setText(message)

    def chosen_runs(self) -> list[str]:
        return _checked(self.runs_list)

    def frames(self) -> dict:
        """The iterations of the ticked runs that can be compared: those of the first ticked run's task."""
        task = self._task()
        return {r: run_tables.iterations_frame(self.records[r].iterations) for r in self.chosen_runs()
                if r in self.records and (self.records[r].task or task) == task}

    def _task(self) -> str:
        loaded = [self.records[r] for r in self.chosen_runs() if r in self.records]
        return next((r.task for r in loaded if r.task), "")

    def left_out(self) -> list[str]:
        """Ticked runs of another task than the first: they share no metric with it."""
        task = self._task()
        return [r for r in self.chosen_runs() if r in self.records and self.records[r].task not in ("", task)]

    def _left_out_note(self) -> str:
        others = self.left_out()
        if not others:
            return ""
        tasks = sorted({self.records[r].task for r in others})
        return (f" Left out {count(len(others), 'run')} of another task ({', '.join(tasks)}): "
                f"a {self._task()} run shares no metric with {'it' if len(others) == 1 else 'them'}.")

    def _update_choices(self) -> None:
        frames = self.frames()
        labels = list(frames)
        common = sorted(set.intersection(*(set(run_tables.metric_columns(f)) for f in frames.values()))) \
            if frames else []
        primary = next((self.records[r].primary_metric for r in labels if self.records[r].primary_metric), "")
        for combo, items, default in ((self.baseline_combo, labels, labels[0] if labels else ""),
                                      (self.metric_combo, common, primary)):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(items)
            combo.setCurrentText(current if current in items else default)
            combo.blockSignals(False)
        chosen_bars = set(_checked(self.bar_metrics)) & set(common) or _default_bars(self._task(), primary, common)
        _fill_checklist(self.bar_metrics, [(m, m) for m in common], chosen_bars)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        frames, metric, baseline = self.frames(), self.metric_combo.currentText(), self.baseline_combo.currentText()
        curves_ax, bars_ax = self.canvas.axes(1, 2)
        self.canvas.relayout()
        if len(frames) < 2 or not metric or baseline not in frames:
            self.message.setText(f"Tick two or more runs of the same task to compare them.{self._left_out_note()}")
            self.table_frame = None
            self.table.set_rows([], columns=["metric"])
            plotting.plot_best_so_far_curves(curves_ax, {}, metric or "metric")
            plotting.plot_grouped_bars(bars_ax, {}, [])
            self.canvas.redraw()
            return
        self.message.setText(f"{count(len(frames), 'run')}; differences are to {baseline}.{self._left_out_note()}")
        short = dict(zip(frames, run_tables.short_labels(list(frames))))
        frames, baseline = {short[k]: f for k, f in frames.items()}, short[baseline]
        curves = {label: (list(f["iteration"]), metrics_io.best_so_far(run_tables.metric_values(f, metric), metric))
                  for label, f in frames.items()}
        plotting.plot_best_so_far_curves(curves_ax, curves, metric)
        table = self.table_frame = run_tables.compare_table(frames, metric, baseline)
        bars = _checked(self.bar_metrics)
        plotting.plot_grouped_bars(bars_ax, {label: table[label].to_dict() for label in frames}, bars)
        self.canvas.redraw()
        columns = ["metric", *table.columns]
        rows = [{"metric": name, **{c: _none_if_nan(v) for c, v in row.items()}} for name, row in table.iterrows()]
        self.table.set_rows(rows, columns=columns, signed_columns=[c for c in table.columns if " - " in c])
        self.compared.emit()

    @staticmethod
    def _diff_colour(row: dict, column: str):
        value = row.get(column)
        if " - " not in column or value is None or value == 0:
            return None
        return GOOD if catalog.better(row["metric"], value, 0.0) else BAD

    # -- export --------------------------------------------------------------------------------
    def export_png(self, path: str) -> None:
        self.canvas.save(path)

    def export_csv(self, path: str) -> None:
        if self.table_frame is not None:
            self.table_frame.to_csv(path)

    def _ask_png(self) -> None:
        path = save_file(self, "Export chart", "exports", "compare.png", "PNG (*.png);;SVG (*.svg)")
        self._export(self.export_png, path)

    def _ask_csv(self) -> None:
        path = save_file(self, "Export table", "exports", "compare.csv", "CSV files (*.csv)")
        self._export(self.export_csv, path)

    def _export(self, write, path: str) -> None:
        if not path:
            return
        try:
            write(path)
        except (OSError, ValueError) as exc:
            self.message.setText(f"Could not write {path}: {exc}")
        else:
            self.message.setText(f"Saved {path}")


def _none_if_nan(value):
    return None if value is None or value != value else float(value)
