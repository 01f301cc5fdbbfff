"""Reads of collection, always scoped: a user sees the donations of the units in the subtrees
where their role has ``collection.view`` (``organizations.selectors.subtree_q``), and the counter
finds donors of the institutions where they may record donations.
"""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.utils import timezone

from satuatap.collection.models import Campaign, Donation, DonationLine, DonationStatus, FitrahRate, Receipt
from satuatap.core.text import squash
from satuatap.donors.models import Donor
from satuatap.donors.selectors import search_donors
from satuatap.donors.services import name_key
from satuatap.ledger.models import Account, AccountRole, FundKind
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, units_where
from satuatap.organizations.selectors import scoped

SEARCH_LIMIT = 10


def donations_for(
    user,
    unit: Unit | None = None,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    channel: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    search: str = "",
    donor_id: int | None = None,
    with_collector: bool = False,
) -> QuerySet[Donation]:
    """Donations of the user's ``collection.view`` subtrees, narrowed to ``unit``'s subtree and the
    filters given, newest first, with what a list row shows joined in."""
    donations = scoped(Donation.objects.all(), user, "collection.view")
    if unit is not None:
        donations = donations.filter(unit__path__startswith=unit.path)
    if date_from:
        donations = donations.filter(donation_date__gte=date_from)
    if date_to:
        donations = donations.filter(donation_date__lte=date_to)
    if channel:
        donations = donations.filter(channel=channel)
    if status:
        donations = donations.filter(status=status)
    if donor_id is not None:
        donations = donations.filter(donor_id=donor_id)
    if with_collector:
        donations = donations.select_related("collector")
    if kind:
        donations = donations.filter(Exists(DonationLine.objects.filter(donation=OuterRef("pk"), kind=kind)))
    search = squash(search)
    if search:
        matches = Q(receipt__number__icontains=search) | Q(donor__number__icontains=search)
        key = name_key(search)
        if key:
            matches |= Q(donor__name_key__contains=key)
        donations = donations.filter(matches)
    return donations.select_related("unit", "donor", "receipt").order_by("-donation_date", "-pk")


def donation_for(user, pk) -> Donation:
    """One donation the user may see (``collection.view`` on its unit); 404 otherwise."""
    try:
        return (
            donations_for(user)
            .select_related("collector", "bank_account", "voided_by", "entry", "void_entry")
            .get(pk=pk)
        )
    except (Donation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def donation_lines(donation: Donation) -> QuerySet[DonationLine]:
    return donation.lines.select_related("campaign").order_by("position", "pk")


# --- what the counter screen reads ---------------------------------------------------------------


def counter_donors(user, unit: Unit) -> QuerySet[Donor]:
    """Donors the counter at ``unit`` may record a donation for: the (unmerged) donors of its
    institution, if the user may record donations there."""
    if unit is None or not can(user, "collection.record", unit):
        return Donor.objects.none()
    institutions = {top.institution_id for top in units_where(user, "collection.record")}
    if unit.institution_id not in institutions:
        return Donor.objects.none()
    return Donor.objects.filter(institution_id=unit.institution_id, merged_into__isnull=True)


def counter_donor(user, unit: Unit, pk) -> Donor | None:
    """The donor with ``pk`` if the counter at ``unit`` may take a donation from them."""
    try:
        return counter_donors(user, unit).get(pk=pk)
    except (Donor.DoesNotExist, ValueError, TypeError):
        return None


def counter_donor_search(user, unit: Unit, query: str, limit: int = SEARCH_LIMIT) -> list[Donor]:
    """Donors matching what the clerk typed (name, donor number, phone, NIK or NPWP), found by the
    donors app's search engine over every donor of the institution."""
    return search_donors([counter_donors(user, unit)], query, limit=limit).rows


def counter_bank_accounts(unit: Unit) -> QuerySet[Account]:
    """The active bank accounts of ``unit`` itself (where transfers to this counter arrive)."""
    return Account.objects.filter(
        institution_id=unit.institution_id, role=AccountRole.BANK, unit=unit, is_active=True
    ).order_by("code")


def counter_campaigns(unit: Unit, day: date | None = None) -> QuerySet[Campaign]:
    """The institution's campaigns running on ``day`` (today in the unit's zone by default)."""
    day = day or timezone.localdate(timezone=unit.tzinfo)
    return Campaign.objects.filter(institution_id=unit.institution_id, start_date__lte=day, end_date__gte=day).order_by(
        "name", "pk"
    )


def fitrah_rates_for(user, unit: Unit) -> QuerySet[FitrahRate]:
    """The zakat fitrah rates ``unit`` has set itself, newest year first (none if the user may not
    see the unit's collection)."""
    if not can(user, "collection.view", unit):
        return FitrahRate.objects.none()
    return FitrahRate.objects.filter(unit=unit).order_by("-hijri_year")


# --- what the home pages read -------------------------------------------------------------------


def day_figures(user, unit: Unit, day: date) -> dict:
    """The donations of ``unit``'s subtree recorded for ``day`` (void ones counted apart): their
    number, total and donors, and the total of each fund (largest first). Three aggregate queries."""
    donations = donations_for(user, unit, date_from=day, date_to=day).order_by()
    totals = donations.aggregate(
        donations=Count("pk", filter=Q(status=DonationStatus.RECORDED)),
        amount=Sum("total", filter=Q(status=DonationStatus.RECORDED), default=0),
        donors=Count("donor", filter=Q(status=DonationStatus.RECORDED), distinct=True),
        void=Count("pk", filter=Q(status=DonationStatus.VOID)),
    )
    recorded = donations.filter(status=DonationStatus.RECORDED).values("pk")
    by_fund = (
        DonationLine.objects.filter(donation__in=recorded)
        .values("fund_kind")
        .annotate(amount=Sum("amount"))
        .order_by("-amount", "fund_kind")
    )
    totals["by_fund"] = [(row["fund_kind"], str(FundKind(row["fund_kind"]).label), row["amount"]) for row in by_fund]
    return totals


def latest_receipts(user, unit: Unit, *, limit: int = 8) -> list[Receipt]:
    """The receipts last issued in ``unit``'s subtree, newest first, with their donation and donor."""
    receipts = scoped(Receipt.objects.all(), user, "collection.view").filter(unit__path__startswith=unit.path)
    return list(receipts.select_related("unit", "donation", "donation__donor").order_by("-issued_at", "-pk")[:limit])


def monthly_totals(user, unit: Unit, years) -> dict[int, list[int]]:
    """What ``unit``'s subtree collected in each month of each of ``years`` (void donations left
    out): ``{year: [January, ..., December]}``. One grouped query."""
    years = sorted(set(years))
    result = {year: [0] * 12 for year in years}
    rows = (
        donations_for(user, unit, status=DonationStatus.RECORDED)
        .filter(donation_date__gte=date(years[0], 1, 1), donation_date__lte=date(years[-1], 12, 31))
        .order_by()
        .annotate(year=ExtractYear("donation_date"), month=ExtractMonth("donation_date"))
        .values("year", "month")
        .annotate(amount=Sum("total"))
    )
    for row in rows:
        if row["year"] in result:
            result[row["year"]][row["month"] - 1] = row["amount"] or 0
    return result


def recent_voids(user, unit: Unit, *, limit: int = 8) -> list[Donation]:
    """The donations of ``unit``'s subtree voided last, newest first, with who voided them and why."""
    voids = donations_for(user, unit, status=DonationStatus.VOID).select_related("voided_by")
    return list(voids.order_by("-voided_at", "-pk")[:limit])
