"""Azure ML SDK v1 AutoML vocabulary: tasks, metrics, algorithm names, directions.

Names and value sets follow `azureml.automl.core.shared.constants` so a spec written
here is accepted by `AutoMLConfig` unchanged.
"""
from __future__ import annotations

TASKS = ("classification", "regression", "forecasting")

PRIMARY_METRICS = {
    "classification": (
        "AUC_weighted",
        "accuracy",
        "norm_macro_recall",
        "average_precision_score_weighted",
        "precision_score_weighted",
    ),
    "regression": (
        "normalized_root_mean_squared_error",
        "r2_score",
        "spearman_correlation",
        "normalized_mean_absolute_error",
    ),
    "forecasting": (
        "normalized_root_mean_squared_error",
        "r2_score",
        "normalized_mean_absolute_error",
        "spearman_correlation",
    ),
}

DEFAULT_PRIMARY_METRIC = {
    "classification": "accuracy",
    "regression": "normalized_root_mean_squared_error",
    "forecasting": "normalized_root_mean_squared_error",
}

_AVERAGED = ("macro", "micro", "weighted")

CLASSIFICATION_METRICS = (
    "AUC_macro", "AUC_micro", "AUC_weighted",
    "accuracy", "weighted_accuracy", "balanced_accuracy", "norm_macro_recall",
    "log_loss", "matthews_correlation",
    *(f"f1_score_{a}" for a in _AVERAGED),
    *(f"precision_score_{a}" for a in _AVERAGED),
    *(f"recall_score_{a}" for a in _AVERAGED),
    *(f"average_precision_score_{a}" for a in _AVERAGED),
)

BINARY_ONLY_METRICS = (
    "AUC_binary", "f1_score_binary", "precision_score_binary",
    "recall_score_binary", "average_precision_score_binary",
)

REGRESSION_METRICS = (
    "explained_variance", "r2_score", "spearman_correlation",
    "mean_absolute_percentage_error", "mean_absolute_error", "median_absolute_error",
    "root_mean_squared_error", "root_mean_squared_log_error",
    "normalized_mean_absolute_error", "normalized_median_absolute_error",
    "normalized_root_mean_squared_error", "normalized_root_mean_squared_log_error",
)

SCALAR_METRICS = {
    "classification": CLASSIFICATION_METRICS + BINARY_ONLY_METRICS,
    "regression": REGRESSION_METRICS,
    "forecasting": REGRESSION_METRICS,
}

CLASSIFICATION_MODELS = (
    "LogisticRegression", "SGD", "MultinomialNaiveBayes", "BernoulliNaiveBayes", "SVM",
    "LinearSVM", "KNN", "DecisionTree", "RandomForest", "ExtremeRandomTrees", "LightGBM",
    "GradientBoosting", "TensorFlowDNN", "TensorFlowLinearClassifier", "XGBoostClassifier",
    "AveragedPerceptronClassifier", "TabnetClassifier",
)

REGRESSION_MODELS = (
    "ElasticNet", "GradientBoosting", "DecisionTree", "KNN", "LassoLars", "SGD",
    "RandomForest", "ExtremeRandomTrees", "LightGBM", "TensorFlowLinearRegressor",
    "TensorFlowDNN", "XGBoostRegressor", "FastLinearRegressor",
    "OnlineGradientDescentRegressor", "TabnetRegressor",
)

FORECASTING_MODELS = REGRESSION_MODELS + (
    "AutoArima", "Average", "Arimax", "ExponentialSmoothing", "Naive", "Prophet",
    "SeasonalAverage", "SeasonalNaive", "TCNForecaster",
)

MODELS = {
    "classification": CLASSIFICATION_MODELS,
    "regression": REGRESSION_MODELS,
    "forecasting": FORECASTING_MODELS,
}

# Azure algorithm name -> FLAML estimator names that do the same job on this machine.
LOCAL_LEARNERS = {
    "classification": {
        "LightGBM": ("lgbm",),
        "XGBoostClassifier": ("xgboost", "xgb_limitdepth"),
        "RandomForest": ("rf",),
        "ExtremeRandomTrees": ("extra_tree",),
        "LogisticRegression": ("lrl1", "lrl2"),
        "KNN": ("kneighbor",),
        "SGD": ("sgd",),
        "GradientBoosting": ("histgb",),
    },
    "regression": {
        "LightGBM": ("lgbm",),
        "XGBoostRegressor": ("xgboost", "xgb_limitdepth"),
        "RandomForest": ("rf",),
        "ExtremeRandomTrees": ("extra_tree",),
        "ElasticNet": ("enet",),
        "LassoLars": ("lassolars",),
        "KNN": ("kneighbor",),
        "SGD": ("sgd",),
        "GradientBoosting": ("histgb",),
    },
}
LOCAL_LEARNERS["forecasting"] = LOCAL_LEARNERS["regression"]

# Forecasting's own algorithms the local forecasting engine trains (statistical models per series);
# the regression learners above run over lag, rolling-window and calendar features.
LOCAL_FORECASTERS = ("Naive", "SeasonalNaive", "Average", "SeasonalAverage", "ExponentialSmoothing",
                     "AutoArima", "Arimax", "LightGBM", "XGBoostRegressor", "RandomForest", "ExtremeRandomTrees",
                     "ElasticNet")

# Models Azure itself has deprecated or that would need a deep-learning stack.
REFUSED_MODELS = {"TensorFlowDNN", "TensorFlowLinearClassifier", "TensorFlowLinearRegressor",
                  "TabnetClassifier", "TabnetRegressor", "TCNForecaster"}

ENSEMBLE_ALGORITHMS = ("VotingEnsemble", "StackEnsemble")


def is_minimised(metric: str) -> bool:
    """True when a smaller value of `metric` is better (Azure's MetricObjective)."""
    return metric == "log_loss" or metric.endswith("_error") or metric.startswith("normalized_")


def better(metric: str, a: float, b: float) -> bool:
    """True when value `a` beats value `b` for `metric`."""
    return a < b if is_minimised(metric) else a > b


def local_models(task: str) -> tuple[str, ...]:
    """Azure algorithm names the local engine can train for `task`."""
    if task == "forecasting":
        return LOCAL_FORECASTERS
    return tuple(LOCAL_LEARNERS.get(task, {}))
