"""Distribution in real Chromium: the counter takes an application for a verified person, the
program officer screens, assesses and recommends it, the head approves, finance pays, and the
person's aid history in the registry shows the payment. A second application for the same person
then shows the head the fair-share warning before they decide."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.distribution.models import Application, AppStatus, Disbursement
from satuatap.distribution.tests.conftest import apply_and_recommend, books, registry  # noqa: F401  (fixtures)
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(browser, live_server, username, password):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "satuatap_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page: the login page ends in "/" too
    return context, page


def test_an_application_goes_from_the_counter_to_payment_and_into_the_aid_history(
    browser,
    live_server,
    world,
    books,  # noqa: F811
):
    siti = books.siti
    # The counter: find the person by name, choose her, fill in the request.
    context, page = log_in(browser, live_server, "frank", world.password)
    page.get_by_role("link", name="Distribution").click()
    page.get_by_test_id("new-application").click()
    page.get_by_test_id("people-search").press_sequentially("siti amin", delay=20)
    page.get_by_test_id(f"choose-{siti.pk}").click()
    expect(page.get_by_test_id("person")).to_contain_text("3318••••••••0003")
    page.select_option("#id_program", str(books.program.pk))
    page.fill("#id_need", "Beras dan minyak untuk bulan ini")
    page.fill("#id_requested_amount", "1.250.000")
    shot(page, "distribution-application-new")
    page.get_by_test_id("submit").click()
    application = Application.objects.get(beneficiary=siti)
    expect(page).to_have_url(re.compile(rf"/distribution/applications/{application.pk}/$"))
    expect(page.get_by_test_id("status")).to_contain_text("Submitted")
    context.close()

    # The program officer: screen, link the assessment, recommend a little less.
    context, page = log_in(browser, live_server, "paula", world.password)
    page.goto(f"/distribution/applications/{application.pk}/")
    page.fill("#id_screen-note", "Dokumen lengkap")
    page.get_by_test_id("screen").click()
    expect(page.get_by_test_id("status")).to_contain_text("Screened")
    page.get_by_test_id("assess").click()
    expect(page.get_by_test_id("score")).not_to_contain_text("not linked")
    page.fill("#id_recommend-amount", "1.000.000")
    page.fill("#id_recommend-note", "Layak, empat orang dalam KK")
    page.get_by_test_id("recommend").click()
    expect(page.get_by_test_id("status")).to_contain_text("Recommended")
    expect(page.get_by_test_id("own-recommendation")).to_be_visible()
    context.close()

    # The head: the checks pass, the amount is within the limit; approve.
    context, page = log_in(browser, live_server, "hank", world.password)
    page.goto(f"/distribution/applications/{application.pk}/")
    expect(page.get_by_test_id("eligible")).to_be_visible()
    expect(page.get_by_test_id("fair-share-ok")).to_be_visible()
    expect(page.locator("#id_approve-amount")).to_have_value("1.000.000")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("status")).to_contain_text("Approved")
    context.close()

    # Finance: pay from the branch's cash.
    context, page = log_in(browser, live_server, "fiona", world.password)
    page.goto(f"/distribution/applications/{application.pk}/")
    expect(page.locator("#id_pay-money_account")).to_contain_text(books.cash.name)
    page.fill("#id_pay-reference", "KW-0001")
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("status")).to_contain_text("Disbursed")
    paid = Disbursement.objects.get(application=application)
    assert paid.amount == 1_000_000 and paid.reference == "KW-0001"
    expect(page.get_by_test_id("payments")).to_contain_text("KW-0001")
    # The registry: the person's aid history shows the payment.
    page.get_by_test_id("person-link").click()
    expect(page).to_have_url(re.compile(rf"/beneficiaries/{siti.pk}/$"))
    expect(page.get_by_test_id("aid")).to_contain_text("Santunan sembako")
    expect(page.get_by_test_id("aid-total")).to_contain_text("1.000.000")
    context.close()

    # A second application within six months: the head is warned before deciding, with the history.
    again = apply_and_recommend(world, books, 750_000)
    assert again.status == AppStatus.RECOMMENDED
    context, page = log_in(browser, live_server, "hank", world.password)
    page.goto(f"/distribution/applications/{again.pk}/")
    expect(page.get_by_test_id("warnings")).to_contain_text("once in 6 months")
    expect(page.get_by_test_id("aid")).to_contain_text("Santunan sembako")
    page.get_by_test_id("approve").click()
    expect(page.locator("#id_approve-override_reason_error")).to_contain_text("once in 6 months")
    shot(page, "distribution-application-warning")
    page.goto("/distribution/")
    expect(page.get_by_test_id("applications")).to_contain_text(again.tracking_code)
    shot(page, "distribution-applications")
    page.goto("/distribution/programs/new/")
    expect(page.get_by_test_id("asnaf")).to_be_visible()
    page.select_option("#id_fund_kind", "infak")
    expect(page.get_by_test_id("asnaf")).to_be_hidden()
    page.select_option("#id_fund_kind", "zakat")
    expect(page.get_by_test_id("asnaf")).to_be_visible()
    shot(page, "distribution-program-form")
    context.close()
