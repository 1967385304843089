"""Page 1: choose and connect a workspace — a local folder, or an Azure ML workspace."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QRadioButton,
                               QVBoxLayout, QWidget, QWizardPage)

from app.backends import AZURE_PREFIX, azure_available, default_workspace_dir
from app.core.signin import AUTH_ENV, AUTH_LABELS, AUTH_MODES, default_auth_mode
from app.ui.styles import ERROR_STYLE
from app.ui.wizard.base import message_label

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
REMEMBERED_MODES = ("browser", "device_code")      # the modes whose tokens the app could keep


def subscription_problem(text: str) -> str | None:
    if text and not GUID.match(text):
        return ("A subscription ID is a GUID like 12345678-90ab-cdef-1234-567890abcdef "
                "(Azure portal → Subscriptions, or the workspace's Overview page).")
    return None


def _browse_row(edit: QWidget, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


def _left(button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(button)
    layout.addStretch(1)
    return row


class WorkspacePage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Workspace")
        self.setSubTitle("Where datasets, runs and models are kept. A local workspace works offline on this machine.")
        self._connecting = False
        self._connected_location: str | None = None

        self.local_radio = QRadioButton("Local workspace folder (this machine)")
        self.azure_radio = QRadioButton("Azure Machine Learning workspace")
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.azure_radio)
        self.local_radio.setChecked(True)

        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.setToolTip("A folder that is created if it does not exist yet")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        default_button = QPushButton("Use default")
        default_button.clicked.connect(lambda: self.folder.setCurrentText(str(default_workspace_dir())))
        local_box = QGroupBox()
        local_form = QFormLayout(local_box)
        local_form.addRow("Folder:", _browse_row(self.folder, browse))
        local_form.addRow("", _left(default_button))
        local_form.addRow("", QLabel("A new folder is created and set up as a workspace when it does not exist."))

        self.azure_box = QGroupBox()
        azure_form = QFormLayout(self.azure_box)
        self.config_radio = QRadioButton("config.json file")
        self.names_radio = QRadioButton("Subscription, resource group and workspace name")
        self.config_radio.setChecked(True)
        self.config_path = QLineEdit()
        self.config_path.setPlaceholderText("config.json downloaded from the Azure portal")
        config_browse = QPushButton("Choose…")
        config_browse.clicked.connect(self._choose_config)
        self.subscription = QLineEdit()
        self.subscription.setPlaceholderText("00000000-0000-0000-0000-000000000000")
        self.subscription_message = message_label()
        self.subscription_message.setStyleSheet(ERROR_STYLE)
        self.resource_group = QLineEdit()
        self.workspace_name = QLineEdit()
        azure_form.addRow(self.config_radio)
        azure_form.addRow("File:", _browse_row(self.config_path, config_browse))
        azure_form.addRow(self.names_radio)
        azure_form.addRow("Subscription ID:", self.subscription)
        azure_form.addRow("", self.subscription_message)
        azure_form.addRow("Resource group:", self.resource_group)
        azure_form.addRow("Workspace name:", self.workspace_name)
        self.sign_in = QComboBox()
        for mode in AUTH_MODES:
            self.sign_in.addItem(AUTH_LABELS[mode], mode)
        default = default_auth_mode()
        if default in AUTH_MODES:
            self.sign_in.setCurrentIndex(AUTH_MODES.index(default))
        self.sign_in.setToolTip(f"Preselected from {AUTH_ENV} or the service-principal variables when set")
        self.remember_sign_in = QCheckBox("Remember sign-in (kept in the system's protected store, never by the app)")
        azure_form.addRow("Sign-in:", self.sign_in)
        azure_form.addRow("", self.remember_sign_in)
        self.azure_note = QLabel()
        self.azure_note.setWordWrap(True)

        self.connect_button = QPushButton("Connect")
        self.connect_button.clicked.connect(self.start_connect)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy.setMaximumHeight(12)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.connect_button)
        row.addWidget(self.busy, 1)
        row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.local_radio)
        layout.addWidget(local_box)
        layout.addWidget(self.azure_radio)
        layout.addWidget(self.azure_box)
        layout.addWidget(self.azure_note)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)

        for radio in (self.local_radio, self.azure_radio, self.config_radio, self.names_radio):
            radio.toggled.connect(self._update_enabled)
        for edit in (self.config_path, self.subscription, self.resource_group, self.workspace_name):
            edit.textChanged.connect(self._inputs_changed)
        self.folder.currentTextChanged.connect(self._inputs_changed)
        self.sign_in.currentIndexChanged.connect(self._update_enabled)
        self._set_azure_availability(azure_available())

    def _set_azure_availability(self, available: bool) -> None:
        self.azure_radio.setEnabled(available)
        self.azure_note.setVisible(not available)
        if not available:
            self.azure_note.setText("Azure ML workspaces are not available in this installation yet; "
                                    "use a local workspace.")
            self.local_radio.setChecked(True)
        self._update_enabled()

    def initializePage(self) -> None:
        wizard = self.wizard()
        recent = wizard.recent_workspaces()
        self.folder.clear()
        local_recent = [r for r in recent if not r.startswith(AZURE_PREFIX)]
        self.folder.addItems(local_recent or [str(default_workspace_dir())])
        current = wizard.location
        if current and current.startswith(AZURE_PREFIX) and self.azure_radio.isEnabled():
            self.azure_radio.setChecked(True)
            self.config_path.setText(current[len(AZURE_PREFIX):])
        elif current:
            self.folder.setCurrentText(current)
        if wizard.backend is not None and current:
            self._connected_location = current
            self._show_connected(wizard.backend)

    @Slot()
    def _update_enabled(self) -> None:
        local = self.local_radio.isChecked()
        self.folder.setEnabled(local)
        self.azure_box.setEnabled(not local)
        by_config = self.config_radio.isChecked()
        self.config_path.setEnabled(by_config)
        for edit in (self.subscription, self.resource_group, self.workspace_name):
            edit.setEnabled(not by_config)
        self.remember_sign_in.setEnabled(self.sign_in.currentData() in REMEMBERED_MODES)
        self._inputs_changed()

    @Slot()
    def _inputs_changed(self) -> None:
        if self._connected_location is not None and self._connected_location != self.location():
            self.status.clear()
        problem = subscription_problem(self.subscription.text().strip()) if self.subscription.isEnabled() else None
        self.subscription_message.setText(problem or "")
        self.subscription_message.setVisible(bool(problem))
        self.completeChanged.emit()

    def location(self) -> str:
        if self.local_radio.isChecked():
            return str(Path(self.folder.currentText().strip()).expanduser()) if self.folder.currentText().strip() else ""
        if self.config_radio.isChecked():
            return AZURE_PREFIX + self.config_path.text().strip()
        return AZURE_PREFIX

    def options(self) -> dict:
        if not self.azure_radio.isChecked():
            return {}
        mode = self.sign_in.currentData()
        sign_in = {"auth": mode, "persist_token_cache": self.remember_sign_in.isChecked() and mode in REMEMBERED_MODES}
        if self.names_radio.isChecked():
            return {"subscription_id": self.subscription.text().strip(),
                    "resource_group": self.resource_group.text().strip(),
                    "workspace_name": self.workspace_name.text().strip(), **sign_in}
        return sign_in

    def input_problem(self) -> str | None:
        """What is missing before connecting can be tried."""
        if self.local_radio.isChecked():
            return None if self.folder.currentText().strip() else "Choose a workspace folder."
        if self.config_radio.isChecked():
            path = self.config_path.text().strip()
            if not path:
                return "Choose the workspace's config.json (Azure portal → workspace → Download config.json)."
            if not Path(path).is_file():
                return f"config.json not found: {path}"
            return None
        names = {k: v for k, v in self.options().items() if k in ("subscription_id", "resource_group", "workspace_name")}
        missing = [n for n, v in names.items() if not v]
        if missing:
            return f"Fill in: {', '.join(missing).replace('_', ' ')}."
        return subscription_problem(names["subscription_id"])

    @Slot()
    def start_connect(self) -> None:
        problem = self.input_problem()
        if problem:
            self._show_failure(problem)
            return
        self._connecting = True
        self.busy.setVisible(True)
        self.connect_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(f"Connecting to {self.location()}…")
        self.wizard().connect_workspace(self.location(), self.options(), self._connected, self._failed,
                                        self._progress)
        self.completeChanged.emit()

    def _done(self) -> None:
        self._connecting = False
        self.busy.setVisible(False)
        self.connect_button.setEnabled(True)
        self.completeChanged.emit()

    @Slot(object)
    def _connected(self, backend) -> None:
        self._done()
        self._connected_location = self.wizard().location
        self._show_connected(backend)
        self.completeChanged.emit()
        if self.wizard().currentPage() is self and getattr(self, "_advance_after_connect", False):
            self._advance_after_connect = False
            if self.isFinalPage() or self.wizard().nextId() == -1:
                self.wizard().accept()
            else:
                self.wizard().next()

    def _show_connected(self, backend) -> None:
        info = backend.describe()
        self.status.setStyleSheet("color: #1e6b30;")
        self.status.setText(f"✓ Connected to {info.get('kind', '')} workspace '{info.get('name', '')}' "
                            f"({info.get('location', '')}).")

    @Slot(str, str)
    def _failed(self, message: str, details: str) -> None:
        self._done()
        self._advance_after_connect = False
        self._show_failure(message)

    def _show_failure(self, message: str) -> None:
        self.status.setStyleSheet("color: #b3261e;")
        self.status.setText(f"✗ {message}")

    @Slot(object, str)
    def _progress(self, fraction, message: str) -> None:
        if message:
            self.status.setText(message)

    def is_connected(self) -> bool:
        return (not self._connecting and self.wizard() is not None and self.wizard().backend is not None
                and self._connected_location == self.location())

    def isComplete(self) -> bool:
        # A workspace the wizard already holds needs no inputs again (one opened by names, or from
        # a config.json elsewhere, leaves none on this page to check).
        return not self._connecting and (self.is_connected() or self.input_problem() is None)

    def validatePage(self) -> bool:
        if self.is_connected():
            return True
        self._advance_after_connect = True
        self.start_connect()
        return False

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose or create a workspace folder", self.folder.currentText())
        if path:
            self.folder.setCurrentText(path)

    def _choose_config(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Azure ML config.json", "", "config.json (*.json)")
        if path:
            self.config_path.setText(path)
