"""The wizard's Azure choices, against a fake Azure backend (no network, no SDK)."""
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QDialog

from app.ui.wizard import wizard as w
from app.ui.wizard.workspace_page import WorkspacePage

from tests.ui.clicks import click_next

SUBSCRIPTION = "12345678-90ab-cdef-1234-567890abcdef"


def test_azure_by_names_passes_options_and_shows_sign_in_message(qtbot, make_wizard, monkeypatch,
                                                                 make_fake_backend):
    monkeypatch.setattr("app.ui.wizard.workspace_page.azure_available", lambda: True)
    opened = []

    def open_azure(location, **options):
        options["device_code_callback"]("To sign in, open the device login page and enter code ABC123")
        opened.append((location, options))
        return make_fake_backend(kind="azure", name="ml-ws", location="azure:")

    wizard = make_wizard(open_backend=open_azure)
    wizard.show()
    page = wizard.currentPage()
    page._set_azure_availability(True)
    page.azure_radio.setChecked(True)
    page.names_radio.setChecked(True)
    assert not page.isComplete() and "Fill in" in page.input_problem()
    page.subscription.setText(SUBSCRIPTION)
    page.resource_group.setText("rg")
    page.workspace_name.setText("ml-ws")
    click_next(qtbot, wizard, w.PAGE_DATASET)
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


def test_azure_compute_page_creates_a_cluster(qtbot, make_wizard, titanic_csv, make_fake_backend):
    azure = make_fake_backend(kind="azure", name="ml-ws", location="azure:cfg.json")
    wizard, page = walk_to_compute(qtbot, make_wizard, titanic_csv, azure)
    assert page.create_button.isVisibleTo(page)
    fill_create_dialog(qtbot, page, "gpu-2", max_nodes=2)
    qtbot.waitUntil(lambda: page.targets.count() == 2 and wizard.spec.compute == "gpu-2", timeout=10_000)
    assert azure.computes[-1].max_nodes == 2


def click_option(qtbot, radio) -> None:
    """Click a radio button on its indicator (its centre can lie past the end of its text)."""
    from PySide6.QtCore import QPoint, Qt

    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def test_subscription_id_must_be_a_guid_at_the_field(qtbot, make_wizard, tmp_path):
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
    wizard.grab().save(str(tmp_path / "workspace_page_guid.png"))
    page.subscription.clear()
    qtbot.keyClicks(page.subscription, SUBSCRIPTION)
    assert not page.subscription_message.isVisible() and page.isComplete()
    wizard.grab().save(str(tmp_path / "workspace_page_signin.png"))


def test_the_sign_in_choice_defaults_from_the_environment_and_reaches_the_connection(qtbot, make_wizard,
                                                                                       monkeypatch, make_fake_backend):
    from PySide6.QtCore import Qt

    monkeypatch.setenv("AUTOML_DESK_AZURE_AUTH", "device_code")
    monkeypatch.setattr("app.ui.wizard.workspace_page.azure_available", lambda: True)
    opened = []

    def open_azure(location, **options):
        opened.append(options)
        return make_fake_backend(kind="azure", name="ml-ws", location="azure:")

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


@pytest.fixture
def provisioning_backend(make_fake_backend):
    """An Azure fake whose cluster creation is the real waiting loop over SDK-shaped objects."""

    def make(states):
        backend = make_fake_backend(kind="azure", name="ml-ws", location="azure:cfg.json")

        def create_compute(target, sink=None):
            from types import SimpleNamespace
            from unittest import mock

            from app.backends.azure import computes

            cluster = SimpleNamespace(name=target.name, type="AmlCompute", vm_size=target.vm_size,
                                      provisioning_state="", vm_priority="Dedicated", provisioning_errors=None,
                                      scale_settings=SimpleNamespace(minimum_node_count=0,
                                                                     maximum_node_count=target.max_nodes))
            cluster.refresh_state = lambda: setattr(cluster, "provisioning_state", next(states))
            workspace = SimpleNamespace(compute_targets={c.name: c for c in backend.computes})
            with mock.patch("azureml.core.compute.ComputeTarget.create", return_value=cluster):
                made = computes.create_compute(workspace, target, sink, poll_seconds=0.05)
            backend.computes.append(made)
            return made

        backend.create_compute = create_compute
        return backend

    return make


def walk_to_compute(qtbot, make_wizard, titanic_csv, backend):
    from .wizard_steps import titanic_spec

    backend.register_dataset("titanic_ds", [titanic_csv])
    spec = titanic_spec()
    spec.compute = "cpu-cluster"
    wizard = make_wizard(spec=spec, backend=backend, location="azure:cfg.json")
    wizard.show()
    click_next(qtbot, wizard, w.PAGE_DATASET)
    qtbot.waitUntil(wizard.currentPage().isComplete, timeout=10_000)
    click_next(qtbot, wizard, w.PAGE_COMPUTE)
    page = wizard.currentPage()
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    return wizard, page


def fill_create_dialog(qtbot, page, name, max_nodes=None):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(QDialog)
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, name)
    if max_nodes is not None:
        dialog.max_nodes.setValue(max_nodes)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_provisioning_states_show_as_progress_and_stop_waiting_keeps_the_page_usable(qtbot, make_wizard,
                                                                                        titanic_csv,
                                                                                        provisioning_backend, tmp_path):
    import itertools

    from PySide6.QtCore import Qt

    wizard, page = walk_to_compute(qtbot, make_wizard, titanic_csv, provisioning_backend(itertools.repeat("Creating")))
    fill_create_dialog(qtbot, page, "gpu-2")
    qtbot.waitUntil(lambda: page.status.text().startswith("gpu-2: Creating ("), timeout=10_000)
    assert page.provisioning.isVisible() and page.stop_button.isVisible()
    assert not page.isComplete() and not page.create_button.isEnabled()
    wizard.grab().save(str(tmp_path / "compute_provisioning.png"))
    qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text().startswith("Stopped waiting; Azure keeps provisioning gpu-2"),
                    timeout=10_000)
    assert not page.provisioning.isVisible() and page.create_button.isEnabled()


def test_a_cluster_that_succeeds_is_listed_and_chosen(qtbot, make_wizard, titanic_csv, provisioning_backend):
    wizard, page = walk_to_compute(qtbot, make_wizard, titanic_csv,
                                   provisioning_backend(iter(["Creating", "Resizing", "Succeeded"])))
    fill_create_dialog(qtbot, page, "gpu-2")
    qtbot.waitUntil(lambda: page.targets.count() == 2 and page.isComplete(), timeout=10_000)
    assert wizard.spec.compute == "gpu-2" and page.status.text() == "✓ Cluster gpu-2 is ready."


def test_a_workspace_opened_by_names_lets_a_new_pipeline_press_next(qtbot, make_wizard, titanic_csv,
                                                                     make_fake_backend):
    """Connected by subscription, group and name, the wizard holds location 'azure:' and no
    config.json: its workspace page has nothing to fill in, so Next must be pressable."""
    from .wizard_steps import titanic_spec

    azure = make_fake_backend(kind="azure", name="ml-ws", location="azure:")
    azure.register_dataset("titanic_ds", [titanic_csv])
    wizard = make_wizard(spec=titanic_spec(), backend=azure, location="azure:")
    wizard.show()
    click_next(qtbot, wizard, w.PAGE_DATASET)
    assert wizard.backend is azure
