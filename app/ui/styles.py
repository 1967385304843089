"""Colours of messages, one set for every window: errors red, warnings amber, to-dos muted."""
from __future__ import annotations

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"
TODO_STYLE = "color: palette(placeholder-text);"
