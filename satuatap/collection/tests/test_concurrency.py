"""Many clerks at once: receipt numbers stay unique and gapless, and the books reconcile exactly.

On PostgreSQL (the CI's second run) this is the issue's full load: 50 clerks each
recording 100 donations in 3 units, every tenth one double-submitted. SQLite
serialises writers, so its run uses fewer clerks to stay quick, but the same threads
and checks.
"""

import random
import threading
from collections import defaultdict
from datetime import date

import pytest
from django.db import connection, connections
from django.db.models import Sum

from satuatap.collection.errors import DonationConflict
from satuatap.collection.models import Donation, DonationLine, Receipt
from satuatap.collection.services import DonationLineSpec, donation_record
from satuatap.donors.services import donor_register
from satuatap.ledger import services as ledger
from satuatap.ledger.models import FundPosition, JournalLine, LedgerBalance
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

DAY = date(2026, 3, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_clerks_get_unique_gapless_receipts_and_books_that_reconcile(world):
    clerks_n, per_clerk = (50, 100) if connection.vendor == "postgresql" else (6, 25)
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    units = [world.branch_a, world.branch_a_sub, world.branch_b]
    clerks = []
    for i in range(clerks_n):
        clerk = UserFactory(username=f"clerk{i}")
        grant(clerk, world.area, Role.FRONT_OFFICE)
        clerks.append(clerk)
    donors = [donor_register(actor=clerks[0], unit=world.branch_a, full_name=f"Donatur {i}") for i in range(5)]
    errors: list[BaseException] = []
    recorded: dict[int, list[int]] = defaultdict(list)  # clerk -> donation ids
    start = threading.Barrier(clerks_n)

    def work(index: int) -> None:
        rng = random.Random(index)
        try:
            start.wait()
            for n in range(per_clerk):
                unit = units[(index + n) % len(units)]
                lines = [DonationLineSpec("zakat_maal", rng.randint(1, 500) * 1000)]
                if n % 2:
                    lines.append(DonationLineSpec("infak", rng.randint(1, 100) * 500))
                kwargs = dict(
                    actor=clerks[index],
                    unit=unit,
                    donor=donors[n % len(donors)],
                    donation_date=DAY,
                    channel="cash",
                    lines=lines,
                    idempotency_key=f"clerk{index}-{n}",
                )
                donation = donation_record(**kwargs)
                if n % 10 == 0:  # the double click
                    again = donation_record(**kwargs)
                    assert again.pk == donation.pk and again.replayed
                recorded[index].append(donation.pk)
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clerks_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]

    expected = clerks_n * per_clerk
    assert sum(len(ids) for ids in recorded.values()) == expected
    assert Donation.objects.count() == expected == Receipt.objects.count()
    for unit in units:
        sequences = sorted(Receipt.objects.filter(unit=unit, year=DAY.year).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), f"gap or duplicate at {unit.code}"
        numbers = set(Receipt.objects.filter(unit=unit).values_list("number", flat=True))
        assert len(numbers) == len(sequences)

        donated = DonationLine.objects.filter(donation__unit=unit).aggregate(s=Sum("amount"))["s"]
        receipts = JournalLine.objects.filter(unit=unit, account__role="receipt").aggregate(s=Sum("credit"))["s"]
        rollup = LedgerBalance.objects.filter(unit=unit, account__role="receipt").aggregate(s=Sum("credit"))["s"]
        available = FundPosition.objects.filter(unit=unit).aggregate(s=Sum("available"))["s"]
        assert donated == receipts == rollup == available
    assert Donation.objects.aggregate(s=Sum("total"))["s"] == DonationLine.objects.aggregate(s=Sum("amount"))["s"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_and_other_bodies_record_one_donation_and_conflict(world):
    """Four requests with one key and four bodies at once: one donation; every other request gets the
    donation's conflict (the API's 409), never the ledger's clash of entry keys."""
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    donor = donor_register(actor=world.frank, unit=world.branch_a, full_name="Donatur")
    recorded, errors = [], []
    start = threading.Barrier(4)

    def work(amount: int) -> None:
        try:
            start.wait()
            lines = [DonationLineSpec("infak", amount)]
            recorded.append(
                donation_record(
                    actor=world.frank,
                    unit=world.branch_a,
                    donor=donor,
                    donation_date=DAY,
                    channel="cash",
                    lines=lines,
                    idempotency_key="same",
                ).pk
            )
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(amount,)) for amount in (10_000, 20_000, 30_000, 40_000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(recorded) == 1 and Donation.objects.count() == 1
    assert len(errors) == 3 and all(isinstance(e, DonationConflict) for e in errors), errors
