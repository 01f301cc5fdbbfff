"""A program officer reviews a batch run in real Chromium, in Indonesian: filters its pairs, marks
two at once as one person, and sees the reasons in her language."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.beneficiaries.models import NotDuplicate
from satuatap.beneficiaries.tests.test_dedup_review import found  # noqa: F401  (the run under review)
from tests.browser_support import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_officer_filters_a_run_and_reviews_pairs_in_bulk(browser, live_server, world, registry, found):  # noqa: F811
    run, pairs, people = found
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "paula")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    page.goto(f"/beneficiaries/duplicates/{run.pk}/")
    expect(page.get_by_test_id("pair")).to_have_count(3)
    expect(page.get_by_test_id("pair").first).to_contain_text("tanggal lahir sama")
    shot(page, "beneficiaries-dedup-run")
    page.fill("#id_low", "90")
    page.select_option("#id_reviewed", "no")
    page.get_by_test_id("filter").click()
    expect(page.get_by_test_id("pair")).to_have_count(2)
    page.check(f"#pair-{pairs['budi'].pk}")
    page.check(f"#pair-{pairs['siti'].pk}")
    page.get_by_test_id("bulk-different").click()
    expect(page.locator(".alert-success")).to_contain_text("2")
    expect(page.get_by_test_id("pair")).to_have_count(0)  # none left unreviewed from 90%
    shot(page, "beneficiaries-dedup-run-reviewed")
    assert NotDuplicate.objects.count() == 2
    context.close()
