"""The mustahik registry in real Chromium: a program officer registers a person by keyboard and mouse,
is shown the person already registered under the same KK while typing, and saves."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from satuatap.beneficiaries.models import Beneficiary
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_SITI, person
from satuatap.organizations.models import Role
from tests.browser_support import ARTIFACTS
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_officer_registers_a_person_and_is_shown_the_duplicate_while_typing(browser, live_server, world):
    paula = UserFactory(username="paula")
    grant(paula, world.branch_a, Role.PROGRAM)
    siti = person(
        paula,
        world.branch_a,
        "Hj. Siti Aminah",
        nik=NIK_SITI,
        kk=KK_SITI,
        relation="head",
        birth_date=date(1980, 5, 12),
        sex="F",
        village="Kayen",
    )
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "paula")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page: the login page ends in "/" too

    page.goto("/beneficiaries/")
    page.get_by_test_id("register").click()
    expect(page).to_have_url(re.compile(r"/beneficiaries/new/$"))
    # Choosing "organisation" hides what only a person has (app.js), and choosing "person" shows it again.
    expect(page.locator("#id_organisation_type")).to_be_hidden()
    page.locator("input[name=kind][value=organisation]").check()
    expect(page.locator("#id_sex")).to_be_hidden()
    expect(page.locator("#id_organisation_type")).to_be_visible()
    page.locator("input[name=kind][value=person]").check()
    expect(page.locator("#id_sex")).to_be_visible()
    page.locator("#id_full_name").press_sequentially("Ahmad Fauzi", delay=20)
    page.locator("#id_kk").press_sequentially(KK_SITI, delay=10)
    page.locator("#id_relation").select_option("child")
    candidate = page.get_by_test_id("candidate").first
    expect(candidate).to_contain_text(siti.number)
    expect(candidate).to_contain_text("KK")
    shot(page, "beneficiaries-register-candidate")
    page.locator("#id_birth_date").fill("2012-07-15")
    page.locator("#id_sex").select_option("M")
    page.locator("[data-typed-names] summary").click()  # a village typed by name, not picked
    page.locator("#id_village").fill("Kayen")
    page.locator("#id_consent_method").select_option("written")
    page.locator("#id_guardian_name").fill("Siti Aminah")
    page.locator("#id_guardian_relation").fill("ibu")
    page.get_by_test_id("save").click()

    ahmad = Beneficiary.objects.get(full_name="Ahmad Fauzi")
    expect(page).to_have_url(re.compile(rf"/beneficiaries/{ahmad.pk}/$"))
    assert ahmad.household_id == siti.household_id and ahmad.relation == "child"
    assert ahmad.consents.get().guardian_name == "Siti Aminah"
    expect(page.get_by_test_id("members")).to_contain_text("Hj. Siti Aminah")
    expect(page.get_by_test_id("kk")).to_contain_text("••••0002")
    context.close()
