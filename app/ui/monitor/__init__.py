"""The run monitor: runs browser, live run view, charts, compare view, metrics-file viewer.

`install_monitor(window)` (in `integration`) wires all of it into the main window.
"""
