"""The Models view: registered model versions, their details, and what to do with them."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)

from app.core.backend import MODEL, Capabilities
from app.core.runs import ModelVersion
from app.ui.registry.deletion import DeletionFlow
from app.ui.registry.model_details import details_html, forecasting_of
from app.ui.registry.models_table import MODEL_ROLE, ModelsProxy, ModelsTableModel
from app.ui.wording import count

NOTE_STYLE = "color: #666;"


def _list_models(backend, sink=None) -> list[ModelVersion]:
    return list(backend.list_models())


class ModelsView(QWidget):
    """Table of model versions over a details pane; Predict, Register iteration, Delete, Refresh."""

    models_loaded = Signal(list)
    """The ModelVersions now shown."""
    register_requested = Signal()
    """The user asked to register an iteration's model."""

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.backend = None
        self.dialogs: dict[str, QWidget] = {}
        self.deletion: DeletionFlow | None = None
        self.pending_selection: tuple[str, int] | None = None
        self.note = ""
        self.model = ModelsTableModel(self)
        self.proxy = ModelsProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by model name")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.predict_button = QPushButton("Predict…")
        self.predict_button.setToolTip("Predict with the selected model version on a CSV or Parquet file")
        self.predict_button.clicked.connect(self.open_predict)
        self.register_button = QPushButton("Register iteration…")
        self.register_button.setToolTip("Register any iteration of a run as a new model version")
        self.register_button.clicked.connect(self.register_requested.emit)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Delete the selected model version and its files")
        self.delete_button.clicked.connect(self.delete_selected)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(7, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _index: self.open_predict())
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.message = QLabel("No workspace open.")
        self.message.setWordWrap(True)
        self.unavailable = QLabel()
        """Says plainly which of the buttons this workspace cannot do, and where to do it instead."""
        self.unavailable.setWordWrap(True)
        self.unavailable.setStyleSheet(NOTE_STYLE)
        self.unavailable.hide()
        self._tips = {button: button.toolTip() for button in
                      (self.predict_button, self.register_button, self.delete_button)}

        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        for button in (self.predict_button, self.register_button, self.delete_button, self.refresh_button):
            bar.addWidget(button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.unavailable)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self._update_buttons()

    # -- data ------------------------------------------------------------------------------------
    def set_backend(self, backend) -> None:
        self.backend = backend
        self.deletion = None
        if backend is not None:
            self.deletion = DeletionFlow(self, backend, self.runner)
            self.deletion.deleted.connect(self._deleted)
            self.deletion.failed.connect(self.message.setText)
        self.model.set_models([])
        self.details.clear()
        self._show_unavailable()
        self.refresh()

    @property
    def capabilities(self) -> Capabilities:
        return self.backend.capabilities if self.backend is not None else Capabilities()

    def _allowed(self) -> dict[QPushButton, tuple[bool, str]]:
        """Per action button: (can this workspace do it, the capability's name)."""
        caps = self.capabilities
        return {self.predict_button: (caps.predict, "predict"),
                self.register_button: (caps.register_iteration, "register_iteration"),
                self.delete_button: (MODEL in caps.delete, "delete")}

    def _show_unavailable(self) -> None:
        caps = self.capabilities
        off = [(button.text().rstrip("…"), caps.why_not(name)) for button, (ok, name) in self._allowed().items()
               if not ok]
        self.unavailable.setText("<br>".join(f"<b>{what}</b> is not available on this workspace: {why}"
                                             for what, why in off))
        self.unavailable.setVisible(self.backend is not None and bool(off))

    @Slot()
    def refresh(self) -> None:
        if self.backend is None:
            self.message.setText("No workspace open.")
            self._update_buttons()
            return
        self.message.setText("Loading models…")
        self.runner.start(_list_models, self.backend, on_result=self._loaded,
                          on_failed=lambda message, _details: self.message.setText(message))

    def _loaded(self, models: list[ModelVersion]) -> None:
        selected = self.selected_model()
        wanted = self.pending_selection or ((selected.name, selected.version) if selected else (None, None))
        self.pending_selection = None
        self.model.set_models(models)
        text = (count(len(models), "model version") if models else
                "No models registered yet: a pipeline with a register step adds one.")
        self.message.setText(f"{self.note} {text}" if self.note else text)
        self.note = ""
        self.select(*wanted)
        self.models_loaded.emit(models)

    # -- selection -------------------------------------------------------------------------------
    def selected_model(self) -> ModelVersion | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(MODEL_ROLE) if rows else None

    def select(self, name: str | None, version: int | None = None) -> None:
        """Select a model version (the newest shown when `name` is None and nothing was selected)."""
        for row in range(self.proxy.rowCount()):
            m = self.proxy.index(row, 0).data(MODEL_ROLE)
            if name is None or (m.name == name and (version is None or m.version == version)):
                self.view.selectRow(row)
                return
        self._selection_changed()

    @Slot()
    def _selection_changed(self, *_args) -> None:
        m = self.selected_model()
        self.details.setHtml(details_html(m) if m else "<p style='color:#666'>Select a model version.</p>")
        self._update_buttons()
        if m is not None and m.task == "forecasting" and m.run_id and self.backend is not None:
            self.runner.start(forecasting_of, self.backend, m.run_id,
                              on_result=lambda found, m=m: self._forecasting_known(m, found))

    def _forecasting_known(self, m: ModelVersion, forecasting: dict) -> None:
        if self.selected_model() == m:          # still the one shown
            self.details.setHtml(details_html(m, forecasting))

    def _update_buttons(self) -> None:
        chosen = self.selected_model() is not None
        for button, (allowed, name) in self._allowed().items():
            allowed = allowed and self.backend is not None
            button.setEnabled(allowed and (chosen or button is self.register_button))
            button.setToolTip(self._tips[button] if allowed or self.backend is None
                              else self.capabilities.why_not(name))
        self.refresh_button.setEnabled(self.backend is not None)

    # -- actions ---------------------------------------------------------------------------------
    def show_dialog(self, key: str, make):
        """One live dialog per kind: an idle old one is replaced, a busy one is shown again."""
        old = self.dialogs.get(key)
        if old is not None and getattr(old, "handle", None) is not None:
            old.raise_()
            return old
        if old is not None:
            old.deleteLater()
        dialog = self.dialogs[key] = make()
        dialog.show()
        return dialog

    @Slot()
    def open_predict(self):
        from app.ui.registry.predict_dialog import PredictDialog

        m = self.selected_model()
        if m is None or not self.capabilities.predict:
            return None
        return self.show_dialog("predict", lambda: PredictDialog(self.backend, m, self.runner, self))

    @Slot()
    def delete_selected(self) -> None:
        m = self.selected_model()
        if m is not None and self.deletion is not None and MODEL in self.capabilities.delete:
            self.deletion.delete_model(m.name, m.version)

    def _deleted(self, result: dict) -> None:
        self.note = "Deleted " + ", ".join(result["models"]) + "."
        self.refresh()
