"""The Models view: registered models, predict on a file, register an iteration's model, housekeeping."""
