"""The donor register in real Chromium: search as you type, a duplicate caught while registering,
a merge chosen side by side, and the yearly statement."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.collection.services import donation_void
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_register
from satuatap.donors.tests.conftest import give
from satuatap.organizations.models import Unit
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(browser, live_server, username, password, **context_args):
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900}, **context_args
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    return context, page


def test_clerk_finds_a_donor_as_they_type_and_is_warned_of_a_duplicate(browser, live_server, world, desk):
    for name in ("Siti Aminah", "Sitti Rahmawati", "Ahmad Hidayat", "Abdul Nurhidayat", "Joko Susanto"):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=name)
    context, page = log_in(browser, live_server, "frank", world.password)
    page.goto("/donors/")
    page.get_by_test_id("donor-search").press_sequentially("moh noor", delay=30)
    results = page.locator("#donor-results")
    expect(results).to_contain_text("Muhammad Nur Hidayat")
    expect(results).not_to_contain_text("Siti Aminah")
    expect(page).to_have_url(re.compile(r"/donors/\?q=moh\+noor$"))
    shot(page, "donors-search-as-you-type")
    page.get_by_test_id("donor-search").fill("0812 3456 7890")
    expect(results).to_contain_text(desk.donor.number)

    page.goto("/donors/new/")
    page.fill("#id_full_name", "Moh. Noor Hidayat")
    page.fill("#id_phone", "0812-3456-7890")
    duplicates = page.get_by_test_id("duplicates")
    expect(duplicates).to_contain_text(desk.donor.number)
    page.fill("#id_nik", "1234")
    shot(page, "donors-register-duplicate-warning")
    page.get_by_test_id("save").click()
    expect(page.locator("#id_nik_error")).to_contain_text("16 digit")
    expect(page.locator("#id_full_name")).to_have_value("Moh. Noor Hidayat")
    shot(page, "donors-register-field-error")
    context.close()


def test_finance_merges_a_duplicate_and_prints_the_yearly_statement(browser, live_server, world, desk):
    Unit.objects.filter(pk=world.alpha.pk).update(
        legal_name="Yayasan LAZ Alpha", legal_basis="SK Menteri Agama 123/2024", npwp="01.234.567.8-901.000"
    )
    twin = donor_register(
        actor=world.frank,
        unit=world.branch_a,
        full_name="Moh. Noor Hidayat",
        phone="0812 3456 7890",
        street="Jl. Kenanga 5",
        confirm_duplicate=True,  # the twin is registered on purpose, to be merged
    )
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 50_000))
    give(world.branch_b, desk.donor, desk.felix, ("zakat_income", 500_000))
    give(world.branch_a, twin, world.frank, ("infak", 100_000))
    void = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 3_000_000))
    donation_void(actor=desk.fiona, donation=void, reason="salah nominal")

    context, page = log_in(browser, live_server, "fiona", world.password)
    page.goto(f"/donors/{desk.donor.pk}/")
    expect(page.get_by_test_id("totals")).to_contain_text("Rp1.750.000")
    page.get_by_test_id("show-identifiers").click()
    expect(page.get_by_test_id("full-identifiers")).to_contain_text("3171011708450001")
    shot(page, "donors-detail-finance")
    page.get_by_test_id("merge").click()
    page.get_by_role("link", name=re.compile("Bandingkan|Compare")).first.click()
    expect(page.get_by_test_id(f"keep-{desk.donor.pk}")).to_be_checked()
    shot(page, "donors-merge-preview")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("merge-confirm").click()
    expect(page).to_have_url(re.compile(rf"/donors/{desk.donor.pk}/$"))
    expect(page.get_by_test_id("donations")).to_contain_text("Rp100.000")
    assert Donor.objects.get(pk=twin.pk).merged_into_id == desk.donor.pk
    page.goto(f"/donors/{twin.pk}/")
    expect(page.get_by_test_id("merged-banner")).to_be_visible()
    statement = context.request.get(f"/donors/{desk.donor.pk}/statement/?year={desk.day.year}")
    assert statement.ok and statement.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "donors-statement.pdf").write_bytes(statement.body())
    page.goto(f"/donors/{desk.donor.pk}/history/")
    shot(page, "donors-history")
    context.close()
