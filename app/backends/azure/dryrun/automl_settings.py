"""The local engine's settings, read back from the built AutoMLConfig (not from the spec).

So the dry run trains with what the SDK made of the spec: its unit conversions
(`experiment_timeout_hours` -> `experiment_timeout_minutes`), its defaults, and the
ForecastingParameters object.
"""
from __future__ import annotations

import dataclasses

from app.core.spec import AutoMLSettings
from app.core.forecasting import KEYS as FORECASTING_KEYS

STEP_KEYS = {"allow_reuse", "compute", "local", "forecasting", "task"}
ENGINE_KEYS = tuple(f.name for f in dataclasses.fields(AutoMLSettings) if f.name not in STEP_KEYS)


def forecasting_values(parameters) -> dict | None:
    """A ForecastingParameters object as the spec's `forecasting:` names, defaults left out."""
    if parameters is None:
        return None
    from azureml.automl.core.forecasting_parameters import ForecastingParameters

    defaults = ForecastingParameters(time_column_name="_", validate_parameters=False)
    values = {}
    for key in FORECASTING_KEYS:
        value = getattr(parameters, key, None)
        if value is not None and (key == "time_column_name" or value != getattr(defaults, key, None)):
            values[key] = value
    return values


def engine_settings(automl_config) -> dict:
    """The AutoMLSettings names the local engine reads, from `automl_config.user_settings`."""
    user = automl_config.user_settings
    forecasting = forecasting_values(user.get("forecasting_parameters"))
    settings = {key: user[key] for key in ENGINE_KEYS if user.get(key) is not None}
    # For forecasting the SDK sets n_cross_validations='auto' (the service chooses); the local
    # engine's own default stands in for that choice.
    if settings.get("n_cross_validations") == "auto":
        del settings["n_cross_validations"]
    settings["task"] = "forecasting" if forecasting or user.get("is_timeseries") else user["task_type"]
    if forecasting:
        settings["forecasting"] = forecasting
    return settings
