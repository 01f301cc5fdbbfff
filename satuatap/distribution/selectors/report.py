"""The distribution report of a unit's subtree over whole months: what each fund collected and
distributed (and the ratio zakat bodies are measured by), distribution by pillar and asnaf,
programs' budgets against what they paid, the people and households helped, the zakat still
held and how much of it is older than a year, and the work waiting (open and overdue
applications, payments without evidence), per office just below the unit (each with its whole
subtree), and the interest-free loans still to be repaid. ``regency_breakdown`` adds where the
people helped live (their regency or city); it joins the registry, so the dashboard asks for it
apart, once the rest is on screen.

Money by fund, pillar and asnaf comes from the ledger's monthly rollup (``LedgerBalance``), never
from the journal lines, so the report reads a few thousand rows whatever the number of payments;
people, programs and regions come from the disbursements of the period, each figure one aggregate
query (grouped by the child office's path prefix, or by the person's regency), never a loop over
payments.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from satuatap.core.parallel import parallel_reads
from satuatap.core.text import squash
from satuatap.distribution.models import OPEN_STATUSES, Application, Disbursement, Loan, Program
from satuatap.distribution.selectors.applications import overdue_q
from satuatap.ledger.models import AccountRole, FundKind, FundPosition, LedgerBalance, Source
from satuatap.ledger.selectors import MonthRange
from satuatap.organizations.models import Unit
from satuatap.regions import selectors as region_selectors

RATIO_FUNDS = (FundKind.ZAKAT, FundKind.INFAK, FundKind.INFAK_RESTRICTED, FundKind.DSKL)
# Regencies and cities listed by name; the rest are summed as one "other" row.
TOP_REGENCIES = 20


def percent_text(ratio: float | None) -> str:
    """0.1234 -> "12,3%" (Indonesian decimal comma); "—" when there is nothing to divide by."""
    return "—" if ratio is None else f"{ratio * 100:.1f}%".replace(".", ",")


@dataclass
class FundRow:
    fund_kind: str
    label: str
    collected: int = 0
    distributed: int = 0

    @property
    def ratio(self) -> float | None:
        """Distributed ÷ collected in the period (the allocation-to-collection ratio), None without collection."""
        return self.distributed / self.collected if self.collected else None

    @property
    def percent(self) -> str:
        return percent_text(self.ratio)


@dataclass
class ProgramRow:
    program: Program
    paid: int
    people: int

    @property
    def used(self) -> float | None:
        return self.paid / self.program.budget if self.program.budget else None

    @property
    def percent(self) -> str:
        return percent_text(self.used)


@dataclass
class RegionRow:
    """An office just below the report's unit with everything under it (or, ``is_self``, payments
    made and applications taken at the report's unit itself)."""

    unit: Unit
    is_self: bool = False
    distributed: int = 0
    payments: int = 0
    people: int = 0
    households: int = 0
    open_applications: int = 0
    overdue_applications: int = 0


@dataclass
class RegencyRow:
    """Where the people helped live (their regency or city as registered now); ``name`` empty for
    unknown, None for the sum of the regencies beyond the first ``TOP_REGENCIES``."""

    name: str | None
    distributed: int = 0
    payments: int = 0
    people: int = 0
    code: str = ""  # the official regency code ("33.18"), when the address has one


@dataclass
class DistributionReport:
    unit: Unit
    period: MonthRange
    funds: list[FundRow] = field(default_factory=list)
    pillars: list[tuple[str, int]] = field(default_factory=list)
    asnaf: list[tuple[str, int]] = field(default_factory=list)
    programs: list[ProgramRow] = field(default_factory=list)
    people: int = 0
    households: int = 0
    payments: int = 0
    zakat_held: int = 0
    zakat_held_over_a_year: int = 0
    open_applications: int = 0
    overdue_applications: int = 0
    regions: list[RegionRow] = field(default_factory=list)
    loans: int = 0
    loans_outstanding: int = 0

    @property
    def distributed(self) -> int:
        return sum(row.distributed for row in self.funds)


def _period_q(period: MonthRange) -> Q:
    start, end = period.start, period.end
    return (Q(year__gt=start[0]) | Q(year=start[0], month__gte=start[1])) & (
        Q(year__lt=end[0]) | Q(year=end[0], month__lte=end[1])
    )


