"""What every wizard page shares: the spec being edited, and problems shown next to fields.

The core validator (`validate_spec`, plus `Backend.validate` at submit) is the only judge of
settings; a page shows the problems whose paths it owns and is complete when none is an error.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWizardPage

from app.core.spec import PipelineSpec, Problem
from app.core.validation import validate_spec
from app.ui.styles import ERROR_STYLE, TODO_STYLE, WARNING_STYLE
from app.ui.wording import field_name, readable

REQUIRED = "is required"
# A field still to fill, said in the page's terms: the core's advice names what to type in a spec.
TODO_ADVICE = {
    "dataset": "is required; choose one from the list, or add a file with Register new…",
    "automl.label_column_name": "is required; choose the column to predict",
}


def is_todo(problem: Problem) -> bool:
    """A field not filled in yet: something to do, not a mistake (so it is not shown in red)."""
    return problem.level == "error" and problem.message.startswith(REQUIRED)


def worded(problem: Problem, own_label: bool) -> str:
    """The problem as the user reads it: named by the field's label, with no spec keys or learner codes."""
    text = TODO_ADVICE.get(problem.path, readable(problem.message)) if is_todo(problem) else readable(problem.message)
    if is_todo(problem) or not own_label:
        text = f"{field_name(problem.path)} {text}" if is_todo(problem) else f"{field_name(problem.path)}: {text}"
    return text


def message_label() -> QLabel:
    """A label under a field that shows that field's problem (hidden while there is none)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setProperty("role", "field-message")
    return label


def owns(prefix: str, path: str) -> bool:
    """True when `path` is `prefix` or inside it; the empty prefix owns every path."""
    return not prefix or path == prefix or path.startswith(prefix + ".")


class FieldMessages:
    """Routes problems to the label of the field whose path they name; the rest to `general`."""

    def __init__(self, general: QLabel | None = None):
        self._labels: dict[str, QLabel] = {}
        self.general = general

    def add(self, path: str, label: QLabel | None = None) -> QLabel:
        label = label or message_label()
        self._labels[path] = label
        return label

    def label_for(self, path: str) -> QLabel | None:
        best = max((p for p in self._labels if owns(p, path)), key=len, default=None)
        return self._labels.get(best) if best is not None else None

    def show(self, problems: list[Problem]) -> None:
        texts: dict[int, list[tuple[str, str]]] = {}
        targets: dict[int, QLabel] = {}
        for problem in problems:
            label = self.label_for(problem.path) or self.general
            if label is None:
                continue
            level = "todo" if is_todo(problem) else problem.level
            targets[id(label)] = label
            texts.setdefault(id(label), []).append((level, worded(problem, problem.path in self._labels)))
        for label in set(self._labels.values()) | ({self.general} if self.general else set()):
            lines = texts.get(id(label))
            label.setVisible(bool(lines))
            if lines:
                levels = {level for level, _ in lines}
                label.setStyleSheet(ERROR_STYLE if "error" in levels else WARNING_STYLE if "warning" in levels
                                    else TODO_STYLE)
                label.setText("\n".join(("⚠ " if level == "warning" else "") + text for level, text in lines))

    def text(self, path: str) -> str:
        label = self._labels.get(path)
        return label.text() if label is not None and label.isVisible() else ""


class SpecPage(QWizardPage):
    """A page that edits part of the wizard's spec; `prefixes` are the spec paths it owns."""

    prefixes: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.messages = FieldMessages()
        self.problems: list[Problem] = []

    @property
    def spec(self) -> PipelineSpec:
        return self.wizard().spec

    @property
    def backend(self):
        return self.wizard().backend

    @property
    def target(self) -> str:
        backend = self.backend
        return backend.capabilities.validation_target if backend is not None else "local"

    def extra_problems(self) -> list[Problem]:
        """Problems a page finds itself (e.g. a field that does not parse) before the core validator."""
        return []

    def revalidate(self) -> None:
        if self.wizard() is None:
            return
        found = validate_spec(self.spec, self.target) + list(getattr(self.wizard(), "refused", lambda: [])())
        self.problems = self.extra_problems() + [p for p in found if any(owns(x, p.path) for x in self.prefixes)]
        self.messages.show(self.problems)
        self.completeChanged.emit()

    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    def isComplete(self) -> bool:
        return not self.has_errors()
