"""Page 3: the compute target every step runs on — `local`, or an Azure cluster."""
from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QSpinBox,
                               QVBoxLayout)

from app.core.runs import ComputeTarget
from app.ui.jobs import call
from app.ui.wizard.base import SpecPage

VM_SIZES = ("STANDARD_DS3_V2", "STANDARD_DS11_V2", "STANDARD_D2_V2", "STANDARD_D4S_V3", "STANDARD_NC6")


def describe_compute(c: ComputeTarget) -> str:
    if c.kind == "local":
        return f"{c.name} — this machine"
    return f"{c.name} — {c.kind} {c.vm_size}, {c.min_nodes}–{c.max_nodes} nodes, {c.priority} ({c.state})"


class CreateClusterDialog(QDialog):
    """Name, VM size, node range and priority of a new AmlCompute cluster."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Create cluster")
        self.name = QLineEdit("cpu-cluster")
        self.vm_size = QComboBox()
        self.vm_size.setEditable(True)
        self.vm_size.addItems(VM_SIZES)
        self.min_nodes = QSpinBox()
        self.min_nodes.setRange(0, 100)
        self.max_nodes = QSpinBox()
        self.max_nodes.setRange(1, 100)
        self.max_nodes.setValue(4)
        self.priority = QComboBox()
        self.priority.addItems(["Dedicated", "LowPriority"])
        self.message = QLabel()
        self.message.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name:", self.name)
        form.addRow("VM size:", self.vm_size)
        form.addRow("Minimum nodes:", self.min_nodes)
        form.addRow("Maximum nodes:", self.max_nodes)
        form.addRow("Priority:", self.priority)
        form.addRow(self.message)
        form.addRow(buttons)

    def target(self) -> ComputeTarget:
        return ComputeTarget(self.name.text().strip(), "AmlCompute", self.vm_size.currentText().strip(),
                             self.min_nodes.value(), self.max_nodes.value(), self.priority.currentText(), "Creating")

    def _accept(self) -> None:
        from app.core.runs import cluster_name_problem

        problem = cluster_name_problem(self.name.text().strip())
        if problem:
            self.message.setText(problem + ".")
        elif self.min_nodes.value() > self.max_nodes.value():
            self.message.setText("The minimum number of nodes cannot exceed the maximum.")
        else:
            self.accept()


class ComputePage(SpecPage):
    prefixes = ("compute",)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Compute")
        self.setSubTitle("Where the pipeline's steps run.")
        self.targets = QListWidget()
        self.targets.itemSelectionChanged.connect(self._chosen)
        self.create_button = QPushButton("Create cluster…")
        self.create_button.clicked.connect(self.open_create_dialog)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # provisioning: the states Azure reports, the time waited against the timeout, and a way out
        self.provisioning = QProgressBar()
        self.provisioning.setRange(0, 100)
        self.provisioning.setVisible(False)
        self.provisioning.setMaximumHeight(14)
        self.provisioning.setFormat("%p% of the provisioning timeout")
        self.stop_button = QPushButton("Stop waiting")
        self.stop_button.setToolTip("Stops waiting only: Azure keeps provisioning the cluster")
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self.stop_waiting)
        self._creating = None
        self._note = ""
        row = QHBoxLayout()
        row.addWidget(self.create_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.status, 1)
        self.targets.setMaximumHeight(180)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.targets)
        layout.addLayout(row)
        layout.addWidget(self.provisioning)
        layout.addWidget(self.messages.add("compute"))
        layout.addWidget(self.note)
        layout.addStretch(1)
        self._loaded = False

    def initializePage(self) -> None:
        azure = self.target == "azure"
        self.create_button.setVisible(azure)
        self.note.setText("Clusters scale out on Azure; pick one, or create one with its VM size and node range."
                          if azure else "A local workspace runs every step on this machine, one run at a time; "
                          "runs submitted meanwhile wait in the queue. Use an Azure ML workspace for clusters.")
        if not azure and self.spec.compute != "local":
            self.spec.compute = "local"
        self.reload()

    def reload(self) -> None:
        self._loaded = False
        self.status.setText("Loading compute targets…")
        self.wizard().runner.start(call, self.backend.list_computes, on_result=self._fill,
                                   on_failed=lambda m, d: self.status.setText(m))
        self.completeChanged.emit()

    def _fill(self, computes) -> None:
        self._loaded = True
        self.status.setText(self._note or ("" if computes else "No compute target yet: create a cluster."))
        self._note = ""
        self.targets.blockSignals(True)
        self.targets.clear()
        for c in computes:
            item = QListWidgetItem(describe_compute(c))
            item.setData(Qt.ItemDataRole.UserRole, c.name)
            self.targets.addItem(item)
            if c.name == self.spec.compute:
                item.setSelected(True)
        self.targets.blockSignals(False)
        if not self.targets.selectedItems() and self.targets.count():
            self.targets.item(0).setSelected(True)
        self._chosen()

    @Slot()
    def _chosen(self) -> None:
        items = self.targets.selectedItems()
        if items:
            self.spec.compute = items[0].data(Qt.ItemDataRole.UserRole)
        self.revalidate()

    def isComplete(self) -> bool:
        return (self._creating is None and self._loaded and bool(self.targets.selectedItems())
                and super().isComplete())

    @Slot()
    def open_create_dialog(self) -> None:
        dialog = CreateClusterDialog(self)
        dialog.accepted.connect(lambda: self._create(dialog.target()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _create(self, target: ComputeTarget) -> None:
        self.status.setText(f"Creating cluster {target.name} (this can take a few minutes)…")
        self.spec.compute = target.name
        self._set_creating(True)
        self._creating = self.wizard().runner.start(
            self.backend.create_compute, target, on_result=self._created, on_progress=self._provisioning,
            on_failed=lambda m, d: self._creation_ended(f"✗ {m}"),
            on_cancelled=lambda: self._creation_ended(f"Stopped waiting; Azure keeps provisioning {target.name}: "
                                                      "reload later to pick it."))
        self.completeChanged.emit()

    def _set_creating(self, creating: bool) -> None:
        self.create_button.setEnabled(not creating)
        self.stop_button.setVisible(creating)
        self.stop_button.setEnabled(creating)
        self.provisioning.setVisible(creating)
        self.provisioning.setValue(0)

    @Slot(object, str)
    def _provisioning(self, fraction, message: str) -> None:
        if fraction is not None:
            self.provisioning.setValue(int(fraction * 100))
        if message:
            self.status.setText(message)

    @Slot()
    def stop_waiting(self) -> None:
        if self._creating is not None:
            self.stop_button.setEnabled(False)
            self.status.setText("Stopping the wait (Azure keeps provisioning)…")
            self._creating.cancel()

    def _created(self, target) -> None:
        self._creation_ended(f"✓ Cluster {target.name} is ready.")
        self._note = self.status.text()
        self.reload()

    def _creation_ended(self, message: str) -> None:
        self._creating = None
        self._set_creating(False)
        self.status.setText(message)
        self.completeChanged.emit()
