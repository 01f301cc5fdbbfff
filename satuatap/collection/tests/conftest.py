"""Collection fixtures: the shared ``world`` with books, a bank account, a fitrah rate and donors.

frank = front office of branch A (from ``world``), fiona = finance of branch A,
felix = finance of branch B. ``desk.donor`` is registered at branch A; ``desk.secret_donor``
belongs to BETA and carries the SECRET marker.
"""

import itertools
from datetime import date
from types import SimpleNamespace

import pytest

from satuatap.collection import services
from satuatap.collection.services import DonationLineSpec
from satuatap.donors.services import donor_register
from satuatap.ledger import services as ledger
from satuatap.ledger.models import AccountRole
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

DAY = date(2026, 3, 10)  # 21 Ramadan 1447 H
_keys = itertools.count(1)


def next_key(prefix: str = "don") -> str:
    return f"{prefix}-{next(_keys)}"


@pytest.fixture
def desk(world):
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    ledger.chart_create_default(actor=world.eve, institution=world.beta)
    fiona = UserFactory(username="fiona", full_name="Fiona Keuangan")
    grant(fiona, world.branch_a, Role.FINANCE)
    felix = UserFactory(username="felix")
    grant(felix, world.branch_b, Role.FINANCE)
    eve_fo = UserFactory(username="evan")
    grant(eve_fo, world.beta_branch, Role.FRONT_OFFICE)
    bank = ledger.account_create(
        actor=fiona,
        institution=world.alpha,
        code="1210.BRA",
        name="BSI Cabang Anggrek",
        role=AccountRole.BANK,
        unit=world.branch_a,
        bank_name="Bank Syariah Indonesia",
        bank_account_number="7123456789",
    )
    services.fitrah_rate_set(actor=fiona, unit=world.branch_a, hijri_year=1447, mode="money", amount=45_000)
    donor = donor_register(
        actor=world.frank,
        unit=world.branch_a,
        full_name="Muhammad Nur Hidayat",
        nik="3171011708450001",
        npwp="01.312.166.0-091.000",
        phone="0812-3456-7890",
        email="hidayat@example.id",
    )
    secret_donor = donor_register(actor=eve_fo, unit=world.beta_branch, full_name="SECRET Xenon Donor")
    return SimpleNamespace(
        fiona=fiona, felix=felix, evan=eve_fo, bank=bank, donor=donor, secret_donor=secret_donor, day=DAY
    )


def give(unit, donor, actor, *lines, channel="cash", key=None, day=DAY, **kwargs):
    """Record a donation; ``lines`` are (kind, amount) pairs or ``DonationLineSpec``s."""
    specs = [line if isinstance(line, DonationLineSpec) else DonationLineSpec(*line) for line in lines]
    return services.donation_record(
        actor=actor,
        unit=unit,
        donor=donor,
        donation_date=day,
        channel=channel,
        lines=specs or [DonationLineSpec("zakat_maal", 1_000_000)],
        idempotency_key=key or next_key(),
        **kwargs,
    )


@pytest.fixture(autouse=True, name="_english")
def english_messages(client, settings):
    """These tests read messages in English: the services' (gettext) and the pages' (language cookie).
    Indonesian, the default, is checked by the translation tests and the browser tests."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
