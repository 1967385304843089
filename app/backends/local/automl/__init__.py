"""The local AutoML engine: FLAML driven by Azure's AutoMLConfig settings, Azure-format outputs.

Kept import-free on purpose: pickled models reference `app.backends.local.automl.model`
and `.transformer`, and unpickling them must not pull in FLAML.
"""
