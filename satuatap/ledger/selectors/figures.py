"""The building blocks of the PSAK 109 statements (``statements``, ``cash``, ``positions``).

The statements are plain data (dataclasses of ints), for pages, PDF, XLSX and the API.

Every report takes the reading ``user`` (checked for ``ledger.view`` on ``unit``
through the organizations selectors: 404 if out of scope), a ``unit`` and
``consolidated``: False reports that unit alone; True its whole subtree, with the
inter-office (RAK) lines between two units of the subtree eliminated (lines of
transfers with an office outside the subtree stay). Periods are month ranges
(``MonthRange``); ``compare`` is an optional second range reported alongside
(``Comparative.comparison``).

Period totals come from the ``LedgerBalance`` rollup (one aggregate query per
report); only the general ledger reads lines. Flows of a period exclude year-end
closing entries (source close), which only move the year's result into the fund
balance accounts; balances include them.

Signs: ``opening``/``closing`` of a trial balance row are debit-positive; every
other figure is positive in its natural direction (assets and distributions as
debits, liabilities, fund balances and receipts as credits).
"""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from django.db.models import Q, Subquery, Sum

from satuatap.ledger.models import DEBIT_NATURED, Account, AccountRole, AccountType, Fund, LedgerBalance, Source
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import unit_for

T = TypeVar("T")

EQUITY_TYPES = frozenset({AccountType.FUND_BALANCE, AccountType.RECEIPT, AccountType.DISTRIBUTION})


@dataclass(frozen=True)
class MonthRange:
    """Whole months from (start_year, start_month) to (end_year, end_month), inclusive."""

    start_year: int
    start_month: int
    end_year: int
    end_month: int

    def __post_init__(self):
        if not (1 <= self.start_month <= 12 and 1 <= self.end_month <= 12) or self.start > self.end:
            raise ValueError("invalid month range")

    @classmethod
    def month(cls, year: int, month: int) -> "MonthRange":
        return cls(year, month, year, month)

    @classmethod
    def year(cls, year: int) -> "MonthRange":
        return cls(year, 1, year, 12)

    @property
    def start(self) -> tuple[int, int]:
        return (self.start_year, self.start_month)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_year, self.end_month)

    @property
    def first_day(self) -> date:
        return date(self.start_year, self.start_month, 1)

    @property
    def last_day(self) -> date:
        return date(self.end_year, self.end_month, calendar.monthrange(self.end_year, self.end_month)[1])

    def previous_year(self) -> "MonthRange":
        """The same months a year earlier: the usual comparison period."""
        return MonthRange(self.start_year - 1, self.start_month, self.end_year - 1, self.end_month)


@dataclass
class Comparative(Generic[T]):
    current: T
    comparison: T | None = None


@dataclass(frozen=True)
class AccountRef:
    id: int
    code: str
    name: str
    type: str
    role: str
    fund_kind: str


@dataclass
class Totals:
    opening: int = 0  # debit-positive, before the period
    debit: int = 0  # within the period, closing entries excluded
    credit: int = 0
    close_debit: int = 0  # closing entries within the period
    close_credit: int = 0

    @property
    def closing(self) -> int:
        return self.opening + self.debit - self.credit + self.close_debit - self.close_credit


def months_before(ym: tuple[int, int]) -> Q:
    return Q(year__lt=ym[0]) | Q(year=ym[0], month__lt=ym[1])


def months_until(ym: tuple[int, int]) -> Q:
    return Q(year__lt=ym[0]) | Q(year=ym[0], month__lte=ym[1])


def scoped_unit(user, unit: Unit) -> Unit:
    return unit_for(user, unit.pk, capability="ledger.view")


def scoped_rows(model, unit: Unit, consolidated: bool, counterparty_field: str):
    """Rollup rows (or lines) of the unit or its subtree, inter-office lines inside the subtree eliminated."""
    if not consolidated:
        return model.objects.filter(unit=unit)
    subtree = Unit.objects.filter(path__startswith=unit.path).values("pk")
    rows = model.objects.filter(unit__path__startswith=unit.path)
    if hasattr(model, "institution_id"):  # the rollup carries the institution (its index starts with it); lines do not
        rows = rows.filter(institution_id=unit.institution_id)
    internal = Q(account__role=AccountRole.INTER_OFFICE, **{f"{counterparty_field}__in": Subquery(subtree)})
    return rows.exclude(internal)


def period_totals(unit: Unit, consolidated: bool, period: MonthRange, keys: tuple[str, ...]) -> dict[tuple, Totals]:
    rows = scoped_rows(LedgerBalance, unit, consolidated, "counterparty_id").filter(months_until(period.end))
    within = ~months_before(period.start)
    closing = Q(source=Source.CLOSE)
    aggregated = (
        rows.values(*keys)
        .annotate(
            before_d=Sum("debit", filter=months_before(period.start)),
            before_c=Sum("credit", filter=months_before(period.start)),
            in_d=Sum("debit", filter=within & ~closing),
            in_c=Sum("credit", filter=within & ~closing),
            cl_d=Sum("debit", filter=within & closing),
            cl_c=Sum("credit", filter=within & closing),
        )
        .order_by(*keys)
    )
    result = {}
    for row in aggregated:
        result[tuple(row[k] for k in keys)] = Totals(
            opening=(row["before_d"] or 0) - (row["before_c"] or 0),
            debit=row["in_d"] or 0,
            credit=row["in_c"] or 0,
            close_debit=row["cl_d"] or 0,
            close_credit=row["cl_c"] or 0,
        )
    return result


def accounts_by_pk(institution_id: int) -> dict[int, Account]:
    return {a.pk: a for a in Account.objects.filter(institution_id=institution_id)}


def funds_by_pk(institution_id: int) -> dict[int, Fund]:
    return {f.pk: f for f in Fund.objects.filter(institution_id=institution_id)}


def account_ref(account: Account) -> AccountRef:
    return AccountRef(account.pk, account.code, account.name, account.type, account.role, account.fund_kind)


def natural(account: Account, debit_positive: int) -> int:
    return debit_positive if account.type in DEBIT_NATURED else -debit_positive


def comparative(compute, period: MonthRange, compare: MonthRange | None):
    return Comparative(current=compute(period), comparison=compute(compare) if compare is not None else None)
