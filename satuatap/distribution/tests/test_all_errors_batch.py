"""Every bad field of the batch pages comes back in one round (issue 14 item 4): the picker, the
list read from a file and the payment show the form's own refusal beside the person's or the
service's, and nothing is saved."""

import pytest
from django.urls import reverse

from satuatap.distribution.batches import services as batch_services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Batch, Disbursement
from satuatap.distribution.tests import test_views_batch
from satuatap.distribution.tests.test_views_batch import NEW, _batch, _csv, _fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

people = test_views_batch.people  # Siti and three more verified people of branch A


def test_the_picker_shows_the_missing_name_and_a_persons_bad_amount_together(world, books, people, login):
    client = login(books.registry.paula)
    page = client.post(
        NEW,
        {"action": "save", "pick": [people[1].pk, people[2].pk], f"amount-{people[1].pk}": "abc",
         **_fields(books, name="", default_amount="100000")},
    ).content.decode()  # fmt: skip
    assert "Name the batch." in page
    assert "Enter an amount in rupiah" in page and 'data-testid="row-error"' in page
    assert not Batch.objects.exists()


def test_the_picker_shows_the_missing_name_and_a_person_the_program_may_not_help_together(world, books, people, login):
    client = login(books.registry.paula)
    page = client.post(
        NEW, {"action": "save", "pick": [people[3].pk], **_fields(books, name="", default_amount="100000")}
    ).content.decode()
    assert "Name the batch." in page and "Zakat of this program goes only to" in page
    assert not Batch.objects.exists()


def test_the_picker_shows_the_missing_need_and_that_nobody_is_ticked_together(world, books, login):
    page = login(books.registry.paula).post(NEW, {"action": "save", **_fields(books, need="")}).content.decode()
    assert "Describe the need." in page and "Tick at least one person." in page
    assert not Batch.objects.exists()


def test_a_list_from_a_file_shows_the_missing_name_and_the_unreadable_file_together(world, books, login):
    page = (
        login(books.registry.paula)
        .post(NEW, {"mode": "import", "file": _csv("Nama;Jumlah\nSiti;1000\n"), **_fields(books, name="")})
        .content.decode()
    )
    assert "Name the batch." in page and "The file needs a column NIK or Beneficiary number" in page
    assert 'data-testid="preview"' not in page and not Batch.objects.exists()


def test_the_batch_payment_shows_the_unknown_account_and_the_future_day_together(world, books, people, login):
    batch = batch_services.batch_decide(actor=books.hank, batch=_batch(world, books, people[1:3]), approve=True)
    response = login(books.fiona).post(
        reverse("distribution:batch_pay", args=[batch.pk]),
        {"pay-money_account": "987654321", "pay-paid_on": "2999-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the cash or bank account the money comes from." in page
    assert "A payment cannot be dated in the future." in page
    assert not Disbursement.objects.exists()


def test_the_batch_services_name_every_bad_field_at_once(world, books, people):
    with pytest.raises(DistributionRefused) as refused:
        batch_services.batch_prepare(
            actor=books.registry.paula, unit=world.branch_a, program=books.program, name=" ", rows=[]
        )
    assert set(refused.value.error_dict) == {"name", "rows"}
    batch = batch_services.batch_decide(actor=books.hank, batch=_batch(world, books, people[1:2]), approve=True)
    with pytest.raises(DistributionRefused) as refused:
        batch_services.batch_pay(
            actor=books.fiona, batch=batch, money_account=books.cash, paid_on=None, payee_name="x" * 201,
            payee_account="y" * 201,
        )  # fmt: skip
    assert set(refused.value.error_dict) == {"payee_name", "payee_account"}
