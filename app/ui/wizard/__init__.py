"""The setup wizard: workspace, dataset, compute, data prep, AutoML settings, registration, review."""
