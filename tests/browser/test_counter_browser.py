"""A full counter transaction in real Chromium, with the keyboard only."""

import re

import pytest
from playwright.sync_api import expect

from satuatap.collection.models import Donation
from satuatap.collection.tests.conftest import desk  # noqa: F401  (fixture)
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page: the login page ends in "/" too


def find_and_pick(page, text, name, downs=0, shot=None):
    """Type into the donor search, wait for the results, move with the arrows and pick with Enter."""
    search = page.get_by_test_id("donor-search")
    expect(search).to_be_focused()
    page.keyboard.type(text, delay=20)
    expect(page.locator("#donor-results [data-donor-option]").first).to_be_visible()
    for _ in range(downs):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#donor-results .active")).to_contain_text(name)
    if shot:
        shot("counter-search")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("donor-name")).to_have_text(name)


def test_a_clerk_records_zakat_and_infak_with_the_keyboard_and_gets_the_receipt_number(page, shot, world, desk):  # noqa: F811
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Nur Hidayah")  # a second match
    log_in(page, "frank", world.password)
    page.goto("/collection/counter/")
    expect(page.get_by_test_id("total")).to_have_text("Rp0")
    shot("counter-empty")

    # "nur hid" finds Nur Hidayah first and Muhammad Nur Hidayat second: one arrow down, Enter.
    find_and_pick(page, "nur hid", "Muhammad Nur Hidayat", downs=1, shot=shot)

    # Line 1: zakat maal (first kind in the list), amount grouped as it is typed.
    kind1 = page.locator("#id_lines-0-kind")
    expect(kind1).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(kind1).to_have_value("zakat_maal")
    page.keyboard.press("Tab")
    expect(page.locator("#id_lines-0-amount")).to_be_focused()
    page.keyboard.type("1250000", delay=10)
    expect(page.locator("#id_lines-0-amount")).to_have_value("1.250.000")

    # Alt+N adds line 2 and focuses its kind: infak.
    page.keyboard.press("Alt+KeyN")
    kind2 = page.locator("#id_lines-1-kind")
    expect(kind2).to_be_focused()
    page.keyboard.type("Infak")
    expect(kind2).to_have_value("infak")
    page.keyboard.press("Tab")
    page.keyboard.type("50000", delay=10)
    expect(page.get_by_test_id("total")).to_have_text("Rp1.300.000")

    # Alt+P goes to the payment; a bank channel shows the bank fields, cash hides them again.
    page.keyboard.press("Alt+KeyP")
    channel = page.locator("#id_channel")
    expect(channel).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(channel).to_have_value("bank_transfer")
    expect(page.locator("#id_bank_account")).to_be_visible()
    page.keyboard.press("ArrowUp")
    expect(channel).to_have_value("cash")
    expect(page.locator("#id_bank_account")).to_be_hidden()
    shot("counter-filled")

    # Ctrl+Enter saves, once, and shows the receipt number.
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("receipt-number")).to_have_text("BRA-2026-000001")
    expect(page.get_by_test_id("saved-total")).to_have_text("Rp1.300.000")
    shot("counter-saved")
    donation = Donation.objects.get()
    assert donation.donor == desk.donor and donation.total == 1_300_000 and donation.channel == "cash"
    assert sorted(donation.lines.values_list("kind", "amount")) == [("infak", 50_000), ("zakat_maal", 1_250_000)]

    # F2 starts the next donor on a fresh screen.
    page.keyboard.press("F2")
    expect(page.get_by_test_id("donor-search")).to_be_focused()
    expect(page.get_by_test_id("total")).to_have_text("Rp0")

    # The donation is in the list of the unit, and its detail shows the lines.
    page.goto("/collection/donations/")
    expect(page.get_by_test_id("grand-total")).to_have_text("Rp1.300.000")
    shot("donation-list")
    page.get_by_role("link", name="BRA-2026-000001").click()
    expect(page.get_by_test_id("line")).to_have_count(2)
    expect(page.get_by_test_id("total")).to_have_text("Rp1.300.000")
    shot("donation-detail")


def test_a_double_submit_records_one_donation(page, world, desk):  # noqa: F811
    log_in(page, "frank", world.password)
    page.goto("/collection/counter/")
    find_and_pick(page, "hidayat", "Muhammad Nur Hidayat")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("200000")
    # The same form sent twice at once by the network (a resubmission) ...
    statuses = page.evaluate(
        """async () => {
            const form = document.getElementById('counter-form');
            const send = () => fetch(form.action || location.href, {method: 'POST', body: new FormData(form)});
            const responses = await Promise.all([send(), send()]);
            return responses.map((r) => r.status);
        }"""
    )
    assert statuses == [200, 200]  # both followed the redirect to the saved panel
    # ... and then a double click on Save in the page.
    page.get_by_test_id("save").dblclick()
    expect(page.get_by_test_id("receipt-number")).to_have_text("BRA-2026-000001")
    assert Donation.objects.count() == 1


