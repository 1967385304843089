"""The task a label column's values imply."""
from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.label_profile import infer_task


def test_a_small_table_of_distinct_decimal_values_is_regression():
    sales = pd.Series(np.linspace(100.5, 160.3, 48).round(3), name="sales")
    assert infer_task(sales) == ("regression", "sales has 48 distinct decimal values")


def test_a_few_decimal_grades_stay_classes():
    grade = pd.Series(np.tile([1.0, 1.5, 2.0, 2.5, 3.0], 10), name="grade")
    assert infer_task(grade) == ("classification", "grade has 5 distinct values")


def test_a_class_list_of_decimals_in_a_large_table_stays_classes():
    size = pd.Series(np.tile(np.arange(30) / 2 + 0.25, 40), name="size")
    assert infer_task(size)[0] == "classification"


def test_many_decimal_values_are_regression_however_many_the_rows():
    price = pd.Series(np.random.default_rng(0).normal(100, 10, 5000).round(2), name="price")
    assert infer_task(price)[0] == "regression"
