"""Small form fields that keep what the user typed, so the core validator can judge it.

Number fields accept any number (negative ones too): refusing keystrokes would hide why a
value is wrong, while the validator's message next to the field says what to do.
"""
from __future__ import annotations

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QLineEdit


class NumberEdit(QLineEdit):
    """A whole number or decimal; empty means "not set" when `optional`."""

    def __init__(self, kind: type = int, optional: bool = True, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.kind, self.optional = kind, optional
        self.setPlaceholderText(placeholder or ("not set" if optional else ""))
        self.setMaximumWidth(160)
        if kind is int:
            self.setValidator(QIntValidator(-10**9, 10**9, self))

    def parse(self) -> tuple[object, str | None]:
        """(value, problem): the typed value, or why it cannot be read."""
        text = self.text().strip()
        if not text:
            return None, (None if self.optional else "is required")
        try:
            return (int(text) if self.kind is int else float(text)), None
        except ValueError:
            word = "a whole number" if self.kind is int else "a number"
            return None, f"enter {word}, not '{text}'"

    def set_value(self, value) -> None:
        self.setText("" if value is None else (str(int(value)) if self.kind is int else _short(value)))


def _short(value) -> str:
    return f"{float(value):g}"


def names_text(names) -> str:
    return ", ".join(str(n) for n in names or [])


def parse_names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]