def _money(unit: Unit, period: MonthRange):
    """(fund kind, role, pillar, asnaf) -> amount, receipts as credit − debit, distributions as debit − credit."""
    rows = (
        LedgerBalance.objects.filter(
            _period_q(period),
            institution_id=unit.institution_id,
            unit__path__startswith=unit.path,
            account__role__in=[AccountRole.RECEIPT, AccountRole.DISTRIBUTION],
        )
        .exclude(source=Source.CLOSE)
        .values("account__fund_kind", "account__role", "account__pillar", "account__asnaf")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    for row in rows:
        sign = 1 if row["account__role"] == AccountRole.DISTRIBUTION else -1
        amount = sign * ((row["debit"] or 0) - (row["credit"] or 0))
        yield row["account__fund_kind"], row["account__role"], row["account__pillar"], row["account__asnaf"], amount


def _zakat_held(unit: Unit, on) -> tuple[int, int]:
    """Zakat available now in the subtree, and the part of it older than a year: what is held beyond
    all the zakat received in the last twelve months (first in, first out)."""
    held = (
        FundPosition.objects.filter(
            institution_id=unit.institution_id, unit__path__startswith=unit.path, fund__kind=FundKind.ZAKAT
        ).aggregate(total=Sum("available"))["total"]
        or 0
    )
    year_ago = on - timedelta(days=365)
    last_year = MonthRange(year_ago.year, year_ago.month, on.year, on.month)
    received = sum(
        amount
        for fund, role, _pillar, _asnaf, amount in _money(unit, last_year)
        if fund == FundKind.ZAKAT and role == AccountRole.RECEIPT
    )
    return held, max(held - received, 0)


def _payments(unit: Unit, period: MonthRange):
    payments = Disbursement.objects.filter(
        institution_id=unit.institution_id, paid_on__gte=period.first_day, paid_on__lte=period.last_day
    )
    if unit.pk != unit.institution_id:
        payments = payments.filter(unit__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    return payments


def distribution_report(unit: Unit, period: MonthRange) -> DistributionReport:
    """The report of ``unit`` and everything below it (the caller has checked the user may see it)."""
    report = DistributionReport(unit=unit, period=period)
    payments = _payments(unit, period)
    today = timezone.localdate()
    # Open, or overdue at a later step (evidence, follow-up): not every disbursed application ever made.
    waiting = Application.objects.filter(
        Q(status__in=OPEN_STATUSES) | overdue_q(today), unit__path__startswith=unit.path
    )
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    money, totals, by_program, paid, counts, held = parallel_reads(
        lambda: list(_money(unit, period)),
        lambda: payments.aggregate(
            people=Count("beneficiary", distinct=True),
            households=Count("household", distinct=True),
            payments=Count("id"),
        ),
        lambda: {
            row["program"]: row
            for row in payments.order_by()
            .values("program")
            .annotate(paid=Sum("amount"), people=Count("beneficiary", distinct=True))
        },
        lambda: list(_by_region(unit, payments.order_by()).annotate(**REGION_PAYMENTS)) if children else [],
        lambda: list(_by_region(unit, waiting.order_by()).annotate(**waiting_counts(today))) if children else [],
        lambda: _zakat_held(unit, today),
    )

    funds = {kind: FundRow(kind, str(FundKind(kind).label)) for kind in RATIO_FUNDS}
    pillars: defaultdict[str, int] = defaultdict(int)
    asnaf: defaultdict[str, int] = defaultdict(int)
    for fund, role, pillar, asnaf_of, amount in money:
        if fund not in funds:
            continue
        if role == AccountRole.RECEIPT:
            funds[fund].collected += amount
            continue
        funds[fund].distributed += amount
        if fund == FundKind.ZAKAT and asnaf_of:
            asnaf[asnaf_of] += amount
        elif pillar:
            pillars[pillar] += amount
    report.funds = list(funds.values())
    report.pillars = sorted(pillars.items(), key=lambda item: -item[1])
    report.asnaf = sorted(asnaf.items(), key=lambda item: -item[1])
    report.people, report.households, report.payments = totals["people"], totals["households"], totals["payments"]
    programs = Program.objects.filter(institution_id=unit.institution_id, unit__path__startswith=unit.path).filter(
        Q(pk__in=by_program) | Q(is_active=True, start_date__lte=period.last_day, end_date__gte=period.first_day)
    )
    report.programs = [
        ProgramRow(p, by_program.get(p.pk, {}).get("paid") or 0, by_program.get(p.pk, {}).get("people") or 0)
        for p in programs.order_by("name")
    ]
    report.zakat_held, report.zakat_held_over_a_year = held
    if children:  # every waiting application is at the unit or below one of its offices: the rows add up
        regions = _regions(unit, children, paid, counts)
        report.open_applications = sum(r.open_applications for r in regions)
        report.overdue_applications = sum(r.overdue_applications for r in regions)
        report.regions = [
            r for r in regions if not r.is_self or r.payments or r.open_applications or r.overdue_applications
        ]
    else:
        counts = waiting.aggregate(**waiting_counts(today))
        report.open_applications, report.overdue_applications = counts["open"], counts["overdue"]
    loans = Loan.objects.filter(
        institution_id=unit.institution_id, unit__path__startswith=unit.path, repaid__lt=F("principal")
    )
    totals = loans.aggregate(count=Count("id"), principal=Sum("principal"), repaid=Sum("repaid"))
    report.loans = totals["count"]
    report.loans_outstanding = (totals["principal"] or 0) - (totals["repaid"] or 0)
    return report


REGION_PAYMENTS = {
    "amount": Sum("amount"),
    "payments": Count("id"),
    "people": Count("beneficiary", distinct=True),
    "households": Count("household", distinct=True),
}


def waiting_counts(today) -> dict:
    return {"open": Count("id", filter=Q(status__in=OPEN_STATUSES)), "overdue": Count("id", filter=overdue_q(today))}


def _by_region(unit: Unit, rows):
    """``rows`` (payments or applications) grouped by the first step of their unit's path below
    ``unit``: the office just below it whose subtree they are in, or the unit itself."""
    width = len(unit.path) + unit.steplen
    return rows.annotate(branch=Substr("unit__path", 1, width)).values("branch")


def _regions(unit: Unit, children: list[Unit], paid: list[dict], counts: list[dict]) -> list[RegionRow]:
    """The unit itself, then each office just below it (its whole subtree), from the payments and
    the waiting applications grouped by ``_by_region``."""
    rows = {unit.path: RegionRow(unit, is_self=True), **{child.path: RegionRow(child) for child in children}}
    for row in paid:
        region = rows.get(row["branch"])
        if region is not None:
            region.distributed, region.payments = row["amount"] or 0, row["payments"]
            region.people, region.households = row["people"], row["households"]
    for row in counts:
        region = rows.get(row["branch"])
        if region is not None:
            region.open_applications, region.overdue_applications = row["open"], row["overdue"]
    return list(rows.values())


def _regency_key(name: str) -> str:
    """ "Kota Surakarta", "KOTA SURAKARTA " and "Kota  Surakarta" are one place."""
    return squash(name).casefold()


def regency_breakdown(unit: Unit, period: MonthRange) -> list[RegencyRow]:
    """The payments of ``unit``'s subtree in ``period`` grouped by the regency or city where the
    person lives: the largest ``TOP_REGENCIES`` by amount, then one row for the others, then the
    people whose address is unknown. One grouped query, joining the registry (not part of
    ``distribution_report``: the dashboard shows it once the rest is on screen); names that differ
    only in case or spacing are one place. A place is its official regency code where the address
    has one or its typed name matches one ("Kabupaten Pati", "Kab. Pati" and "Pati" are 33.18),
    shown with the official name."""
    payments = _payments(unit, period)
    merged: dict[str, RegencyRow] = {}
    grouped = (
        payments.order_by()
        .values("beneficiary__regency", "beneficiary__region_id")
        .annotate(amount=Sum("amount"), payments=Count("id"), people=Count("beneficiary", distinct=True))
    )
    codes = region_selectors.regency_codes(
        [(row["beneficiary__region_id"], row["beneficiary__regency"]) for row in grouped]
    )
    for row in grouped:
        name = squash(row["beneficiary__regency"])
        code, official = codes[(row["beneficiary__region_id"], row["beneficiary__regency"])]
        key = code or _regency_key(name)
        place = merged.setdefault(key, RegencyRow(official or name, code=code))
        # A person has one regency, so people of two spellings of it are different people: they add up.
        place.distributed += row["amount"] or 0
        place.payments += row["payments"]
        place.people += row["people"]
    known = sorted((r for r in merged.values() if r.name), key=lambda r: (-r.distributed, r.name))
    top, rest = known[:TOP_REGENCIES], known[TOP_REGENCIES:]
    unknown = merged.get("")
    if rest:
        top.append(
            RegencyRow(
                None,
                sum(r.distributed for r in rest),
                sum(r.payments for r in rest),
                sum(r.people for r in rest),
            )
        )
    if unknown is not None:
        top.append(unknown)
    return top


# --- what the home pages read ----------------------------------------------------------------------


def fund_flows(unit: Unit, period: MonthRange) -> list[FundRow]:
    """Collected and distributed per fund in ``unit``'s subtree over ``period`` (the ratio's figures
    of ``distribution_report``, without the rest of the report): one query on the monthly rollup."""
    funds = {kind: FundRow(kind, str(FundKind(kind).label)) for kind in RATIO_FUNDS}
    for fund, role, _pillar, _asnaf, amount in _money(unit, period):
        if fund in funds:
            if role == AccountRole.RECEIPT:
                funds[fund].collected += amount
            else:
                funds[fund].distributed += amount
    return list(funds.values())


def zakat_held(unit: Unit, on) -> tuple[int, int]:
    """Zakat held now in ``unit``'s subtree and the part of it received over a year before ``on``."""
    return _zakat_held(unit, on)
