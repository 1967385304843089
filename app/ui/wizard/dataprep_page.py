"""Page 4: data preparation — off, the bundled script's options as a per-column form, or your own script."""
from __future__ import annotations

import shlex

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QRadioButton, QSpinBox,
                               QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.core.spec import BUNDLED_DATAPREP, DataPrepSpec, Problem
from app.ui.file_dialogs import open_file
from app.ui.wheel_guard import guard_wheel
from app.ui.wizard.base import SpecPage
from app.ui.data_preview import PROFILE_ROWS
from app.ui.wording import distinct_count, missing_share

FILL_CHOICES = (("", "leave gaps"), ("impute_random", "random observed value"),
                ("fill_zero", "zero"), ("fill_unknown", "'unknown'"))
LIST_OPTIONS = tuple(key for key, _ in FILL_CHOICES if key) + ("drop",)
COL_NAME, COL_TYPE, COL_DROP, COL_FILL, COL_ENCODE, COL_BINS = range(6)


def suggest_options(profile, rows: int, label: str) -> dict:
    """Options a data scientist would start from, read off a column profile."""
    options: dict = {"drop": [], "impute_random": [], "fill_zero": [], "fill_unknown": [], "encode": {}}
    for p in profile:
        if p.name == label:
            continue
        identifier = p.distinct >= 0.9 * rows and p.dtype in ("text", "integer")
        if identifier or p.missing_pct > 60:
            options["drop"].append(p.name)
        elif p.dtype == "text" and p.distinct > 20:
            options["drop"].append(p.name)
        else:
            if p.missing_pct > 0 and p.dtype != "datetime":      # AutoML's date parts read a gap as one
                options["fill_unknown" if p.dtype == "text" else "impute_random"].append(p.name)
            if p.dtype == "text":
                options["encode"][p.name] = []  # the categories are read off the sample by options()
    return {k: v for k, v in options.items() if v}


