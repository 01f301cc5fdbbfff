"""In real Chromium: a front-office clerk logs in and the home page draws today's donations by fund
(the canvas is painted, the figures are in the table under it) and passes axe-core."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satuatap.collection.tests.conftest import desk, give  # noqa: F401  (fixture)
from tests.browser_support import ARTIFACTS
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAINTED = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


def test_the_front_office_home_draws_todays_donations_by_fund(browser, live_server, world, desk):  # noqa: F811
    today = timezone.localdate(timezone=world.branch_a.tzinfo)
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 300_000), day=today)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", world.frank.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    section = page.locator('[data-home-section="front_office"]')
    expect(section).to_be_visible()
    canvas = section.locator("canvas[data-chart]")
    expect(canvas).to_have_attribute("data-drawn", "1")
    assert canvas.evaluate(PAINTED) > 500
    # The figures are readable without the canvas: the table under it, once opened.
    section.locator("details.sa-chart-table summary").click()
    expect(section.locator("details.sa-chart-table table")).to_contain_text("Rp1.250.000")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-front-office.png"), full_page=True)
    context.close()
