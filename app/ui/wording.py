"""Small wording helpers for counts shown to the user ("1 run", "3 runs")."""
from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number it needs: count(1, "run") -> "1 run"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
