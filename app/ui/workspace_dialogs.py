"""Workspace → Datasets and Workspace → Computes: browse what the open workspace holds."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from app.ui.jobs import call
from app.ui.wizard.compute_page import CreateClusterDialog, describe_compute
from app.ui.wizard.preview_widget import PreviewWidget
from app.ui.wizard.register_dataset_dialog import RegisterDatasetDialog


class DatasetsDialog(QDialog):
    """Every dataset version, a preview of the selected one, and "Register new…"."""

    def __init__(self, backend, runner, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Datasets")
        self.resize(900, 600)
        self._backend, self._runner = backend, runner
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Dataset", "Version", "Rows", "Columns", "Sources"])
        self.tree.setRootIsDecorated(False)
        self.tree.itemSelectionChanged.connect(self._selected)
        self.preview = PreviewWidget(runner, self)
        self.status = QLabel()
        register = QPushButton("Register new…")
        register.clicked.connect(self._register)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(register)
        row.addWidget(self.status, 1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.preview, 2)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.status.setText("Loading…")
        self._runner.start(call, self._backend.list_datasets, on_result=self._fill,
                           on_failed=lambda m, d: self.status.setText(m))

    def _fill(self, versions) -> None:
        self.tree.clear()
        for v in versions:
            item = QTreeWidgetItem([v.name, str(v.version), "" if v.rows is None else f"{v.rows:,}",
                                    str(len(v.columns)), ", ".join(v.sources)])
            item.setData(0, Qt.ItemDataRole.UserRole, (v.name, v.version))
            self.tree.addTopLevelItem(item)
        self.status.setText(f"{len(versions)} dataset version(s)")

    def _selected(self) -> None:
        items = self.tree.selectedItems()
        if items:
            name, version = items[0].data(0, Qt.ItemDataRole.UserRole)
            self.preview.load_dataset(self._backend, name, version)

    def _register(self) -> None:
        dialog = RegisterDatasetDialog(self._backend, self._runner, self)
        dialog.registered.connect(lambda _d: self.reload())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()


class ComputesDialog(QDialog):
    """The workspace's compute targets; "Create cluster…" on Azure."""

    def __init__(self, backend, runner, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compute targets")
        self.resize(640, 360)
        self._backend, self._runner = backend, runner
        self.list = QListWidget()
        self.status = QLabel()
        create = QPushButton("Create cluster…")
        create.setVisible(backend.capabilities.create_compute)
        create.clicked.connect(self._create)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(create)
        row.addWidget(self.status, 1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.status.setText("Loading…")
        self._runner.start(call, self._backend.list_computes, on_result=self._fill,
                           on_failed=lambda m, d: self.status.setText(m))

    def _fill(self, computes) -> None:
        self.list.clear()
        self.list.addItems([describe_compute(c) for c in computes])
        self.status.setText("")

    def _create(self) -> None:
        dialog = CreateClusterDialog(self)
        dialog.accepted.connect(lambda: self._start_create(dialog.target()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _start_create(self, target) -> None:
        self.status.setText(f"Creating {target.name}…")
        self._runner.start(self._backend.create_compute, target, on_result=lambda _c: self.reload(),
                           on_failed=lambda m, d: self.status.setText(f"✗ {m}"))
