"""A receipt's life in real Chromium: the clerk prints it, finance voids it, a phone verifies it."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.collection.models import ReceiptPrint
from satuatap.collection.tests.conftest import give
from satuatap.donors.models import Donor
from satuatap.organizations.models import Unit
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(browser, live_server, username, password, **context_args):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, locale="en-US", **context_args)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    return context, page


def test_clerk_prints_finance_voids_and_the_public_page_says_void(browser, live_server, world, desk):  # noqa: F811
    Unit.objects.filter(pk=world.alpha.pk).update(legal_name="Yayasan LAZ Alpha", legal_basis="SK 123/2024")
    Donor.objects.filter(pk=desk.donor.pk).update(consent_whatsapp=True)
    receipt = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 50_000)).receipt

    context, page = log_in(browser, live_server, "frank", world.password, viewport={"width": 1280, "height": 900})
    page.goto(f"/receipts/{receipt.pk}/")
    expect(page.get_by_test_id("status")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text("Rp1.300.000")
    expect(page.get_by_test_id("npwp")).to_have_text(desk.donor.npwp_masked)
    expect(page.get_by_test_id("send-email")).to_be_disabled()  # no consent to email
    expect(page.get_by_test_id("send-whatsapp")).to_be_enabled()
    pdf = context.request.get(page.get_by_test_id("print-thermal").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    page.reload()
    expect(page.get_by_test_id("print-log")).to_contain_text("80 mm")
    shot(page, "receipt-page-front-office")
    context.close()

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    page.goto(f"/r/{receipt.verify_token}/")
    expect(page.get_by_test_id("verdict")).to_have_class(re.compile("border-success"))
    shot(page, "receipt-verify-valid-phone")
    phone.close()

    context, page = log_in(browser, live_server, "fiona", world.password, viewport={"width": 1280, "height": 900})
    page.goto(f"/receipts/{receipt.pk}/")
    page.fill("#id_reason", "Nominal salah ketik")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("void").click()
    expect(page.get_by_test_id("void-note")).to_contain_text("Nominal salah ketik")
    shot(page, "receipt-page-void")
    context.close()

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="id-ID")
    page = phone.new_page()
    page.goto(f"/r/{receipt.verify_token}/")
    expect(page.get_by_test_id("verdict")).to_have_class(re.compile("border-danger"))
    expect(page.get_by_test_id("verdict")).to_contain_text(receipt.number)
    expect(page.get_by_test_id("verdict")).to_contain_text("Rp1.300.000")
    expect(page.get_by_test_id("verdict")).not_to_contain_text(desk.donor.full_name)
    shot(page, "receipt-verify-void-phone")
    phone.close()
    assert ReceiptPrint.objects.filter(receipt=receipt, kind="print", layout="thermal").count() == 1


def test_the_void_question_comes_only_once_a_reason_is_written(browser, live_server, world, desk):  # noqa: F811
    """An empty reason is refused beside the field with no "are you sure?" first; a written one is asked about."""
    receipt = give(world.branch_a, desk.donor, world.frank, ("infak", 50_000)).receipt
    context, page = log_in(browser, live_server, "fiona", world.password, viewport={"width": 1280, "height": 900})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.goto(f"/receipts/{receipt.pk}/")
    expect(page.locator("#id_reason")).to_have_attribute("required", "")
    page.get_by_test_id("void").click()
    expect(page.locator("#id_reason")).to_have_class(re.compile("is-invalid"))
    assert dialogs == []
    receipt.donation.refresh_from_db()
    assert not receipt.donation.is_void
    shot(page, "receipt-void-empty-reason")
    page.fill("#id_reason", "Dobel input")
    page.get_by_test_id("void").click()
    expect(page.get_by_test_id("void-note")).to_contain_text("Dobel input")
    assert len(dialogs) == 1  # "Void this receipt? This cannot be undone." in the site's language
    context.close()
