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


SHOP_SPEC = """
experiment: footfall_forecast
dataset: shop_ds
automl:
  task: forecasting
  label_column_name: sales
  iterations: 4
  experiment_timeout_minutes: 5
  allowed_models: [Naive, SeasonalNaive, ElasticNet]
  n_cross_validations: 2
  forecasting:
    time_column_name: month
    forecast_horizon: 6
    features_unknown_at_forecast_time: [FEATURES]
register:
  model_name: ShopForecast
"""


def shop_table(periods: int = 60) -> pd.DataFrame:
    """One monthly series whose only covariate (footfall) is known only after the fact."""
    i = np.arange(periods)
    sales = 200 + 1.5 * i + 20 * np.sin(2 * np.pi * i / 12) + np.random.default_rng(3).normal(0, 2, periods)
    return pd.DataFrame({"month": pd.date_range("2016-01-01", periods=periods, freq="MS").strftime("%Y-%m-%d"),
                         "sales": sales.round(2), "footfall": (10 * sales + 7).round(1)})


def shop_workspace(root, horizon: int = 6) -> None:
    """A workspace at root/ws where the command line has registered shop_ds and trained ShopForecast:1,
    which forecasts `horizon` months after 2020-12 from the time column alone."""
    from app.cli import main

    shop_table().to_csv(root / "shop.csv", index=False)
    assert main(["--workspace", str(root / "ws"), "datasets", "register", "shop_ds", str(root / "shop.csv")]) == 0
    spec = root / "spec.yaml"
    spec.write_text(SHOP_SPEC.replace("FEATURES", "footfall").replace("forecast_horizon: 6", f"forecast_horizon: {horizon}"),
                    encoding="utf-8")
    assert main(["--workspace", str(root / "ws"), "run", str(spec)]) == 0
