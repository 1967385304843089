"""The local engine for task: forecasting (rolling-origin validation over time series)."""
