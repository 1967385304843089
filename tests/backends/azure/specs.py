"""Specs the offline graph tests build, and building one on the offline workspace."""
from __future__ import annotations

from app.core.spec import copy_spec, load_spec
from app.locator import example_spec, step_scripts_dir

ALLOWED = ["LightGBM", "XGBoostClassifier", "LogisticRegression"]


def titanic_on_azure():
    spec = load_spec(example_spec())
    spec.compute = "cpu-cluster"
    spec.automl.allowed_models = list(ALLOWED)
    return spec


def forecasting_on_azure():
    spec = copy_spec(titanic_on_azure())
    spec.data_prep = None
    spec.automl.task = "forecasting"
    spec.automl.primary_metric = "normalized_root_mean_squared_error"
    spec.automl.label_column_name = "sales"
    spec.automl.allowed_models = ["LightGBM", "SeasonalNaive", "ExponentialSmoothing"]
    spec.automl.forecasting = {"time_column_name": "month", "forecast_horizon": 12, "freq": "MS",
                               "time_series_id_column_names": ["store"], "target_lags": [1, 12],
                               "target_rolling_window_size": 3, "country_or_region_for_holidays": "US",
                               "cv_step_size": 2}
    return spec


def build(offline, spec, step_scripts=None, computes=("cpu-cluster",)):
    from app.backends.azure.pipeline import build_pipeline

    ws = offline.OfflineWorkspace(computes=computes)
    with offline.offline_pipeline_patches():
        return build_pipeline(spec, ws, offline.registered_dataset(ws), offline.blob_datastore(ws),
                              ws.compute_targets, step_scripts=step_scripts or step_scripts_dir())
