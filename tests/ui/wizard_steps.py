"""Click-through helpers shared by the wizard tests (each waits on a condition, never sleeps)."""
from __future__ import annotations

from app.core.spec import PipelineSpec, RegisterSpec
from app.ui.wizard import wizard as w

from tests.ui.clicks import click_next


def titanic_spec(**automl) -> PipelineSpec:
    """A small Titanic spec on dataset titanic_ds; `automl` overrides AutoML settings."""
    spec = PipelineSpec(experiment="titanic_automl", dataset="titanic_ds", register=RegisterSpec(),
                        parameters={"model_name": "TitanicModel"})
    spec.automl.label_column_name = "Survived"
    spec.automl.iterations = 4
    for key, value in automl.items():
        setattr(spec.automl, key, value)
    return spec


def connect_local(qtbot, wizard, folder: str) -> None:
    page = wizard.currentPage()
    page.local_radio.setChecked(True)
    page.folder.setCurrentText(folder)
    click_next(qtbot, wizard, w.PAGE_DATASET)


def register_dataset(qtbot, wizard, path: str, name: str = "titanic_ds"):
    page = wizard.page(w.PAGE_DATASET)
    dialog = page.open_register_dialog()
    dialog.add_sources([path])
    dialog.name.setText(name)
    return dialog


def register_and_pick(qtbot, wizard, path: str, label: str, name: str = "titanic_ds") -> None:
    page = wizard.page(w.PAGE_DATASET)
    dialog = register_dataset(qtbot, wizard, path, name)
    qtbot.waitUntil(dialog.register_button.isEnabled, timeout=10_000)
    dialog.register_button.click()
    qtbot.waitUntil(lambda: page.preview.sample is not None and page.label.count() > 1, timeout=20_000)
    page.choose_label(label)
    qtbot.waitUntil(page.isComplete, timeout=20_000)


def go_next(qtbot, wizard, page_id: int, complete: bool = True) -> None:
    click_next(qtbot, wizard, page_id)
    if complete:
        qtbot.waitUntil(wizard.currentPage().isComplete, timeout=10_000)


def set_budget(wizard, iterations: str = "4", timeout_minutes: str = "1") -> None:
    page = wizard.page(w.PAGE_AUTOML)
    page.numbers["iterations"].setText(iterations)
    page.numbers["iteration_timeout_minutes"].setText("")
    page.timeout_unit.setCurrentText("minutes")
    page.timeout.setText(timeout_minutes)
    page.numbers["n_cross_validations"].setText("")


def walk_to(qtbot, wizard, folder: str, page_id: int) -> None:
    """From the workspace page to `page_id`, on a backend that already holds the spec's dataset."""
    connect_local(qtbot, wizard, folder)
    qtbot.waitUntil(wizard.currentPage().isComplete, timeout=20_000)
    for next_id in range(w.PAGE_COMPUTE, page_id + 1):
        click_next(qtbot, wizard, next_id)


def window_on_new_workspace(qtbot, ui_settings, folder: str):
    """The main window, shown at a working size, connected to a new local workspace at `folder`."""
    from app.ui.main_window import MainWindow

    window = MainWindow(ui_settings)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    window.connect_workspace(folder)
    qtbot.waitUntil(lambda: window.backend is not None, timeout=20_000)
    return window
