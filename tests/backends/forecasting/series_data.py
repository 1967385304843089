"""Small synthetic series tables for the forecasting tests."""
from __future__ import annotations

import numpy as np
import pandas as pd


def sales_table(periods: int = 60, stores=("A", "B"), freq: str = "MS", seed: int = 0) -> pd.DataFrame:
    """Monthly sales per store: trend, a yearly season and noise, plus a promo covariate."""
    rng = np.random.default_rng(seed)
    rows = []
    for n, store in enumerate(stores):
        level = 100.0 * (n + 1)
        for i, t in enumerate(pd.date_range("2015-01-01", periods=periods, freq=freq)):
            value = level + 0.8 * i + 0.1 * level * np.sin(2 * np.pi * i / 12) + rng.normal(0, 1)
            rows.append({"month": t.strftime("%Y-%m-%d"), "store": store, "promo": float(i % 4 == 0),
                         "sales": round(value, 3)})
    return pd.DataFrame(rows)
