"""The zakat calculator, campaign and settings pages in real Chromium: on a 390 px phone and on a desktop."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satuatap.collection import services
from satuatap.collection.models import Campaign
from satuatap.collection.services import DonationLineSpec
from satuatap.collection.tests.conftest import give
from tests.browser_support import ARTIFACTS
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_page(browser, live_server, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport, base_url=live_server.url, is_mobile=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_donor_works_out_zakat_on_a_phone_step_by_step(browser, live_server, world):  # noqa: F811
    services.collection_settings_set(actor=world.carol, institution=world.alpha, gold_price_per_gram=1_500_000)
    context, page = open_page(browser, live_server, PHONE)
    page.goto("/zakat/kalkulator/ALPHA/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.fill("#id_cash", "120000000")
    page.fill("#id_gold_silver", "15.000.000")
    page.check("#id_held_haul")
    page.locator("#id_cash").focus()
    page.locator("#id_trade_goods").focus()  # leaving the box groups the digits
    expect(page.locator("#id_cash")).to_have_value("120.000.000")
    page.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("zakat")).to_have_text("Rp3.375.000")
    expect(page.get_by_test_id("steps")).to_contain_text("85 g × Rp1.500.000")
    no_horizontal_scroll(page)
    shot(page, "calculator-public-maal-phone")

    # Zakat penghasilan: the deductions box shows only on the net basis.
    page.get_by_test_id("tab-income").click()
    expect(page.locator("#id_deductions")).to_be_hidden()
    page.check("#id_basis_1")
    expect(page.locator("#id_deductions")).to_be_visible()
    page.fill("#id_income", "15.000.000")
    page.fill("#id_deductions", "3.000.000")
    page.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("zakat")).to_have_text("Rp300.000")
    expect(page.locator("#id_deductions")).to_be_visible()
    no_horizontal_scroll(page)
    shot(page, "calculator-public-income-phone")

    # A slip is explained next to the field.
    page.fill("#id_income", "15.000.000,50")
    page.get_by_test_id("calculate").click()
    expect(page.locator("#id_income_error")).to_be_visible()
    shot(page, "calculator-public-error-phone")
    context.close()


def test_a_campaign_page_shows_its_progress_on_a_phone_and_a_desktop(browser, live_server, world, desk):  # noqa: F811
    today = timezone.localdate()
    well = services.campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="sumur-2026",
        name="Wakaf Sumur Desa Kering",
        description="Sumur bor untuk tiga dusun yang kekeringan setiap kemarau.\nSetiap rupiah dicatat.",
        target=150_000_000,
        start_date=desk.day - timedelta(days=10),
        end_date=max(today + timedelta(days=20), desk.day),
    )
    give(world.branch_a, desk.donor, world.frank, DonationLineSpec("infak", 48_250_000, campaign=well))
    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context, page = open_page(browser, live_server, viewport)
        page.goto("/kampanye/ALPHA/sumur-2026/")
        bar = page.get_by_test_id("progressbar")
        expect(bar).to_have_attribute("role", "progressbar")
        expect(bar).to_have_attribute("aria-valuenow", "32")
        expect(page.get_by_test_id("collected")).to_have_text("Rp48.250.000")
        expect(page.locator("main")).not_to_contain_text("Muhammad")
        no_horizontal_scroll(page)
        shot(page, f"campaign-public-{name}")
        context.close()


def test_staff_calculate_zakat_for_a_donor_and_manage_campaigns_and_settings(browser, live_server, world, desk):  # noqa: F811
    services.fitrah_rate_set(
        actor=desk.fiona,
        unit=world.branch_a,
        hijri_year=services.hijri_year(timezone.localdate()),
        mode="rice",
        rice_kg="2.5",
        rice_price_per_kg=16_000,
    )
    context, page = open_page(browser, live_server, DESKTOP)
    log_in(page, "frank", world.password)
    page.goto(f"/collection/calculator/?donor={desk.donor.pk}&type=maal")
    page.fill("#id_cash", "250.000.000")
    page.check("#id_held_haul")
    page.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("zakat")).to_have_text("Rp6.250.000")
    link = page.get_by_test_id("to-counter")
    expect(link).to_have_attribute("href", re.compile(rf"donor={desk.donor.pk}&kind=zakat_maal&amount=6250000"))
    shot(page, "calculator-staff")
    page.get_by_test_id("tab-fitrah").click()
    page.fill("#id_persons", "4")
    page.get_by_test_id("calculate").click()
    expect(page.get_by_test_id("zakat")).to_have_text("Rp160.000")
    shot(page, "calculator-staff-fitrah")
    context.close()

    head = UserFactory(username="fatma")
    grant(head, world.alpha, "finance")
    context, page = open_page(browser, live_server, DESKTOP)
    log_in(page, "fiona", world.password)
    page.goto("/collection/campaigns/new/")
    page.fill("#id_code", "Sumur Baru")
    page.fill("#id_name", "Sumur untuk Dusun Tiga")
    page.fill("#id_target", "75.000.000")
    page.fill("#id_start_date", desk.day.isoformat())
    page.fill("#id_end_date", (desk.day - timedelta(days=1)).isoformat())
    page.get_by_test_id("save").click()
    expect(page.locator("#id_code_error")).to_be_visible()
    expect(page.locator("#id_end_date_error")).to_be_visible()  # every slip at once, not one by one
    shot(page, "campaign-form-errors")
    page.fill("#id_code", "sumur-dusun-tiga")
    page.fill("#id_end_date", date(desk.day.year, 12, 31).isoformat())
    page.get_by_test_id("save").click()
    expect(page.locator("h1")).to_have_text("Sumur untuk Dusun Tiga")
    campaign = Campaign.objects.get(code="sumur-dusun-tiga")
    give(world.branch_a, desk.donor, world.frank, DonationLineSpec("infak", 5_000_000, campaign=campaign))
    page.reload()
    expect(page.get_by_test_id("collected")).to_have_text("Rp5.000.000")
    shot(page, "campaign-detail")
    page.goto("/collection/campaigns/")
    expect(page.get_by_test_id("campaign-row")).to_have_count(1)
    shot(page, "campaign-list")

    page.goto("/collection/settings/")
    page.check("#id_mode_1")
    expect(page.locator("#id_amount")).to_be_hidden()
    page.fill("#id_rice_price_per_kg", "17.000")
    page.get_by_test_id("save-fitrah").click()
    expect(page.get_by_test_id("current-rate")).to_contain_text("Rp42.500")
    shot(page, "settings-branch")
    context.close()

    context, page = open_page(browser, live_server, DESKTOP)
    log_in(page, "fatma", world.password)
    page.goto("/collection/settings/")
    page.fill("#id_gold_price_per_gram", "1.650.000")
    page.get_by_test_id("save-institution").click()
    expect(page.locator("#id_gold_price_per_gram")).to_have_value("1.650.000")
    shot(page, "settings-institution")
    context.close()
