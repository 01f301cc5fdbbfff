"""What other apps add to donors' pages without donors knowing them: a donor's giving.

Donors depend only on organizations; the donations a donor made live in collection. ``GIVING`` holds
the ``Giving`` that answers for them (collection registers its own in ``AppConfig.ready`` with
``giving_register``): who gave where (part of the donor scope rule of ``donors.selectors``), a donor's
donations, totals per year and fund and yearly statement. With none registered a donor gave nothing.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from satuatap.organizations.models import Unit


@dataclass
class Totals:
    years: list[int]
    funds: list[str]
    cells: dict  # (year, fund) -> amount
    by_year: dict
    by_fund: dict
    total: int
    donations: int

    @property
    def rows(self) -> list[tuple[int, list[int], int]]:
        """(year, amount per fund in ``funds`` order, year total), newest year first."""
        return [(y, [self.cells.get((y, f), 0) for f in self.funds], self.by_year[y]) for y in self.years]


@dataclass
class StatementLine:
    donation: object
    number: str
    day: date
    unit: Unit
    kinds: list[str]
    amount: int
    is_void: bool


@dataclass
class Statement:
    donor: Any
    year: int
    lines: list[StatementLine]
    by_fund: dict
    zakat_total: int
    total: int


class Giving(Protocol):
    def donor_ids_at(self, units: QuerySet) -> QuerySet:
        """The ids (``values("donor_id")``) of the donors who gave at one of ``units`` (a ``Unit``
        queryset of ``pk``)."""

    def gave_at(self, donor, unit: Unit) -> bool:
        """Whether ``donor`` gave at ``unit`` or below."""

    def gave_where(self, user, capability: str) -> Q:
        """The donors (a condition on ``Donor``) who gave in the units where ``user`` holds ``capability``."""

    def donations_of(self, donor) -> QuerySet:
        """Every donation of ``donor``, newest first, with what a list shows."""

    def totals(self, donor) -> Totals:
        """What ``donor`` gave (void donations left out), per year and fund."""

    def years(self, donor) -> list[int]:
        """The years ``donor`` gave in, newest first."""

    def statement(self, donor, year: int) -> Statement:
        """The yearly statement of ``donor``: every receipt of ``year`` and the totals per fund."""

    def fund_labels(self) -> dict[str, Any]:
        """The names of the funds a donation goes to."""

    def kind_labels(self) -> dict[str, Any]:
        """The names of what is given (zakat maal, infak, ...)."""


class NoGiving:
    """The giving of donors when no app registers one: nobody gave anything."""

    def donor_ids_at(self, units: QuerySet) -> QuerySet:
        return units.none()

    def gave_at(self, donor, unit: Unit) -> bool:
        return False

    def gave_where(self, user, capability: str) -> Q:
        return Q(pk__in=[])

    def donations_of(self, donor) -> QuerySet:
        return donor.__class__.objects.none()

    def totals(self, donor) -> Totals:
        return Totals(years=[], funds=[], cells={}, by_year={}, by_fund={}, total=0, donations=0)

    def years(self, donor) -> list[int]:
        return []

    def statement(self, donor, year: int) -> Statement:
        return Statement(donor=donor, year=year, lines=[], by_fund={}, zakat_total=0, total=0)

    def fund_labels(self) -> dict[str, Any]:
        return {}

    def kind_labels(self) -> dict[str, Any]:
        return {}


GIVING: list[Giving] = []


def giving_register(giving: Giving) -> Giving:
    """Add ``giving`` once (a second ``ready`` of the same app adds nothing)."""
    if not any(type(known) is type(giving) for known in GIVING):
        GIVING.append(giving)
    return giving


def giving() -> Giving:
    """The registered ``Giving`` (the first), else ``NoGiving``."""
    return GIVING[0] if GIVING else NoGiving()
