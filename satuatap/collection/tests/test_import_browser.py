"""A finance clerk imports a branch's donations spreadsheet in real Chromium: upload, preview, save."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.collection.imports import jobs
from satuatap.collection.models import Donation, ImportJob, ImportStatus
from satuatap.collection.tests.test_import_services import DONATION_HEADER, csv_bytes
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))


def test_finance_uploads_a_spreadsheet_checks_the_preview_and_saves_the_valid_rows(
    browser,
    live_server,
    world,
    desk,
):
    rows = [
        ["2026-03-10", desk.donor.number, "", "", "", "Zakat maal", "1.250.000", "Tunai", ""],
        ["2026-03-11", "", "3171011708450001", "", "", "Infak", "50000", "Transfer bank", "1210.BRA"],
        ["2026-03-12", "", "", "0813-1111-2222", "Siti Aminah", "Zakat penghasilan", "Rp300.000", "Tunai", ""],
        ["2026-03-12", "", "317101170845000", "", "", "Infak", "10000", "Tunai", ""],
        ["2099-01-01", desk.donor.number, "", "", "", "Zakat mall", "-5", "Tunai", ""],
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.add_cookies([{"name": "satuatap_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "fiona", world.password)
    page.goto("/collection/imports/")
    shot(page, "import-list-empty")
    page.get_by_test_id("import-new").click()
    page.select_option("#id_kind", "donations")
    page.set_input_files(
        "#id_file",
        files=[{"name": "donasi-cabang.csv", "mimeType": "text/csv", "buffer": csv_bytes(DONATION_HEADER, rows)}],
    )
    shot(page, "import-new")
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("import-status")).to_have_text(re.compile("Checked|Sudah diperiksa"))
    expect(page.get_by_test_id("valid-rows")).to_have_text("3")
    expect(page.get_by_test_id("errors")).to_contain_text("NIK")
    expect(page.get_by_test_id("preview")).to_contain_text("Siti Aminah")
    shot(page, "import-preview")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("import-status")).to_have_text(re.compile("Saved|Tersimpan"))
    expect(page.get_by_test_id("import-message")).to_contain_text("BRA-2026-000001")
    shot(page, "import-saved")
    assert Donation.objects.count() == 3
    # The job page of a running import shows a progress bar that polls.
    running = jobs.import_upload(
        actor=desk.fiona, unit=world.branch_a, kind="donors", filename="donatur-lama.xlsx", content=b"PK"
    )
    ImportJob.objects.filter(pk=running.pk).update(status=ImportStatus.VALIDATING, total_rows=25_000, progress=10_400)
    page.goto(f"/collection/imports/{running.pk}/")
    expect(page.get_by_test_id("import-progress")).to_contain_text("25")
    shot(page, "import-progress")
    page.goto("/collection/imports/")
    shot(page, "import-list")
    context.close()
