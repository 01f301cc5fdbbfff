"""Every bad field of a distribution form comes back in one round (issue 14 item 4): two
independent problems sent together are both shown, and nothing is saved."""

from datetime import date

import pytest
from django.utils import timezone

from satuatap.distribution.models import Application, Disbursement, Program
from satuatap.distribution.tests.test_views import approved, as_user, program_form, text_of, url
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_program_shows_the_missing_asnaf_and_the_bad_period_together(world, books):
    today = timezone.localdate()
    data = program_form(
        unit=world.branch_a.pk,
        asnaf=[],
        start_date=date(today.year, 12, 31).isoformat(),
        end_date=date(today.year, 1, 1).isoformat(),
    )
    response = as_user(books.registry.hana).post("/distribution/programs/new/", data)
    html = text_of(response)
    assert response.status_code == 200
    assert "names the asnaf it may help" in html and "an end date on or after it" in html
    assert not Program.objects.filter(code="beasiswa").exists()


def test_a_referral_shows_the_missing_referrer_and_the_bad_phone_together(world, books):
    data = {
        "beneficiary": books.siti.pk,
        "program": books.program.pk,
        "need": "Beras",
        "requested_amount": "100000",
        "channel": "referral",
        "referrer_name": "",
        "referrer_phone": "12",
    }
    response = as_user(world.frank).post("/distribution/applications/new/", data)
    html = text_of(response)
    assert response.status_code == 200
    assert "Name the person or partner who referred the applicant." in html and "not a phone number" in html.replace(
        "is not valid", "not a phone number"
    )
    assert not Application.objects.exists()


def test_a_payment_shows_the_wrong_account_and_the_too_high_amount_together(world, books):
    application = approved(world, books, 1_000_000)
    other_cash = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_b.pk))
    response = as_user(books.fiona).post(
        url(application, "pay"),
        {"pay-amount": "2.000.000", "pay-money_account": other_cash.pk, "pay-paid_on": timezone.localdate()},
    )
    html = text_of(response)
    assert response.status_code == 200
    assert "Choose the cash or bank account" in html and "left to pay" in html
    assert not Disbursement.objects.exists()
