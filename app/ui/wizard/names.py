"""Names a new pipeline takes from its dataset: `<dataset>_automl` and `<dataset>_model`.

A name the user typed (or that came with an opened or cloned spec) is kept; a name still
equal to the one derived from the previous dataset, or empty, follows the dataset chosen.
"""
from __future__ import annotations

MODEL_PARAMETER = "model_name"


def dataset_base(dataset_name: str) -> str:
    """The dataset name without the conventional `_ds` suffix (`titanic_ds` -> `titanic`)."""
    return dataset_name.removesuffix("_ds") or "automl"


def experiment_for(dataset_name: str) -> str:
    return f"{dataset_base(dataset_name)}_automl"


def model_name_for(dataset_name: str) -> str:
    return f"{dataset_base(dataset_name)}_model"


def follow_dataset(spec, previous_dataset_name: str) -> None:
    """Re-derive the experiment and model names that were derived from `previous_dataset_name`."""
    new = spec.dataset_name
    if not new:
        return
    old_derived = {"", experiment_for(previous_dataset_name)} if previous_dataset_name else {""}
    if spec.experiment in old_derived:
        spec.experiment = experiment_for(new)
    if spec.register is not None:
        old_models = {"", model_name_for(previous_dataset_name)} if previous_dataset_name else {""}
        if str(spec.parameters.get(MODEL_PARAMETER, "") or "") in old_models:
            spec.parameters[MODEL_PARAMETER] = model_name_for(new)
