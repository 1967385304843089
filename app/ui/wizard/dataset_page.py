"""Page 2: choose a registered dataset version (or register one), preview it, pick the label column."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout)

from app.core.spec import Problem
from app.ui.data_preview import check_dataset_label
from app.ui.jobs import call
from app.ui.wizard.base import SpecPage
from app.ui.wizard.names import follow_dataset
from app.ui.wizard.preview_widget import PreviewWidget
from app.ui.wizard.register_dataset_dialog import RegisterDatasetDialog

LABEL_PATH = "automl.label_column_name"


class DatasetPage(SpecPage):
    prefixes = ("dataset", LABEL_PATH)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Dataset")
        self.setSubTitle("The registered table to learn from, and the column to predict.")
        self._latest: dict[str, int] = {}
        self._label_state = "none"   # none | checking | ok | refused
        self._label_message = ""
        self._label_token = 0
        self.register_dialog: RegisterDatasetDialog | None = None
        self._missing = ""           # what the spec names and the workspace lacks (an opened spec's dataset)

        self.datasets = QTreeWidget()
        self.datasets.setHeaderLabels(["Dataset", "Version", "Rows", "Columns", "Registered"])
        self.datasets.setRootIsDecorated(False)
        self.datasets.setMaximumHeight(150)
        self.datasets.itemSelectionChanged.connect(self._selection_changed)
        self.register_button = QPushButton("Register new…")
        self.register_button.clicked.connect(self.open_register_dialog)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        self.list_status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addWidget(refresh)
        buttons.addWidget(self.list_status, 1)
        dataset_message = self.messages.add("dataset")

        self.preview = None
        self.label = QComboBox()
        self.label.setMinimumWidth(260)
        self.label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.label.activated.connect(self._label_chosen)
        self.label_message = self.messages.add(LABEL_PATH)
        form = QFormLayout()
        form.addRow("Label column:", self.label)
        form.addRow("", self.label_message)

        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.datasets)
        self._layout.addLayout(buttons)
        self._layout.addWidget(dataset_message)
        self._layout.addLayout(form)

    def initializePage(self) -> None:
        if self.preview is None:
            self.preview = PreviewWidget(self.wizard().runner, self)
            self.preview.loaded.connect(self._preview_loaded)
            self.preview.failed.connect(lambda _m: self.revalidate())
            self._layout.insertWidget(3, self.preview, 1)
        self.reload()

    @Slot()
    def reload(self) -> None:
        self.list_status.setText("Loading datasets…")
        self.wizard().runner.start(call, self.backend.list_datasets, on_result=self._fill,
                                   on_failed=lambda m, d: self.list_status.setText(m))

    def _fill(self, versions) -> None:
        self.list_status.setText("" if versions else "No dataset yet: register one from a CSV or Parquet file.")
        self._latest = {}
        for v in versions:
            self._latest[v.name] = max(self._latest.get(v.name, 0), v.version)
        self.datasets.blockSignals(True)
        self.datasets.clear()
        wanted_name, wanted_version = self.spec.dataset_name, self.spec.dataset_version
        selected = None
        for v in versions:
            created = dt.datetime.fromtimestamp(v.created_at).strftime("%Y-%m-%d %H:%M") if v.created_at else ""
            latest = " (latest)" if v.version == self._latest[v.name] else ""
            item = QTreeWidgetItem([v.name, f"{v.version}{latest}", "" if v.rows is None else f"{v.rows:,}",
                                    str(len(v.columns)), created])
            item.setData(0, Qt.ItemDataRole.UserRole, (v.name, v.version))
            self.datasets.addTopLevelItem(item)
            if v.name == wanted_name and v.version == (wanted_version or self._latest[v.name]):
                selected = item
            elif not wanted_name and len(self._latest) == 1 and v.version == self._latest[v.name]:
                selected = item  # one dataset in the workspace: nothing to choose between
        for column in range(self.datasets.columnCount()):
            self.datasets.resizeColumnToContents(column)
            # the measured width leaves no room for the item margins, so names were elided
            self.datasets.setColumnWidth(column, self.datasets.columnWidth(column) + 16)
        self.datasets.blockSignals(False)
        self._missing = ""
        if selected is not None:
            selected.setSelected(True)
            self.datasets.scrollToItem(selected)
        else:
            if wanted_name and self.selected() is None:
                self._missing = _missing_message(wanted_name, wanted_version, self._latest.get(wanted_name))
            self.revalidate()

    def selected(self) -> tuple[str, int] | None:
        items = self.datasets.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def select_dataset(self, name: str, version: int | None = None) -> None:
        for i in range(self.datasets.topLevelItemCount()):
            item = self.datasets.topLevelItem(i)
            n, v = item.data(0, Qt.ItemDataRole.UserRole)
            if n == name and (version is None or v == version):
                self.datasets.setCurrentItem(item)
                item.setSelected(True)
                return

    @Slot()
    def _selection_changed(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        name, version = chosen
        self._missing = ""
        previous = self.spec.dataset_name
        self.spec.dataset = name if version == self._latest.get(name) else f"{name}:{version}"
        follow_dataset(self.spec, previous)
        self.label.clear()
        self._set_label_state("none")
        self.preview.load_dataset(self.backend, name, version)
        self.revalidate()

    @Slot()
    def _preview_loaded(self) -> None:
        self.wizard().set_sample(self.preview.sample, self.preview.column_profile)
        columns = [str(c) for c in self.preview.sample.columns]
        self.label.clear()
        self.label.addItem("— choose the column to predict —", None)
        for c in columns:
            self.label.addItem(c, c)
        current = self.spec.automl.label_column_name
        if current in columns:
            self.label.setCurrentIndex(columns.index(current) + 1)
            self._check_label(current)
        else:
            self.spec.automl.label_column_name = ""
            self._set_label_state("none")

    @Slot(int)
    def _label_chosen(self, index: int) -> None:
        self.choose_label(self.label.itemData(index) or "")

    def choose_label(self, column: str) -> None:
        """Set the label column (as picking it in the list does) and check its values."""
        index = self.label.findData(column) if column else 0
        self.label.setCurrentIndex(max(index, 0))
        self.spec.automl.label_column_name = column
        if column:
            self._check_label(column)
        else:
            self._set_label_state("none")

    def _check_label(self, column: str) -> None:
        chosen = self.selected()
        if chosen is None or self.preview.sample is None:
            return
        self._set_label_state("checking")
        self._label_token += 1
        token = self._label_token
        self.wizard().runner.start(check_dataset_label, self.backend, chosen[0], chosen[1], column,
                                   self.preview.sample,
                                   on_result=lambda problem: self._label_checked(token, problem),
                                   on_failed=lambda m, d: self._label_checked(token, m))

    def _label_checked(self, token: int, problem: str | None) -> None:
        if token == self._label_token:
            self._set_label_state("refused" if problem else "ok", problem or "")

    def _set_label_state(self, state: str, message: str = "") -> None:
        self._label_state, self._label_message = state, message
        self.revalidate()

    def extra_problems(self) -> list[Problem]:
        if self._missing:
            return [Problem("dataset", self._missing)]
        if self.preview is not None and self.preview.error:  # the preview shows the reason; say it once
            return [Problem("dataset", "this version cannot be read (see the preview above); choose another "
                                       "version or register the file again")]
        if self._label_state == "refused":
            return [Problem(LABEL_PATH, self._label_message)]
        if self._label_state == "checking":
            return [Problem(LABEL_PATH, "checking the label's values…", "warning")]
        return []

    def isComplete(self) -> bool:
        return super().isComplete() and self._label_state == "ok"

    @Slot()
    def open_register_dialog(self) -> RegisterDatasetDialog:
        dialog = RegisterDatasetDialog(self.backend, self.wizard().runner, self)
        if self._missing:
            dialog.name.setText(self.spec.dataset_name)      # the name the spec refers to
        dialog.registered.connect(self._registered)
        dialog.finished.connect(dialog.deleteLater)
        self.register_dialog = dialog
        dialog.open()
        return dialog

    def _registered(self, dataset) -> None:
        previous = self.spec.dataset_name
        self.spec.dataset = dataset.name
        follow_dataset(self.spec, previous)
        if dataset.name != previous:      # the spec's own dataset, registered now: its label still holds
            self.spec.automl.label_column_name = ""
        self.reload()


def _missing_message(name: str, version: int | None, latest: int | None) -> str:
    if latest is not None:
        return (f"dataset '{name}' has no version {version} here (the latest is {latest}); choose a version "
                "above, or register the file again")
    return (f"the spec names dataset '{name}', which this workspace does not have; register its file with "
            "Register new… under that name, or choose another dataset above")
