"""The "Start" tab: what to do first, and the recent specs."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget


class StartPage(QWidget):
    spec_chosen = Signal(str)
    """A recent spec was double-clicked; its path."""
    new_requested = Signal()
    """New pipeline… was pressed."""
    open_requested = Signal()
    """Open spec… was pressed."""
    switch_requested = Signal()
    """Switch workspace… was pressed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        title = QLabel("<h2>AutoML Desk</h2>"
                       "<p>Build a pipeline — data preparation → AutoML → model registration — "
                       "and run it on this machine or on Azure ML.</p>")
        title.setWordWrap(True)
        self.new_button = QPushButton("New pipeline…")
        self.new_button.setDefault(True)
        # clicked(bool) would hand its `checked` flag to a slot with an optional argument: re-emit bare signals
        self.new_button.clicked.connect(lambda _checked=False: self.new_requested.emit())
        self.open_button = QPushButton("Open spec…")
        self.open_button.clicked.connect(lambda _checked=False: self.open_requested.emit())
        self.switch_button = QPushButton("Switch workspace…")
        self.switch_button.clicked.connect(lambda _checked=False: self.switch_requested.emit())
        buttons = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.switch_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.recent = QListWidget()
        self.recent.itemActivated.connect(lambda item: self.spec_chosen.emit(item.text()))
        self.recent.setMaximumHeight(180)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(QLabel("Recent pipeline specs (double-click to edit):"))
        layout.addWidget(self.recent)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        self.recent.addItems(paths)
