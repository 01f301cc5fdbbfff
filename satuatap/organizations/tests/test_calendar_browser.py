"""The calendar page in real Chromium: an administrator gives the unit Saturday hours, sees a refusal
beside the day it is about, and the week summary on the unit's page."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.organizations.services import closure_save, opening_week_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, day, part):
    return page.locator(f'[name="office-d{day}_0_{part}"]')


def test_setting_hours_on_the_week_grid(page, shot, world):
    opening_week_set(
        actor=world.alice,
        unit=world.branch_a,
        schedule="office",
        periods={
            **{day: [("08:00", "12:00"), ("13:00", "16:00")] for day in range(4)},
            4: [("08:00", "11:30"), ("13:30", "16:00")],
        },
    )
    from datetime import date

    closure_save(
        actor=world.alice,
        unit=world.branch_a,
        first_day=date(2026, 12, 28),
        last_day=date(2026, 12, 29),
        kind="local",
        name="Rapat kerja tahunan",
    )
    page.goto("/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", world.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    page.goto(f"/units/{world.branch_a.pk}/calendar/?year=2026")
    expect(page.get_by_test_id("summary-office")).to_contain_text("Jumat 08.00–11.30, 13.30–16.00")
    field(page, 5, "opens").fill("08:00")
    field(page, 5, "closes").fill("12:00")
    field(page, 6, "opens").fill("10:00")
    field(page, 6, "closes").fill("09:00")
    page.get_by_test_id("save-office").click()
    expect(page.get_by_test_id("day-errors-6")).to_contain_text("Minggu")
    shot("unit-calendar-refused")
    field(page, 6, "opens").fill("")
    field(page, 6, "closes").fill("")
    page.get_by_test_id("save-office").click()
    expect(page.get_by_test_id("summary-office")).to_contain_text("Sabtu 08.00–12.00")
    page.get_by_test_id("own-whatsapp").click()
    expect(page.get_by_test_id("week-form-whatsapp")).to_be_visible()
    shot("unit-calendar")
    page.goto(f"/units/{world.branch_a.pk}/")
    expect(page.get_by_test_id("office-hours")).to_contain_text("Sabtu 08.00–12.00")
