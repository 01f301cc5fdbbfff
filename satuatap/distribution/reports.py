"""The distribution report of a unit's subtree over whole months: what each fund collected and
distributed (and the ratio zakat bodies are measured by), distribution by pillar and asnaf,
programs' budgets against what they paid, the people and households helped, the zakat still
held and how much of it is older than a year, and the work waiting (open and overdue
applications, payments without evidence).

Money by fund, pillar and asnaf comes from the ledger's monthly rollup (``LedgerBalance``), never
from the journal lines, so the report reads a few thousand rows whatever the number of payments;
people and programs come from the disbursements of the period.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from satuatap.distribution.models import OPEN_STATUSES, Application, Disbursement, Program
from satuatap.ledger.models import AccountRole, FundKind, FundPosition, LedgerBalance, Source
from satuatap.ledger.reports import MonthRange
from satuatap.organizations.models import Unit

RATIO_FUNDS = (FundKind.ZAKAT, FundKind.INFAK, FundKind.INFAK_RESTRICTED, FundKind.DSKL)


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


def distribution_report(unit: Unit, period: MonthRange) -> DistributionReport:
    """The report of ``unit`` and everything below it (the caller has checked the user may see it)."""
    report = DistributionReport(unit=unit, period=period)
    funds = {kind: FundRow(kind, str(FundKind(kind).label)) for kind in RATIO_FUNDS}
    pillars, asnaf = defaultdict(int), defaultdict(int)
    for fund, role, pillar, asnaf_of, amount in _money(unit, period):
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

    payments = Disbursement.objects.filter(
        institution_id=unit.institution_id, paid_on__gte=period.first_day, paid_on__lte=period.last_day
    )
    if unit.pk != unit.institution_id:
        payments = payments.filter(unit__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    totals = payments.aggregate(
        people=Count("beneficiary", distinct=True), households=Count("household", distinct=True), payments=Count("id")
    )
    report.people, report.households, report.payments = totals["people"], totals["households"], totals["payments"]
    by_program = {
        row["program"]: row
        for row in payments.order_by()
        .values("program")
        .annotate(paid=Sum("amount"), people=Count("beneficiary", distinct=True))
    }
    programs = Program.objects.filter(institution_id=unit.institution_id, unit__path__startswith=unit.path).filter(
        Q(pk__in=by_program) | Q(is_active=True, start_date__lte=period.last_day, end_date__gte=period.first_day)
    )
    report.programs = [
        ProgramRow(p, by_program.get(p.pk, {}).get("paid") or 0, by_program.get(p.pk, {}).get("people") or 0)
        for p in programs.order_by("name")
    ]
    today = timezone.localdate()
    report.zakat_held, report.zakat_held_over_a_year = _zakat_held(unit, today)
    waiting = Application.objects.filter(unit__path__startswith=unit.path, status__in=OPEN_STATUSES)
    counts = waiting.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    report.open_applications, report.overdue_applications = counts["open"], counts["overdue"]
    return report
