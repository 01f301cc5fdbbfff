"""Every bad field of a loan repayment comes back in one round (issue 14 item 4), in the page and in
the API, and nothing is posted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from satuatap.distribution.models import LoanRepayment
from satuatap.distribution.tests import test_loans
from satuatap.distribution.tests.test_api import Api, error_of
from satuatap.distribution.tests.test_loans import PRINCIPAL, as_user, lend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

program = test_loans.program  # the loans' fixture: an interest-free loan program of branch A


def test_repayment_shows_the_bad_amount_and_the_future_day_together(world, books, program):
    loan = lend(world, books, program)
    response = as_user(books.fiona).post(
        f"/distribution/loans/{loan.pk}/repay/",
        {
            "amount": "abc",
            "money_account": books.cash.pk,
            "paid_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["amount"] == ["Enter an amount in rupiah, for example 1.500.000."]
    assert errors["paid_on"] == ["A repayment cannot be dated in the future."]
    assert not LoanRepayment.objects.exists()


def test_repayment_shows_the_overpayment_and_the_future_day_together(world, books, program):
    loan = lend(world, books, program)
    response = as_user(books.fiona).post(
        f"/distribution/loans/{loan.pk}/repay/",
        {
            "amount": "2.000.000",
            "money_account": books.cash.pk,
            "paid_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "is more than that" in errors["amount"][0]
    assert errors["paid_on"] == ["A repayment cannot be dated in the future."]
    assert not LoanRepayment.objects.exists()


def test_the_api_names_the_overpayment_and_the_future_day_at_once(world, books, program):
    loan = lend(world, books, program)
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = {"amount": PRINCIPAL + 1, "money_account_id": books.cash.pk, "paid_on": future}
    error = error_of(Api(books.fiona).post(f"/loans/{loan.pk}/repayments", body), 400)
    assert {"amount", "paid_on"} <= set(error["fields"])
    assert not LoanRepayment.objects.exists()
