"""A program officer imports a branch's list of beneficiaries in real Chromium: upload, read the
errors and the possible duplicates, tick one duplicate, save."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.beneficiaries.models import Beneficiary, BeneficiaryImport
from satuatap.beneficiaries.tests.conftest import NIK_BUDI, NIK_SITI
from satuatap.beneficiaries.tests.test_imports import HEADER, MIXED, csv_bytes
from satuatap.beneficiaries.tests.test_imports_review import row
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
    expect(page.get_by_test_id("error-rows")).to_have_text("4")
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


def test_officer_imports_duplicates_corrects_a_cell_saves_all_and_reviews(browser, live_server, world, registry):
    """In the Indonesian interface: a list with a repeat of a registered person, a repeat within the file
    and an impossible date; the date is corrected in place, all flagged rows are saved, and the two
    possible duplicates are reviewed (one merged, one marked as another person)."""
    rows = [
        row("Siti Aminah", NIK_SITI, "", "", "12/05/1980", "P"),
        row("Budi Santoso", NIK_BUDI, "", "", "1975-11-02", "L"),
        row("Budi Santosa", NIK_BUDI, "", "", "20 Nov 1975", "L"),
        row("Dewi Sartika", "", "", "", "1955-11-92", "P", phone="12"),
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/accounts/login/")
    page.fill("#id_username", "paula")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    page.goto("/beneficiaries/imports/new/")
    page.set_input_files(
        "#id_file", files=[{"name": "daftar-ganda.csv", "mimeType": "text/csv", "buffer": csv_bytes(HEADER, rows)}]
    )
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("error-rows")).to_have_text("1")
    expect(page.get_by_test_id("duplicate-rows")).to_have_text("2")
    expect(page.get_by_test_id("errors")).to_contain_text("92")
    expect(page.get_by_test_id("warnings")).to_contain_text("5")
    shot(page, "beneficiaries-import-duplicates-preview")
    # Correct the impossible date in place: the row is checked again and the page shows it valid.
    page.get_by_test_id("correct-5-birth_date").click()
    page.get_by_test_id("correct-value").fill("02/11/1955")
    shot(page, "beneficiaries-import-correct-cell")
    page.get_by_test_id("correct-save").click()
    expect(page.get_by_test_id("error-rows")).to_have_text("0")
    expect(page.get_by_test_id("valid-rows")).to_have_text("4")
    page.get_by_test_id("commit-all").click()
    expect(page.get_by_test_id("import-status")).to_have_class(re.compile("text-bg-success"))
    expect(page.get_by_test_id("import-message")).to_contain_text("4")
    siti_again = Beneficiary.objects.get(full_name="Siti Aminah")
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    budi_again = Beneficiary.objects.get(full_name="Budi Santosa")
    assert siti_again.possible_duplicate_of == registry.siti and budi_again.possible_duplicate_of == budi
    assert Beneficiary.objects.get(full_name="Dewi Sartika").phone == ""
    # The registry shows both as possible duplicates.
    page.goto("/beneficiaries/")
    expect(page.get_by_test_id(f"possible-duplicate-{budi_again.pk}")).to_contain_text(budi.number)
    expect(page.get_by_test_id(f"possible-duplicate-{siti_again.pk}")).to_contain_text(registry.siti.number)
    shot(page, "beneficiaries-list-possible-duplicates")
    # Review: Budi's repeat is merged into Budi.
    page.goto(f"/beneficiaries/{budi_again.pk}/")
    expect(page.get_by_test_id("possible-duplicate-banner")).to_contain_text(budi.number)
    expect(page.get_by_test_id("possible-duplicate-reason")).to_contain_text("02-11-1975")
    shot(page, "beneficiaries-possible-duplicate-review")
    page.get_by_test_id("review-merge").click()
    expect(page).to_have_url(re.compile(rf"/beneficiaries/{budi.pk}/$"))
    # Siti's repeat is another person.
    page.goto(f"/beneficiaries/{siti_again.pk}/")
    page.get_by_test_id("review-distinct").click()
    expect(page.get_by_test_id("possible-duplicate-banner")).to_have_count(0)
    shot(page, "beneficiaries-possible-duplicate-released")
    budi_again.refresh_from_db()
    siti_again.refresh_from_db()
    assert budi_again.merged_into == budi and siti_again.possible_duplicate_of is None
    context.close()
