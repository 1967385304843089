"""Data guardrails as Azure's studio lists them: Passed / Done / Alerted, and what was done."""
from __future__ import annotations

PASSED, DONE, ALERTED = "Passed", "Done", "Alerted"
IMBALANCE_RATIO = 0.2      # minority class below 20% of the majority class counts as imbalanced


def _rail(name: str, status: str, description: str, details: list | None = None) -> dict:
    return {"name": name, "status": status, "description": description, "details": details or []}


def guardrails(step) -> list[dict]:
    p, plan = step.prepared, step.state.plan
    transformer = step.featurizer[0]
    report = getattr(transformer, "report_", None)
    rails = [_rail("Validation split handling", DONE, f"Validation used {plan.validation_rule}.")]
    if report is None:
        rails.append(_rail("Missing feature values imputation", PASSED,
                           "Featurization is off; the data was checked to have no missing feature values."))
        rails.append(_rail("High cardinality feature detection", PASSED,
                           "Featurization is off; columns were used as given."))
    else:
        imputed, empty = report["imputed"], report["dropped_empty"]
        rails.append(_rail(
            "Missing feature values imputation", DONE if imputed or empty else PASSED,
            "Missing values were imputed." if imputed or empty
            else "No missing feature values were found in the training data.",
            [{"column": col, "missing": info["count"], "imputed_with": info["value"], "how": info["how"]}
             for col, info in imputed.items()]
            + [{"column": col, "missing": "all", "how": "dropped: the column has no values"} for col in empty]))
        dropped, coded = report["dropped_id_like"], report["codes"]
        details = ([{"column": c, "action": "dropped: nearly every value is distinct, like an identifier"} for c in dropped]
                   + [{"column": c, "action": "encoded as ordered codes (too many values to one-hot)"}
                      for c in coded])
        rails.append(_rail("High cardinality feature detection", DONE if details else PASSED,
                           "High-cardinality columns were handled." if details
                           else "No high-cardinality features were detected.", details))
    if p.classes is not None:
        counts = p.class_counts()
        smallest, largest = min(counts.values()), max(counts.values())
        imbalanced = smallest < IMBALANCE_RATIO * largest
        rails.append(_rail(
            "Class balancing detection", ALERTED if imbalanced else PASSED,
            ("The classes are imbalanced (smallest class below 20% of the largest); consider AUC_weighted or "
             "a weight column." if imbalanced else "The classes are balanced enough in the training data."),
            [{"class": c, "rows": n} for c, n in counts.items()]))
    if p.X_test is not None:
        rails.append(_rail("Train-test split", DONE,
                           f"{len(p.y_test)} rows ({plan.settings.test_size:.0%}) were held out and scored once "
                           "on the best model at the end."))
    return rails
