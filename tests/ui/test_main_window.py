"""The main window shell: contract for the monitor, settings, submit/cancel/failure paths, closing."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QTabWidget

from app.core import runs
from app.core.spec import save_spec
from app.ui import main_window as mw
from app.ui.workers import JobRunner

from .wizard_steps import titanic_spec


@pytest.fixture
def window(qtbot, ui_settings, fake_backend, monkeypatch):
    win = mw.MainWindow(ui_settings, open_backend=lambda location, **o: fake_backend, with_monitor=False)
    qtbot.addWidget(win)
    # pytest-qt closes the window before this fixture's teardown: a test that failed with a run
    # still active would otherwise wait forever on the "Runs still active" question.
    monkeypatch.setattr(win, "ask_about_active_runs", lambda run_ids: mw.CLOSE_KEEP)
    win.show()
    yield win
    win.run_control.set_backend(None)  # closing must not stop on the "runs still active" question


@pytest.fixture
def connected(qtbot, window, fake_backend, titanic_csv):
    fake_backend.register_dataset("titanic_ds", [titanic_csv])
    with qtbot.waitSignal(window.workspace_changed, timeout=10_000):
        window.connect_workspace("/somewhere")
    return window


def test_exposes_what_the_monitor_needs(window):
    assert isinstance(window.central_tabs, QTabWidget)
    assert set(window.menus) == {"File", "Workspace", "Run", "View", "Help"}
    assert all(isinstance(m, QMenu) for m in window.menus.values())
    assert isinstance(window.runner, JobRunner)
    assert window.backend is None
    texts = [a.text() for a in window.menus["File"].actions()]
    assert "&New pipeline…" in texts and "&Quit" in texts


def test_status_bar_shows_workspace(connected, fake_backend):
    assert connected.backend is fake_backend
    assert "fake" in connected.workspace_label.text()
    assert "connected" in connected.connection_label.text()


def test_failed_connection_is_reported(qtbot, ui_settings):
    def refuse(location, **options):
        from app.core.errors import UserInputError
        raise UserInputError("folder is not writable; choose another")

    win = mw.MainWindow(ui_settings, open_backend=refuse, with_monitor=False)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.reporter.reported, timeout=10_000) as report:
        win.connect_workspace("/nope")
    assert "not writable" in report.args[0]
    assert "not connected" in win.connection_label.text()


def test_submit_run_and_follow_it(qtbot, connected, fake_backend):
    connected.spec = titanic_spec()
    with qtbot.waitSignal(connected.run_submitted, timeout=10_000) as submitted:
        connected.submit_current()
    run_id = submitted.args[0]
    qtbot.waitUntil(lambda: connected.run_control.statuses.get(run_id) == runs.COMPLETED, timeout=10_000)
    assert "Completed" in connected.run_label.text()


def test_refused_spec_shows_the_problem(qtbot, connected, fake_backend):
    connected.spec = titanic_spec(iterations=-1)
    with qtbot.waitSignal(connected.reporter.reported, timeout=10_000) as report:
        connected.submit_current()
    assert "automl.iterations: must be at least 1" in report.args[0]
    assert fake_backend.submitted == []


def test_failed_run_shows_log_tail(qtbot, connected, fake_backend):
    fake_backend.script = [runs.QUEUED, runs.RUNNING, runs.FAILED]
    connected.spec = titanic_spec()
    with qtbot.waitSignal(connected.reporter.reported, timeout=15_000) as report:
        connected.submit_current()
    message, details = report.args
    assert "label has NaN" in message and "ValueError: label has NaN" in details
    assert "label has NaN" in connected.reporter.last_dialog.detailedText()


def test_cancel_action_cancels_active_run(qtbot, connected, fake_backend):
    fake_backend.script = [runs.QUEUED, runs.RUNNING]
    connected.spec = titanic_spec()
    with qtbot.waitSignal(connected.run_submitted, timeout=10_000) as submitted:
        connected.submit_current()
    connected.actions["cancel"].trigger()
    qtbot.waitUntil(lambda: fake_backend.cancelled == [submitted.args[0]], timeout=10_000)
    qtbot.waitUntil(lambda: connected.run_control.statuses[submitted.args[0]] == runs.CANCELED, timeout=10_000)


def test_cancel_pressed_the_moment_the_run_is_submitted_cancels_the_run(qtbot, connected, fake_backend):
    fake_backend.script = [runs.QUEUED, runs.RUNNING]
    connected.spec = titanic_spec()
    connected.run_submitted.connect(lambda _run_id: connected.actions["cancel"].trigger())
    with qtbot.waitSignal(connected.run_submitted, timeout=10_000) as submitted:
        connected.submit_current()
    qtbot.waitUntil(lambda: fake_backend.cancelled == [submitted.args[0]], timeout=10_000)


@pytest.mark.parametrize("decision, cancelled, closed", [(mw.CLOSE_CANCEL, True, True),
                                                         (mw.CLOSE_KEEP, False, True),
                                                         (mw.CLOSE_STAY, False, False)])
def test_closing_during_a_run_asks(qtbot, connected, fake_backend, monkeypatch, decision, cancelled, closed):
    fake_backend.script = [runs.QUEUED, runs.RUNNING]
    connected.spec = titanic_spec()
    with qtbot.waitSignal(connected.run_submitted, timeout=10_000) as submitted:
        connected.submit_current()
    asked = []
    monkeypatch.setattr(connected, "ask_about_active_runs", lambda ids: asked.append(ids) or decision)
    connected.close()
    assert asked == [[submitted.args[0]]]
    assert (fake_backend.cancelled == [submitted.args[0]]) is cancelled
    assert connected.isVisible() is not closed
    if closed:
        assert connected.runner.running() == 0
    else:
        connected.run_control.set_backend(None)  # nothing left to ask about when the test closes it


def test_active_runs_are_followed_again_on_open(qtbot, window, fake_backend):
    run_id = fake_backend.submit(titanic_spec_with_data(fake_backend))
    fake_backend.runs[run_id].status = runs.RUNNING
    with qtbot.waitSignal(window.run_submitted, timeout=10_000) as resumed:
        window.connect_workspace("/somewhere")
    assert resumed.args == [run_id]
    assert run_id in window.run_control.active_runs()
    window.run_control.set_backend(None)


def titanic_spec_with_data(backend):
    from app.locator import sample_dataset
    backend.register_dataset("titanic_ds", [str(sample_dataset())])
    return titanic_spec()


def test_geometry_and_recent_specs_persist(qtbot, ui_settings, fake_backend, tmp_path):
    path = tmp_path / "titanic.yaml"
    save_spec(titanic_spec(), path)
    first = mw.MainWindow(ui_settings, open_backend=lambda location, **o: fake_backend, with_monitor=False)
    qtbot.addWidget(first)
    first.show()
    first.resize(640, 480)
    wizard = first.open_spec(str(path))
    assert wizard.spec.automl.label_column_name == "Survived"
    first.close()
    second = mw.MainWindow(ui_settings, open_backend=lambda location, **o: fake_backend, with_monitor=False)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (640, 480)
    assert [a.text() for a in second.recent_menu.actions()] == [str(path)]
    assert second.start_page.recent.item(0).text() == str(path)


def test_bad_spec_file_is_reported(qtbot, window, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("automl: {iterations: many}\n")
    with qtbot.waitSignal(window.reporter.reported, timeout=5_000) as report:
        assert window.open_spec(str(bad)) is None
    assert "automl.iterations" in report.args[0]


def test_save_spec_writes_yaml(connected, tmp_path):
    connected.spec = titanic_spec()
    connected.save_spec_to(str(tmp_path / "out.yaml"))
    assert "label_column_name: Survived" in (tmp_path / "out.yaml").read_text()


def test_copy_diagnostics(connected):
    from PySide6.QtGui import QGuiApplication

    text = connected.copy_diagnostics()
    assert "AutoML Desk" in text and "fake" in text
    assert QGuiApplication.clipboard().text() == text


def test_excepthook_reports_uncaught_errors(qtbot, window):
    from app.ui.reporter import install_excepthook

    install_excepthook(window.reporter)
    try:
        with qtbot.waitSignal(window.reporter.reported, timeout=5_000) as report:
            try:
                raise ValueError("boom in a slot")
            except ValueError:
                sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    assert "boom in a slot" in report.args[0] and "Traceback" in report.args[1]


def test_datasets_dialog_lists_and_previews(qtbot, connected):
    dialog = connected.show_datasets()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10_000)
    dialog.tree.topLevelItem(0).setSelected(True)
    qtbot.waitUntil(lambda: dialog.preview.sample is not None, timeout=10_000)
    assert "Survived" in dialog.preview.sample.columns
    dialog.close()


def test_switch_workspace_adopts_the_new_backend(qtbot, connected, tmp_path, make_fake_backend):
    other = make_fake_backend(name="other")
    connected.open_backend = lambda location, **o: other
    connected.switch_workspace()
    dialog = connected._dialogs["switch"]
    dialog.page_workspace.folder.setCurrentText(str(tmp_path / "other"))
    with qtbot.waitSignal(connected.workspace_changed, timeout=10_000) as changed:
        dialog.button(dialog.WizardButton.FinishButton).click()  # connects, then opens
    assert changed.args == [other] and connected.backend is other
    assert "other" in connected.workspace_label.text()


def test_recent_specs_offer_only_files_still_there(qtbot, ui_settings, fake_backend, tmp_path):
    kept, deleted = tmp_path / "kept.yaml", tmp_path / "deleted.yaml"
    for path in (kept, deleted):
        save_spec(titanic_spec(), path)
    window = mw.MainWindow(ui_settings, open_backend=lambda location, **o: fake_backend, with_monitor=False)
    qtbot.addWidget(window)
    window.show()
    for path in (kept, deleted):
        window.open_spec(str(path)).close()
    assert [a.text() for a in window.recent_menu.actions()] == [str(deleted), str(kept)]

    deleted.unlink()                                  # removed outside the app while it runs
    file_menu = window.menuBar().actions()[0].menu()
    window.menuBar().setActiveAction(window.menuBar().actions()[0])
    qtbot.waitUntil(file_menu.isVisible, timeout=5000)
    file_menu.setActiveAction(window.recent_menu.menuAction())
    qtbot.keyClick(file_menu, Qt.Key.Key_Right)       # opens the Recent submenu, as the arrow key does
    qtbot.waitUntil(window.recent_menu.isVisible, timeout=5000)
    assert [a.text() for a in window.recent_menu.actions()] == [str(kept)]
    assert [window.start_page.recent.item(i).text() for i in range(window.start_page.recent.count())] == [str(kept)]
    qtbot.keyClick(window.recent_menu, Qt.Key.Key_Escape)
    assert ui_settings.recent("specs") == [str(deleted), str(kept)]     # still remembered, in case it comes back
