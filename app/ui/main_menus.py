"""The main window's menus and actions, with standard shortcuts (no logic here)."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

MENU_NAMES = ("File", "Workspace", "Run", "View", "Help")


def _action(window, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(window) -> tuple[dict, dict]:
    """Create the menu bar; return (menus by name, actions by key)."""
    bar = window.menuBar()
    menus = {name: bar.addMenu(f"&{name}") for name in MENU_NAMES}
    std = QKeySequence.StandardKey
    f, w, r, h = menus["File"], menus["Workspace"], menus["Run"], menus["Help"]
    actions = {
        "new": _action(window, f, "&New pipeline…", window.new_pipeline, std.New, "Set up a pipeline step by step"),
        "open": _action(window, f, "&Open spec…", window.open_spec_dialog, std.Open, "Edit a saved pipeline spec"),
        "save": _action(window, f, "&Save spec", window.save_spec, std.Save),
        "save_as": _action(window, f, "Save spec &as…", window.save_spec_as, std.SaveAs),
    }
    window.recent_menu = f.addMenu("&Recent")
    window.recent_menu.aboutToShow.connect(window.refresh_recent)     # a spec deleted since the last look goes
    f.addSeparator()
    actions["export"] = _action(window, f, "&Export Python script…", window.export_script,
                                tip="Write the equivalent Azure ML SDK v1 script")
    f.addSeparator()
    actions["quit"] = _action(window, f, "&Quit", window.close, std.Quit)
    actions["switch"] = _action(window, w, "&Switch…", window.switch_workspace, "Ctrl+Shift+W")
    actions["datasets"] = _action(window, w, "&Datasets", window.show_datasets, "Ctrl+Shift+D")
    actions["computes"] = _action(window, w, "&Computes", window.show_computes)
    actions["submit"] = _action(window, r, "&Submit", window.submit_current, "Ctrl+Return",
                                "Submit the current pipeline spec")
    actions["cancel"] = _action(window, r, "&Cancel", window.cancel_current, "Ctrl+.",
                                "Cancel the submission or the latest active run")
    actions["about"] = _action(window, h, "&About AutoML Desk", window.show_about)
    actions["logs"] = _action(window, h, "Open &log folder", window.open_log_folder)
    actions["diagnostics"] = _action(window, h, "&Copy diagnostics", window.copy_diagnostics)
    return menus, actions
