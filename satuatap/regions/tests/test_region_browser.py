"""The address picker in real Chromium: a program officer picks province → regency → district →
village in the beneficiary form and saves; the record keeps the village's official code."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.beneficiaries.models import Beneficiary
from satuatap.beneficiaries.tests.conftest import NIK_BUDI
from satuatap.organizations.models import Role
from tests.browser_support import ARTIFACTS, pick_region
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("areas")]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_officer_picks_an_address_province_to_village_and_saves(browser, live_server, world):
    paula = UserFactory(username="paula")
    grant(paula, world.branch_a, Role.PROGRAM)
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "paula")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))

    page.goto("/beneficiaries/new/")
    page.locator("#id_full_name").fill("Budi Santoso")
    page.locator("#id_nik").fill(NIK_BUDI)
    page.locator("#id_birth_date").fill("1975-11-02")
    page.locator("#id_sex").select_option("M")
    # Each level's list is empty until the one above is chosen; choosing asks the server for the next.
    expect(page.locator("#id_region_regency")).to_be_disabled()
    pick_region(page, "#id_region", value="33")
    expect(page.locator("#id_region_regency option[value='33.18']")).to_have_count(1)
    pick_region(page, "#id_region_regency", label="Kabupaten Pati")
    expect(page.locator("#id_region_district option[value='33.18.01']")).to_have_count(1)
    pick_region(page, "#id_region_district", label="Sukolilo")
    expect(page.locator("#id_region_village option[value='33.18.01.2001']")).to_have_count(1)
    shot(page, "region-picker-district")
    pick_region(page, "#id_region_village", value="33.18.01.2001")
    expect(page.locator("[data-region-code]")).to_contain_text("33.18.01.2001")
    page.locator("#id_street").fill("Jl. Raya Sukolilo 7")
    page.locator("#id_consent_method").select_option("written")
    shot(page, "region-picker-village")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/beneficiaries/\d+/$"))
    shot(page, "region-picker-saved")
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    assert budi.region_id == "33.18.01.2001" and budi.district == "Sukolilo" and budi.regency == "Kabupaten Pati"
    context.close()
