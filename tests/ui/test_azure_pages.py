"""The wizard's Azure choices, against a fake Azure backend (no network, no SDK)."""
from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog

from app.ui.wizard import wizard as w
from app.ui.wizard.workspace_page import WorkspacePage

from .fake_backend import FakeBackend

SUBSCRIPTION = "12345678-90ab-cdef-1234-567890abcdef"


def test_azure_by_names_passes_options_and_shows_sign_in_message(qtbot, make_wizard, monkeypatch):
    monkeypatch.setattr("app.ui.wizard.workspace_page.azure_available", lambda: True)
    opened = []

    def open_azure(location, **options):
        options["device_code_callback"]("To sign in, open the device login page and enter code ABC123")
        opened.append((location, options))
        return FakeBackend(kind="azure", name="ml-ws", location="azure:")

    wizard = make_wizard(open_backend=open_azure)
    page = wizard.currentPage()
    page._set_azure_availability(True)
    page.azure_radio.setChecked(True)
    page.names_radio.setChecked(True)
    assert not page.isComplete() and "Fill in" in page.input_problem()
    page.subscription.setText(SUBSCRIPTION)
    page.resource_group.setText("rg")
    page.workspace_name.setText("ml-ws")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == w.PAGE_DATASET, timeout=10_000)
    location, options = opened[0]
    assert location == "azure:"
    assert {k: options[k] for k in ("subscription_id", "resource_group", "workspace_name")} == {
        "subscription_id": SUBSCRIPTION, "resource_group": "rg", "workspace_name": "ml-ws"}
    assert wizard.backend.kind == "azure"


def test_missing_config_json_says_what_to_do(qtbot, make_wizard, tmp_path):
    wizard = make_wizard()
    page: WorkspacePage = wizard.currentPage()
    page._set_azure_availability(True)
    page.azure_radio.setChecked(True)
    page.config_path.setText(str(tmp_path / "config.json"))
    assert "config.json not found" in page.input_problem()
    (tmp_path / "config.json").write_text(json.dumps({"subscription_id": "s"}))
    assert page.input_problem() is None


def test_azure_unavailable_is_disabled_with_a_note(qtbot, make_wizard):
    wizard = make_wizard()
    page = wizard.currentPage()
    page._set_azure_availability(False)
    assert not page.azure_radio.isEnabled() and page.local_radio.isChecked()
    assert "not available" in page.azure_note.text()


def test_azure_compute_page_creates_a_cluster(qtbot, make_wizard, titanic_csv, tmp_path):
    azure = FakeBackend(kind="azure", name="ml-ws", location="azure:cfg.json")
    azure.register_dataset("titanic_ds", [titanic_csv])
    from .test_wizard_validation import titanic_spec

    spec = titanic_spec()
    spec.compute = "cpu-cluster"
    wizard = make_wizard(spec=spec, backend=azure, location="azure:cfg.json")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == w.PAGE_DATASET, timeout=10_000)
    qtbot.waitUntil(wizard.currentPage().isComplete, timeout=10_000)
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert page.create_button.isVisibleTo(page)
    page.open_create_dialog()
    dialog = page.findChild(QDialog)
    dialog.name.setText("gpu-2")
    dialog.max_nodes.setValue(2)
    dialog._accept()
    qtbot.waitUntil(lambda: page.targets.count() == 2 and wizard.spec.compute == "gpu-2", timeout=10_000)
    assert azure.computes[-1].max_nodes == 2


def click_option(qtbot, radio) -> None:
    """Click a radio button on its indicator (its centre can lie past the end of its text)."""
    from PySide6.QtCore import QPoint, Qt

    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def test_subscription_id_must_be_a_guid_at_the_field(qtbot, make_wizard):
    wizard = make_wizard()
    wizard.show()
    page = wizard.currentPage()
    page._set_azure_availability(True)
    click_option(qtbot, page.azure_radio)
    click_option(qtbot, page.names_radio)
    qtbot.keyClicks(page.resource_group, "rg")
    qtbot.keyClicks(page.workspace_name, "ml-ws")
    qtbot.keyClicks(page.subscription, "my-subscription")
    assert page.subscription_message.isVisible() and "is a GUID" in page.subscription_message.text()
    assert not page.isComplete()
    wizard.grab().save("/tmp/workspace_page_guid.png")
    page.subscription.clear()
    qtbot.keyClicks(page.subscription, SUBSCRIPTION)
    assert not page.subscription_message.isVisible() and page.isComplete()
    wizard.grab().save("/tmp/workspace_page_signin.png")


def test_the_sign_in_choice_defaults_from_the_environment_and_reaches_the_connection(qtbot, make_wizard,
                                                                                       monkeypatch):
    from PySide6.QtCore import Qt

    monkeypatch.setenv("AUTOML_DESK_AZURE_AUTH", "device_code")
    monkeypatch.setattr("app.ui.wizard.workspace_page.azure_available", lambda: True)
    opened = []

    def open_azure(location, **options):
        opened.append(options)
        return FakeBackend(kind="azure", name="ml-ws", location="azure:")

    wizard = make_wizard(open_backend=open_azure)
    wizard.show()
    page = wizard.currentPage()
    click_option(qtbot, page.azure_radio)
    click_option(qtbot, page.names_radio)
    assert page.sign_in.currentData() == "device_code" and page.remember_sign_in.isEnabled()
    page.remember_sign_in.setChecked(True)
    for field, text in ((page.subscription, SUBSCRIPTION), (page.resource_group, "rg"), (page.workspace_name, "ml-ws")):
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert (opened[0]["auth"], opened[0]["persist_token_cache"]) == ("device_code", True)
    page.sign_in.setCurrentIndex(page.sign_in.findData("cli"))
    assert not page.remember_sign_in.isEnabled()