class DataPrepPage(SpecPage):
    prefixes = ("data_prep",)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Data preparation")
        self.setSubTitle("Clean the data before AutoML sees it. The learned fill values, bins and category maps "
                         "are saved and re-applied when predicting.")
        self.off = QRadioButton("Off — AutoML receives the dataset as registered")
        self.bundled = QRadioButton("Bundled preparation script (options per column)")
        self.custom = QRadioButton("My own script")
        group = QButtonGroup(self)
        for i, b in enumerate((self.off, self.bundled, self.custom)):
            group.addButton(b, i)
        group.idToggled.connect(self._mode_changed)

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["Column", "Type", "Drop", "Fill gaps with", "Encode categories",
                                              "Quantile bins"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.suggest_button = QPushButton("Suggest from the column profile")
        self.suggest_button.clicked.connect(self.apply_suggestions)
        bundled_box = QWidget()
        bl = QVBoxLayout(bundled_box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.table, 1)
        bl.addWidget(self.suggest_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.script = QLineEdit()
        self.script.setPlaceholderText("path/to/prepare.py")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_script)
        self.arguments = QLineEdit()
        self.arguments.setPlaceholderText('e.g. --drop Name --fill "Age=median"')
        script_row = QHBoxLayout()
        script_row.addWidget(self.script, 1)
        script_row.addWidget(browse)
        custom_box = QWidget()
        cf = QFormLayout(custom_box)
        cf.addRow("Script:", script_row)
        cf.addRow("", self.messages.add("data_prep.script"))
        cf.addRow("Arguments:", self.arguments)
        cf.addRow("", self.messages.add("data_prep.arguments"))
        cf.addRow(QLabel("The script is called with --input (a folder with the dataset) and --output (a folder "
                         "to write the prepared data to), followed by your arguments."))
        self.stack = QStackedWidget()
        self.stack.addWidget(QWidget())
        self.stack.addWidget(bundled_box)
        self.stack.addWidget(custom_box)
        self.general = self.messages.add("data_prep")

        layout = QVBoxLayout(self)
        for b in (self.off, self.bundled, self.custom):
            layout.addWidget(b)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.general)
        self.script.textChanged.connect(self._sync)
        self.arguments.textChanged.connect(self._sync)
        self._filling = False

    def initializePage(self) -> None:
        prep = self.spec.data_prep
        self._filling = True
        self._fill_table(prep.options if prep is not None and prep.is_bundled else {})
        if prep is not None and not prep.is_bundled:
            self.script.setText(prep.script)
            self.arguments.setText(shlex.join(str(a) for a in prep.arguments))
        mode = 0 if prep is None else (1 if prep.is_bundled else 2)
        (self.off, self.bundled, self.custom)[mode].setChecked(True)
        self.stack.setCurrentIndex(mode)
        self._filling = False
        self._sync()

    def _fill_table(self, options: dict) -> None:
        wizard = self.wizard()
        profile = wizard.column_profile or []
        sample_rows = len(wizard.sample) if wizard.sample is not None else 0
        label = self.spec.automl.label_column_name
        fills = {c: key for key in LIST_OPTIONS if key != "drop" for c in options.get(key, [])}
        self.table.setRowCount(0)
        for p in profile:
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QTableWidgetItem(p.name + ("  (label)" if p.name == label else ""))
            name.setData(Qt.ItemDataRole.UserRole, p.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, COL_NAME, name)
            kind = QTableWidgetItem(f"{p.dtype}, {missing_share(p.missing_pct)}, "
                                    f"{distinct_count(p.distinct, sample_rows, PROFILE_ROWS)}")
            kind.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, COL_TYPE, kind)
            drop = QCheckBox()
            drop.setChecked(p.name in options.get("drop", []))
            fill = QComboBox()
            for key, text in FILL_CHOICES:
                fill.addItem(text, key)
            fill.setCurrentIndex(max(0, fill.findData(fills.get(p.name, ""))))
            encode = QCheckBox()
            encode.setChecked(p.name in (options.get("encode") or {}))
            bins = QSpinBox()
            bins.setRange(0, 100)
            bins.setSpecialValueText("none")
            bins.setValue(int((options.get("quantile_bins") or {}).get(p.name, 0) or 0))
            for col, widget in ((COL_DROP, drop), (COL_FILL, fill), (COL_ENCODE, encode), (COL_BINS, bins)):
                widget.setEnabled(p.name != label)
                self.table.setCellWidget(row, col, widget)
            guard_wheel(fill, bins)
            drop.toggled.connect(lambda dropped, ws=(fill, encode, bins): [x.setDisabled(dropped) for x in ws])
            drop.toggled.connect(self._sync)
            for widget in (fill, encode, bins):
                widget.setDisabled(drop.isChecked() or p.name == label)
            fill.currentIndexChanged.connect(self._sync)
            encode.toggled.connect(self._sync)
            bins.valueChanged.connect(self._sync)

    def options(self) -> dict:
        """The bundled script's options as the table shows them."""
        options: dict = {key: [] for key in LIST_OPTIONS}
        options["quantile_bins"], options["encode"] = {}, {}
        sample = self.wizard().sample
        for row in range(self.table.rowCount()):
            name = self.table.item(row, COL_NAME).data(Qt.ItemDataRole.UserRole)
            if self.table.cellWidget(row, COL_DROP).isChecked():
                options["drop"].append(name)
                continue
            fill = self.table.cellWidget(row, COL_FILL).currentData()
            if fill:
                options[fill].append(name)
            if self.table.cellWidget(row, COL_BINS).value():
                options["quantile_bins"][name] = self.table.cellWidget(row, COL_BINS).value()
            if self.table.cellWidget(row, COL_ENCODE).isChecked():
                values = sample[name].dropna().value_counts().index.tolist() if sample is not None else []
                options["encode"][name] = [v if isinstance(v, (int, float, bool)) else str(v) for v in values]
        return {k: v for k, v in options.items() if v}

    @Slot()
    def apply_suggestions(self) -> None:
        wizard = self.wizard()
        rows = len(wizard.sample) if wizard.sample is not None else 0
        suggested = suggest_options(wizard.column_profile or [], rows, self.spec.automl.label_column_name)
        self._filling = True
        self._fill_table(suggested)
        self._filling = False
        self._sync()

    @Slot(int, bool)
    def _mode_changed(self, mode: int, checked: bool) -> None:
        if checked:
            self.stack.setCurrentIndex(mode)
            self._sync()

    def mode(self) -> int:
        return 0 if self.off.isChecked() else (1 if self.bundled.isChecked() else 2)

    def extra_problems(self) -> list[Problem]:
        if self.mode() == 2:
            try:
                shlex.split(self.arguments.text())
            except ValueError as exc:
                return [Problem("data_prep.arguments", f"cannot split the arguments ({exc}); check the quotes")]
        return []

    @Slot()
    def _sync(self, *_) -> None:
        if self._filling:
            return
        mode = self.mode()
        old = self.spec.data_prep
        reuse = old.allow_reuse if old is not None else True
        if mode == 0:
            self.spec.data_prep = None
        elif mode == 1:
            self.spec.data_prep = DataPrepSpec(BUNDLED_DATAPREP, self.options(), [], reuse, old.compute if old else None)
        else:
            try:
                arguments = shlex.split(self.arguments.text())
            except ValueError:
                arguments = []
            self.spec.data_prep = DataPrepSpec(self.script.text().strip(), {}, arguments, reuse,
                                               old.compute if old else None)
        self.revalidate()

    def _choose_script(self) -> None:
        path = open_file(self, "Data preparation script", "scripts", "Python scripts (*.py)")
        if path:
            self.script.setText(path)
