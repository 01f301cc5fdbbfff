"""A donor's giving as donors' pages and API show it (``donors.hooks.Giving``, registered in
``CollectionConfig.ready``): who gave where, a donor's donations, totals and yearly statement."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from satuatap.collection.models import Donation, DonationLine, DonationStatus
from satuatap.donors.hooks import Statement, StatementLine, Totals
from satuatap.ledger.models import FundKind, ReceiptKind
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import subtree_q

# A voided donation keeps its receipt number and is listed as void, but counts in no total.
VOID = DonationStatus.VOID


def _fund_order(fund: str, order: list[str]) -> int:
    return order.index(fund) if fund in order else len(order)


class DonorGiving:
    def donor_ids_at(self, units: QuerySet) -> QuerySet:
        return Donation.objects.filter(unit_id__in=units).values("donor_id")

    def gave_at(self, donor, unit: Unit) -> bool:
        return Donation.objects.filter(donor=donor, unit__path__startswith=unit.path).exists()

    def gave_where(self, user, capability: str) -> Q:
        return Q(Exists(Donation.objects.filter(subtree_q(user, capability), donor=OuterRef("pk"))))

    def donations_of(self, donor) -> QuerySet:
        return (
            Donation.objects.filter(donor=donor)
            .select_related("unit", "receipt")
            .prefetch_related("lines")
            .order_by("-donation_date", "-pk")
        )

    def totals(self, donor) -> Totals:
        rows = (
            DonationLine.objects.filter(donation__donor=donor)
            .exclude(donation__status=VOID)
            .annotate(year=ExtractYear("donation__donation_date"))
            .values("year", "fund_kind")
            .annotate(amount=Sum("amount"))
            .order_by()
        )
        cells: dict[tuple[int, str], int] = {}
        by_year: dict[int, int] = defaultdict(int)
        by_fund: dict[str, int] = defaultdict(int)
        for row in rows:
            cells[(row["year"], row["fund_kind"])] = row["amount"]
            by_year[row["year"]] += row["amount"]
            by_fund[row["fund_kind"]] += row["amount"]
        order = list(FundKind.values)
        counted = Donation.objects.filter(donor=donor).exclude(status=VOID).aggregate(n=Count("pk"))["n"]
        return Totals(
            years=sorted(by_year, reverse=True),
            funds=sorted(by_fund, key=lambda f: _fund_order(f, order)),
            cells=cells,
            by_year=dict(by_year),
            by_fund=dict(by_fund),
            total=sum(by_year.values()),
            donations=counted,
        )

    def years(self, donor) -> list[int]:
        dates = Donation.objects.filter(donor=donor).dates("donation_date", "year", order="DESC")
        return [d.year for d in dates]

    def statement(self, donor, year: int) -> Statement:
        donations = self.donations_of(donor).filter(donation_date__year=year).order_by("donation_date", "pk")
        labels = self.kind_labels()
        lines = []
        by_fund: dict[str, int] = defaultdict(int)
        for donation in donations:
            is_void = donation.status == VOID
            receipt = getattr(donation, "receipt", None)
            donation_lines = list(donation.lines.all())
            if not is_void:
                for line in donation_lines:
                    by_fund[line.fund_kind] += line.amount
            lines.append(
                StatementLine(
                    donation=donation,
                    number=receipt.number if receipt else "",
                    day=donation.donation_date,
                    unit=donation.unit,
                    kinds=list(dict.fromkeys(labels.get(li.kind, li.kind) for li in donation_lines)),
                    amount=donation.total,
                    is_void=is_void,
                )
            )
        order = list(FundKind.values)
        ordered = dict(sorted(by_fund.items(), key=lambda kv: _fund_order(kv[0], order)))
        return Statement(
            donor=donor,
            year=year,
            lines=lines,
            by_fund=ordered,
            zakat_total=by_fund.get(FundKind.ZAKAT, 0),
            total=sum(by_fund.values()),
        )

    def fund_labels(self) -> dict[str, Any]:
        return dict(FundKind.choices)

    def kind_labels(self) -> dict[str, Any]:
        return dict(ReceiptKind.choices)
