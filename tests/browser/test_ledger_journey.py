import re

import pytest
from playwright.sync_api import expect

from satuatap.ledger import services as ledger
from satuatap.ledger.models import EntryStatus, JournalEntry
from satuatap.ledger.tests.conftest import DAY, cash_code, donate
from tests.browser_support import ARTIFACTS
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page: the login page ends in "/" too


def test_finance_drafts_a_correction_the_head_approves_it_and_the_report_shows_it(browser, live_server, world):
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    donate(world.branch_a, 2_000_000)
    finance = UserFactory(username="fina")
    grant(finance, world.branch_a, "finance")
    head = UserFactory(username="kepala")
    grant(head, world.branch_a, "head")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    log_in(page, "fina", world.password)
    page.goto("/ledger/entries/new/")
    page.fill("#id_entry_date", DAY.isoformat())
    page.fill("#id_memo", "Koreksi: zakat yang tercatat dua kali")
    page.select_option("#id_lines-0-account", "4110")
    page.select_option("#id_lines-0-fund", "zakat")
    page.fill("#id_lines-0-debit", "250000")
    page.select_option("#id_lines-1-account", cash_code(world.branch_a))
    page.select_option("#id_lines-1-fund", "zakat")
    page.fill("#id_lines-1-credit", "250000")
    shot(page, "ledger-entry-form")
    page.get_by_test_id("save").click()
    expect(page.locator("h1")).to_contain_text("Draf")
    draft = JournalEntry.objects.get(memo__startswith="Koreksi")
    assert draft.status == EntryStatus.DRAFT
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    log_in(page, "kepala", world.password)
    page.goto(f"/ledger/entries/{draft.pk}/")
    page.get_by_test_id("approve").click()
    expect(page.locator("h1")).to_contain_text("Diposting")
    shot(page, "ledger-entry-posted")
    page.goto(f"/ledger/reports/changes-in-funds/?unit={world.branch_a.pk}&start={DAY.year}-01&end={DAY.year}-12")
    expect(page.get_by_test_id("report-body")).to_contain_text("Rp1.750.000")
    shot(page, "ledger-changes-in-funds")
    context.close()
