# ruff: noqa: F811  (the shared fixture "desk" is imported, then named by the tests)
"""The queue in real Chromium: the kiosk, the counter screen and the display board open at once.
A person takes a ticket at the kiosk, the officer calls it, the board shows it within a second or
two, and the phone ticket learns it is called. Screenshots of each page are kept."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satuatap.servicedesk.tests.test_queue_services import at, desk  # noqa: F401  (fixture)
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    """The office is open: the server's now is Monday 2 March 2026, 09:30 WIB."""
    monkeypatch.setattr(timezone, "now", lambda: at(9, 30))


def test_a_ticket_taken_at_the_kiosk_is_called_at_a_counter_and_shown_on_the_board(browser, live_server, world, desk):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    pages: list = []

    def context(width, height, **kwargs):
        made = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID",
                                   base_url=live_server.url, **kwargs)  # fmt: skip
        page = made.new_page()
        page.set_default_timeout(20_000)
        page.set_default_navigation_timeout(60_000)
        pages.append(page)
        return page

    try:
        journey(context, live_server, world, desk)
    finally:
        for page in pages:
            page.context.close()


def journey(context, live_server, world, desk):  # noqa: F811
    kiosk = context(1280, 800)
    board = context(1920, 1080)
    counter = context(1280, 860)

    board.goto("/antrean/alpha/bra/layar/")
    expect(board.get_by_test_id("online")).to_have_attribute("class", re.compile("sa-board-online"))
    expect(board.locator("body")).to_have_attribute("data-online", "1")

    kiosk.goto("/antrean/alpha/bra/?kiosk=1")
    expect(kiosk.get_by_test_id("service-ZIS")).to_be_visible()
    kiosk.screenshot(path=str(ARTIFACTS / "queue-kiosk-1280.png"), full_page=True)
    kiosk.locator("label[for=priority-elderly]").click()
    kiosk.get_by_test_id("service-ZIS").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A-001")
    kiosk.screenshot(path=str(ARTIFACTS / "queue-ticket.png"), full_page=True)
    ticket_url = kiosk.url.split("?")[0]

    counter.goto("/accounts/login/")
    counter.fill("#id_username", "olga")
    counter.fill("#id_password", world.password)
    counter.keyboard.press("Enter")
    expect(counter).to_have_url(re.compile(r"^https?://[^/]+/$"))
    counter.goto(f"/servicedesk/counters/{desk.c1.pk}/")
    counter.get_by_test_id("action-open").click()
    expect(counter.get_by_test_id("counter-panel")).to_have_attribute("data-status", "open")
    counter.get_by_test_id("action-next").click()
    expect(counter.get_by_test_id("current-number")).to_have_text("A-001")
    counter.screenshot(path=str(ARTIFACTS / "queue-counter.png"), full_page=True)

    expect(board.get_by_test_id("now-number")).to_have_text("A-001", timeout=5_000)
    expect(board.get_by_test_id("now-counter")).to_contain_text("1")
    board.screenshot(path=str(ARTIFACTS / "queue-display-1920.png"))

    phone = context(390, 844, is_mobile=True, has_touch=True)
    phone.goto(ticket_url)
    expect(phone.get_by_test_id("ticket-live")).to_have_attribute("data-status", "called")
    phone.screenshot(path=str(ARTIFACTS / "queue-ticket-phone.png"), full_page=True)
    phone.goto("/antrean/alpha/bra/")
    expect(phone.get_by_test_id("service-ZIS")).to_be_visible()
    phone.screenshot(path=str(ARTIFACTS / "queue-kiosk-phone.png"), full_page=True)

    counter.get_by_test_id("action-start").click()
    expect(counter.get_by_test_id("action-start")).to_have_count(0)
    counter.get_by_test_id("action-finish").click()
    expect(counter.get_by_test_id("finished")).to_be_visible()