def test_an_error_keeps_everything_entered_and_a_new_donor_is_registered_inline(page, shot, world, desk):  # noqa: F811
    log_in(page, "frank", world.password)
    page.goto("/collection/counter/")
    page.keyboard.type("Rahmat")
    expect(page.get_by_test_id("no-donor")).to_be_visible()

    # Alt+R opens the registration with the typed name; a bad phone is explained next to it.
    page.keyboard.press("Alt+KeyR")
    name = page.locator("#id_new-full_name")
    expect(name).to_be_focused()
    expect(name).to_have_value("Rahmat")
    page.keyboard.type(" Hidayat")
    page.keyboard.press("Tab")
    page.keyboard.type("0812")
    page.keyboard.press("Enter")
    expect(page.locator("#id_new-phone")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#donor-register .invalid-feedback")).to_be_visible()
    shot("counter-register-error")
    page.locator("#id_new-phone").fill("0813 5555 6666")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("donor-name")).to_have_text("Rahmat Hidayat")
    assert Donor.objects.filter(full_name="Rahmat Hidayat", phone="+6281355556666").exists()

    # Zakat fitrah for today: no rate is set for this Ramadan, so the service refuses line 2.
    expect(page.locator("#id_lines-0-kind")).to_be_focused()
    page.keyboard.type("Infak")
    page.keyboard.press("Tab")
    page.keyboard.type("25000")
    page.keyboard.press("Alt+KeyN")
    page.locator("#id_lines-1-kind").select_option("zakat_fitrah")
    page.locator("#id_lines-1-persons").fill("3")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#id_lines-1-kind ~ .invalid-feedback")).to_be_visible()
    expect(page.get_by_test_id("donor-name")).to_have_text("Rahmat Hidayat")
    expect(page.locator("#id_lines-0-amount")).to_have_value("25.000")
    expect(page.locator("#id_lines-1-persons")).to_have_value("3")
    shot("counter-error")
    assert not Donation.objects.exists()

    # Remove the refused line with Alt+X and save: one donation, with the same page's key.
    page.locator("#id_lines-1-persons").focus()
    page.keyboard.press("Alt+KeyX")
    expect(page.locator("[data-line]")).to_have_count(1)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("saved-total")).to_have_text("Rp25.000")
    assert Donation.objects.get().donor.full_name == "Rahmat Hidayat"


def test_the_counter_warns_of_a_registered_donor_and_asks_for_consent(page, shot, world, desk):  # noqa: F811
    before = Donor.objects.count()
    log_in(page, "frank", world.password)
    page.goto("/collection/counter/")

    # The clerk starts registering a donor who is already there (same name and phone) ...
    page.keyboard.press("Alt+KeyR")
    page.locator("#id_new-full_name").fill("Muhammad Nur Hidayat")
    page.locator("#id_new-phone").fill("0812-3456-7890")
    expect(page.get_by_test_id("register-consent")).to_be_visible()
    page.get_by_test_id("register-save").click()
    duplicates = page.get_by_test_id("register-duplicates")
    expect(duplicates).to_contain_text(desk.donor.number)
    expect(duplicates.locator(".badge")).to_have_count(1)  # why: the same phone
    expect(page.get_by_test_id("register-confirm")).to_be_visible()
    shot("counter-duplicate")
    assert Donor.objects.count() == before

    # ... and chooses that donor instead of creating a second one.
    page.get_by_test_id("duplicate-pick").click()
    expect(page.get_by_test_id("donor-name")).to_have_text("Muhammad Nur Hidayat")
    expect(page.locator("input[name='donor']")).to_have_value(str(desk.donor.pk))
    assert Donor.objects.count() == before

    # A new donor agrees to WhatsApp at the counter: the consent is kept with them.
    page.keyboard.press("F2")
    page.keyboard.press("Alt+KeyR")
    page.locator("#id_new-full_name").fill("Rina Wati")
    page.locator("#id_new-phone").fill("0813 5555 1111")
    page.locator("#id_new-consent_whatsapp").check()
    shot("counter-consent")
    page.get_by_test_id("register-save").click()
    expect(page.get_by_test_id("donor-name")).to_have_text("Rina Wati")
    rina = Donor.objects.get(full_name="Rina Wati")
    assert (rina.consent_whatsapp, rina.consent_email, rina.preferred_channel) == (True, False, "whatsapp")
