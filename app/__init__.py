"""AutoML Desk: configure, run, monitor and compare automated-ML pipelines."""
__version__ = "0.1.0"
