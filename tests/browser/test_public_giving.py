"""Public pages that lead somewhere, and pages people with low vision can use, in real Chromium.

Every page here is also checked by the axe-core audit of tests/browser_support.py (WCAG 2.1 A/AA).
"""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satuatap.collection import services
from satuatap.collection.tests.conftest import desk  # noqa: F401  (fixture)
from tests.browser_support import ARTIFACTS, AUDIT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


def fits(page, width):
    return page.evaluate("document.scrollingElement.scrollWidth") <= width


def test_the_axe_audit_catches_low_contrast_and_a_broken_aria_reference(browser, live_server):
    context = browser.unaudited.new_context(base_url=live_server.url)  # checked by hand here, not on load
    page = context.new_page()
    page.goto("/accounts/login/", timeout=60_000)  # may be the session's first page, on a busy machine
    AUDIT.check(page)
    assert AUDIT.found == {}
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<p class="text-white" id="faint">faint words</p><input aria-label="x" aria-describedby="nowhere">')"""
    )
    AUDIT.check(page)
    assert {rule for rule, _target in AUDIT.found} >= {"color-contrast", "aria-reference"}
    assert any("#faint" in line for line in AUDIT.found.values())
    AUDIT.found.clear()  # caught: this test passes only because it clears what it planted
    context.close()


def test_a_donor_goes_from_the_calculator_and_a_campaign_to_the_ways_to_give(browser, live_server, world, desk):  # noqa: F811
    world.branch_a.address = "Jl. Anggrek No. 7, Pati"
    world.branch_a.office_hours = "Senin–Jumat 08.00–15.00"
    world.branch_a.whatsapp = "0812-3456-7890"
    world.branch_a.save()
    services.collection_settings_set(actor=world.carol, institution=world.alpha, gold_price_per_gram=1_500_000)
    services.campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="sumur-2026",
        name="Wakaf Sumur Desa Kering",
        description="Sumur bor untuk tiga dusun.",
        target=150_000_000,
        start_date=date(2026, 1, 1),
        end_date=max(date(2026, 12, 31), timezone.localdate()),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_cookies([{"name": "satuatap_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)

    # The calculator's result leads to paying it, the amount carried along.
    page.goto("/zakat/kalkulator/ALPHA/?type=maal", timeout=60_000)
    page.fill("#id_cash", "250.000.000")
    page.check("#id_held_haul")
    page.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("zakat")).to_have_text("Rp6.250.000")
    page.screenshot(path=str(ARTIFACTS / "calculator-result-pay-phone.png"), full_page=True)
    page.get_by_test_id("pay-now").click()
    expect(page).to_have_url(re.compile(r"/cara-bayar/alpha/\?jenis=zakat_maal&jumlah=6250000$"))
    expect(page.get_by_test_id("amount")).to_have_text("Rp6.250.000")
    expect(page.get_by_test_id("no-bank-accounts")).to_be_visible()  # the institution itself has none here

    # Now for the branch (the campaign's office): its account, hours and WhatsApp.
    page.goto("/kampanye/ALPHA/sumur-2026/")
    share = page.get_by_test_id("whatsapp-share")
    expect(share).to_have_attribute("href", re.compile(r"^https://wa\.me/\?text=Wakaf%20Sumur%20Desa%20Kering%20http"))
    expect(page.get_by_test_id("account-number")).to_have_text("7123456789")
    expect(page.get_by_test_id("office-hours")).to_contain_text("Senin–Jumat 08.00–15.00")
    assert fits(page, PHONE["width"])
    page.screenshot(path=str(ARTIFACTS / "campaign-public-giving-phone.png"), full_page=True)
    page.get_by_test_id("pay-now").click()
    expect(page).to_have_url(re.compile(r"/cara-bayar/alpha/\?kampanye=sumur-2026$"))
    expect(page.get_by_test_id("transfer-note")).to_contain_text("SUMUR-2026")
    chat = page.get_by_test_id("whatsapp-chat")
    expect(chat).to_have_attribute("href", re.compile(r"^https://wa\.me/6281234567890\?text=.*sumur-2026"))
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Account number copied.")
    assert page.evaluate("navigator.clipboard.readText()") == "7123456789"
    assert fits(page, PHONE["width"])
    page.screenshot(path=str(ARTIFACTS / "ways-to-give-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "ways-to-give-desktop.png"), full_page=True)
    context.close()


def test_the_green_bar_shows_a_clear_focus_ring_and_its_links_read_in_white(page, shot, world):
    page.goto("/accounts/login/")
    shot("login-contrast")
    log_in(page, "carol", world.password)
    link = page.locator(".sa-navbar .navbar-nav .nav-link").first
    expect(link).to_have_css("color", "rgb(255, 255, 255)")
    page.locator(".sa-navbar .navbar-brand").focus()
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    focused = page.locator(".sa-navbar :focus")
    expect(focused).to_have_css("outline-style", "solid")
    expect(focused).to_have_css("outline-width", "3px")
    expect(focused).to_have_css("outline-color", "rgb(255, 212, 59)")
    shot("staff-top-bar-focus")
