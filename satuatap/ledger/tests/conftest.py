"""Ledger fixtures: the shared ``world`` plus finance and head personas and a chart of accounts.

fiona = finance of branch A, felix = finance of branch B, rhea = finance of region R1,
fatma = finance of the ALPHA root, hana = head of the ALPHA root, hank = head of branch A.
"""

import itertools
from datetime import date
from types import SimpleNamespace

import pytest

from satuatap.ledger import services
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account, Source
from satuatap.ledger.services import LineSpec
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

DAY = date(2025, 3, 10)
_keys = itertools.count(1)


def next_key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


def cash_code(unit) -> str:
    return Account.objects.get(institution_id=unit.institution_id, system_key=cash_key(unit.pk)).code


def donate(unit, amount, *, fund="zakat", account="4110", actor=None, key=None, entry_date=DAY, restriction=""):
    """A donation-like receipt: Dr the unit's cash / Cr a receipt account."""
    return services.entry_post(
        actor=actor,
        unit=unit,
        entry_date=entry_date,
        source=Source.DONATION,
        source_ref="test",
        idempotency_key=key or next_key("don"),
        lines=[
            LineSpec(cash_code(unit), fund, debit=amount, restriction=restriction),
            LineSpec(account, fund, credit=amount, restriction=restriction),
        ],
    )


def posted_manual(ledger, amount):
    """A head-approved manual entry of branch A: goods for distribution bought with zakat cash."""
    w = ledger.world
    donate(w.branch_a, amount)
    draft = services.manual_entry_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Goods bought",
        lines=[LineSpec("1300", "zakat", debit=amount), LineSpec(cash_code(w.branch_a), "zakat", credit=amount)],
    )
    return services.manual_entry_approve(actor=ledger.hank, entry=draft)


def disburse(unit, amount, *, fund="zakat", account="5101", actor=None, key=None, entry_date=DAY, restriction=""):
    """A disbursement-like payment: Dr a distribution account / Cr the unit's cash."""
    return services.entry_post(
        actor=actor,
        unit=unit,
        entry_date=entry_date,
        source=Source.DISBURSEMENT,
        source_ref="test",
        idempotency_key=key or next_key("dis"),
        lines=[
            LineSpec(account, fund, debit=amount, restriction=restriction),
            LineSpec(cash_code(unit), fund, credit=amount, restriction=restriction),
        ],
    )


def remit_and_hold_in_trust(ledger) -> None:
    """Branch A remits Rp100.000 of zakat to the region, and records a managed asset (head-approved)."""
    w = ledger.world
    services.transfer_post(
        actor=ledger.fiona,
        from_unit=w.branch_a,
        to_unit=w.region,
        fund="zakat",
        amount=100_000,
        kind="remit",
        idempotency_key="t",
        entry_date=DAY,
    )
    draft = services.manual_entry_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Mosque building held in trust",
        lines=[LineSpec("1600", "infak", debit=10_000), LineSpec(cash_code(w.branch_a), "infak", credit=10_000)],
    )
    services.manual_entry_approve(actor=ledger.hank, entry=draft)


@pytest.fixture
def ledger(world):
    people = {}
    for name, unit, role in [
        ("fiona", world.branch_a, Role.FINANCE),
        ("felix", world.branch_b, Role.FINANCE),
        ("rhea", world.region, Role.FINANCE),
        ("fatma", world.alpha, Role.FINANCE),
        ("hana", world.alpha, Role.HEAD),
        ("hank", world.branch_a, Role.HEAD),
    ]:
        user = UserFactory(username=name)
        grant(user, unit, role)
        people[name] = user
    services.chart_create_default(actor=world.carol, institution=world.alpha)
    return SimpleNamespace(world=world, **people)


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield
