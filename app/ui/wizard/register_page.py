"""Page 6: register the best model under a name given as the `model_name` pipeline parameter."""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit

from app.core.spec import PARAM_REF, RegisterSpec
from app.ui.wizard.base import SpecPage
from app.ui.wizard.names import MODEL_PARAMETER as PARAMETER
from app.ui.wizard.names import model_name_for


class RegistrationPage(SpecPage):
    prefixes = ("register", "parameters")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Model registration")
        self.setSubTitle("After the search, the best model can be registered as a new version of a named model.")
        self.enabled = QCheckBox("Register the best model")
        self.model_name = QLineEdit()
        self.model_name.setPlaceholderText("e.g. TitanicSurvivalInitial")
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow("Model name:", self.model_name)
        form.addRow("", self.messages.add("register"))
        form.addRow("", self.messages.add("parameters"))
        note = QLabel(f"The name is the pipeline parameter <code>{PARAMETER}</code>: this is its default, and "
                      "each submission can override it. Registering again makes a new version of the model.")
        note.setWordWrap(True)
        form.addRow(note)
        self.enabled.toggled.connect(self._sync)
        self.model_name.textChanged.connect(self._sync)
        self._loading = False

    def initializePage(self) -> None:
        spec = self.spec
        self._loading = True
        self.enabled.setChecked(spec.register is not None)
        name = spec.parameters.get(PARAMETER)
        if spec.register is not None and not PARAM_REF.match(str(spec.register.model_name)):
            name = spec.register.model_name
        self.model_name.setText(str(name or model_name_for(spec.dataset_name)))
        self._loading = False
        self._sync()

    @Slot()
    def _sync(self, *_) -> None:
        if self._loading:
            return
        spec = self.spec
        on = self.enabled.isChecked()
        self.model_name.setEnabled(on)
        if on:
            old = spec.register or RegisterSpec()
            spec.register = RegisterSpec(f"${{{PARAMETER}}}", old.allow_reuse, old.compute)
            spec.parameters[PARAMETER] = self.model_name.text().strip()
        else:
            spec.register = None
            spec.parameters.pop(PARAMETER, None)
        self.revalidate()
