"""The counter's donation form and ``POST /api/v1/donations`` name every bad field in one round
(issue 14 item 4): a date in the future used to hide a missing bank account and a kind the office
does not take, and any mistake of the form's own hid all of the service's until the next try."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from satuatap.collection.models import Donation
from satuatap.collection.services import DonationLineSpec, accepted_kinds_set, donation_record
from satuatap.collection.tests.test_api_donations import Api, body, error_of
from satuatap.collection.tests.test_counter import COUNTER, as_user, counter_post, line_errors, today

FUTURE = "The date cannot be in the future."
NO_BANK = "Choose the bank account the money arrived in."


def _future():
    return today() + timedelta(days=2)


def test_a_future_date_a_missing_bank_account_and_a_refused_line_show_together(world, desk):
    data = counter_post(
        desk.donor,
        {"kind": "infak", "amount": "10.000"},
        {"kind": "zakat_maal", "amount": "0"},
        channel="bank_transfer",
        day=_future(),
    )
    response = as_user(world.frank).post(COUNTER, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert FUTURE in errors["donation_date"] and NO_BANK in errors["bank_account"], errors
    assert "Line 2: the amount must be more than zero." in line_errors(response, 1)["amount"]
    page = response.content.decode()  # each field's aria-describedby points at its message
    assert 'id="id_bank_account_error"' in page and 'id="id_donation_date_error"' in page
    assert not line_errors(response, 0)
    assert not Donation.objects.exists()


def test_a_future_date_shows_beside_an_amount_the_form_cannot_read(world, desk):
    """The line's own mistake used to keep the service from being asked about the date at all."""
    data = counter_post(desk.donor, {"kind": "infak", "amount": "abc"}, day=_future())
    response = as_user(world.frank).post(COUNTER, data)
    assert response.status_code == 200
    assert "whole rupiah" in str(line_errors(response, 0)["amount"])
    assert FUTURE in response.context["form"].errors["donation_date"]
    assert not Donation.objects.exists()


def test_a_missing_donor_shows_beside_a_line_the_service_refuses(world, desk):
    data = counter_post(None, {"kind": "infak", "amount": "0"}, channel="bank_transfer")
    response = as_user(world.frank).post(COUNTER, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["donor"] and NO_BANK in errors["bank_account"], errors
    assert "zero" in str(line_errors(response, 0)["amount"])
    assert not Donation.objects.exists()


def test_a_kind_the_office_does_not_take_is_said_once(world, desk):
    accepted_kinds_set(actor=desk.fiona, unit=world.branch_a, kinds=["infak"])
    data = counter_post(desk.donor, {"kind": "zakat_maal", "amount": "20.000"})
    response = as_user(world.frank).post(COUNTER, data)
    assert response.status_code == 200
    assert len(line_errors(response, 0)["kind"]) == 1
    assert not Donation.objects.exists()


def test_a_bad_date_is_said_once_not_twice(world, desk):
    """A field the form already refuses does not get the service's message too."""
    data = counter_post(desk.donor, {"kind": "infak", "amount": "10.000"}, donation_date="31-02-2026")
    response = as_user(world.frank).post(COUNTER, data)
    assert response.status_code == 200
    assert len(response.context["form"].errors["donation_date"]) == 1
    assert not Donation.objects.exists()


def test_the_service_names_every_bad_line_and_field_at_once(world, desk):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        donation_record(
            actor=world.frank,
            unit=world.branch_a,
            donor=desk.donor,
            donation_date=_future(),
            channel="bank_transfer",
            lines=[DonationLineSpec("infak", 0), DonationLineSpec("zakat_maal", None)],
            idempotency_key="all-at-once",
            note="x" * 301,
        )
    messages = refused.value.message_dict
    assert set(messages) == {"donation_date", "note", "bank_account", "amount"}, messages
    assert messages["amount"] == [
        "Line 1: the amount must be more than zero.",
        "Line 2: enter the amount in whole rupiah.",
    ]
    assert not Donation.objects.exists()


def test_the_api_names_the_date_and_the_bank_account_in_one_answer(world, desk):
    future = _future().isoformat()
    response = Api(world.frank).post(body(world, desk, donation_date=future, channel="bank_transfer"))
    error = error_of(response, 400)
    assert error["fields"]["donation_date"] == [FUTURE]
    assert error["fields"]["bank_account_id"] == [NO_BANK]
    assert not Donation.objects.exists()
