"""Fixtures of the appointments tests: branch A keeps the demo office's hours (Mon–Thu 08:00–12:00
and 13:00–16:00, Fri 08:00–11:30 and 13:30–16:00, Sat 08:00–12:00) and offers KONS (consultation,
20-minute slots of 2 people) by appointment and ZIS at the queue only. ``MONDAY`` is a working
Monday; ``EARLY`` is 07:00 that morning, before the office opens."""

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from satuatap.organizations.models import OpeningPeriod, Role
from satuatap.servicedesk.models import Service
from tests.factories import UserFactory, grant

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = date(2026, 12, 14)
FRIDAY = date(2026, 12, 18)
CHRISTMAS = date(2026, 12, 25)
EARLY = datetime(2026, 12, 14, 7, 0, tzinfo=WIB)

HOURS = {
    **{day: [(time(8), time(12)), (time(13), time(16))] for day in range(4)},
    4: [(time(8), time(11, 30)), (time(13, 30), time(16))],
    5: [(time(8), time(12))],
}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def office_hours(unit) -> None:
    for weekday, periods in HOURS.items():
        for opens, closes in periods:
            OpeningPeriod.objects.create(unit=unit, schedule="office", weekday=weekday, opens=opens, closes=closes)


@pytest.fixture
def desk(world):
    from django.core.cache import cache

    cache.clear()  # the public pages' per-address limits start afresh
    office_hours(world.branch_a)
    world.branch_a.address = "Jl. Sunan Kudus 1"
    world.branch_a.save(update_fields=["address"])
    kons = Service.objects.create(
        unit=world.branch_a, code="KONS", name="Konsultasi zakat", needs_queue=True, needs_appointment=True,
        slot_minutes=20, slot_capacity=2,
    )  # fmt: skip
    zis = Service.objects.create(unit=world.branch_a, code="ZIS", name="Bayar zakat", needs_appointment=False)
    secret = Service.objects.create(
        unit=world.branch_b, code="KONS", name="Konsultasi SECRET Bakung", needs_appointment=True, slot_capacity=1
    )
    hana = UserFactory(username="hana")
    grant(hana, world.branch_a, Role.HEAD)
    return SimpleNamespace(kons=kons, zis=zis, secret=secret, hana=hana, unit=world.branch_a)
