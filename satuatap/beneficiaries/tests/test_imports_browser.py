"""A program officer imports a branch's list of beneficiaries in real Chromium: upload, read the
errors and the possible duplicates, tick one duplicate, save."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.beneficiaries.models import Beneficiary, BeneficiaryImport
from satuatap.beneficiaries.tests.test_imports import HEADER, MIXED, csv_bytes
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_officer_uploads_a_list_reads_errors_and_flags_and_saves(browser, live_server, world, registry):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.add_cookies([{"name": "satuatap_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "paula")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page: the login page ends in "/" too
    page.goto("/beneficiaries/imports/")
    page.get_by_test_id("import-new").click()
    page.set_input_files(
        "#id_file",
        files=[{"name": "mustahik-cabang.csv", "mimeType": "text/csv", "buffer": csv_bytes(HEADER, MIXED)}],
    )
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Checked")
    expect(page.get_by_test_id("error-rows")).to_have_text("5")
    expect(page.get_by_test_id("errors")).to_contain_text("A NIK has 16 digits")
    expect(page.get_by_test_id("duplicates")).to_contain_text(registry.siti.number)
    expect(page.get_by_test_id("to-save")).to_have_text("4")
    shot(page, "beneficiaries-import-errors")
    page.check("#include-7")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Saved")
    expect(page.get_by_test_id("import-message")).to_contain_text("5 beneficiaries registered")
    shot(page, "beneficiaries-import-saved")
    assert BeneficiaryImport.objects.get().saved_rows == 5
    assert Beneficiary.objects.filter(full_name="Siti Aminah").count() == 1
    context.close()
