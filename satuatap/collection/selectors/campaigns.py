"""Reads of campaigns with what they have collected: staff lists (scoped) and the public pages
(a campaign, and the ways to give to an office: its bank accounts, address, hours and WhatsApp).

"Collected" is the sum of the campaign's donation lines whose donation is not void,
computed live from the lines, so a posted or voided donation shows at once.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from satuatap.collection.models import CAMPAIGN_PREFIX, Campaign, Donation, DonationStatus, FitrahRate, campaign_key
from satuatap.ledger.hooks import Purpose
from satuatap.ledger.models import Account, AccountRole
from satuatap.organizations.models import OpeningPeriod, Schedule, Unit, UnitKind
from satuatap.organizations.selectors import scoped

_LIVE = Q(lines__donation__status=DonationStatus.RECORDED)


def with_totals(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Annotate ``collected`` (rupiah) and ``donor_count`` from the non-void donation lines."""
    return campaigns.annotate(
        collected=Coalesce(Sum("lines__amount", filter=_LIVE), 0),
        donor_count=Count("lines__donation__donor", filter=_LIVE, distinct=True),
    )


def campaigns_for(user, unit: Unit, *, capability: str = "collection.view") -> QuerySet[Campaign]:
    """Campaigns of ``unit`` and the units below it that ``user`` may see, with their totals."""
    campaigns = scoped(Campaign.objects.select_related("unit"), user, capability).filter(
        unit__path__startswith=unit.path
    )
    return with_totals(campaigns).order_by("-start_date", "name", "pk")


def campaign_for(user, pk, *, capability: str = "collection.view") -> Campaign:
    """The campaign ``pk`` with its totals if ``user`` may see it; 404 otherwise."""
    try:
        return with_totals(scoped(Campaign.objects.select_related("unit"), user, capability)).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def campaign_donations(user, campaign: Campaign) -> QuerySet[Donation]:
    """Donations naming ``campaign`` that ``user`` may see, each with ``to_campaign`` (its lines' sum)."""
    donations = scoped(Donation.objects.all(), user, "collection.view").filter(lines__campaign=campaign)
    return (
        donations.annotate(to_campaign=Sum("lines__amount"))
        .select_related("donor", "unit", "receipt")
        .order_by("-donation_date", "-pk")
    )


def institution_public(code: str) -> Unit:
    """The active institution with this code, for public pages; 404 if none (or if the code is ambiguous)."""
    roots = list(Unit.objects.filter(depth=1, kind=UnitKind.INSTITUTION, is_active=True, code=(code or "").upper())[:2])
    if len(roots) != 1:
        raise Http404
    return roots[0]


def campaign_public(institution_code: str, code: str) -> Campaign:
    """A public campaign by institution and campaign code, with its totals; 404 unless it is public."""
    institution = institution_public(institution_code)
    try:
        return with_totals(
            Campaign.objects.select_related("unit", "institution").filter(
                institution=institution, is_public=True, unit__is_active=True
            )
        ).get(code=(code or "").lower())
    except Campaign.DoesNotExist:
        raise Http404 from None


def fitrah_offices(institution: Unit, hijri_year: int) -> QuerySet[Unit]:
    """The offices a donor may pick on the public calculator: the institution and every active office
    that set its own zakat fitrah rate for ``hijri_year`` (the others follow one of these)."""
    with_rate = FitrahRate.objects.filter(unit__institution=institution, hijri_year=hijri_year).values("unit_id")
    return Unit.objects.filter(Q(pk=institution.pk) | Q(pk__in=with_rate), is_active=True).order_by("path")


@dataclass(frozen=True)
class Progress:
    collected: int
    target: int
    percent: int  # floor of collected / target in percent; may pass 100
    bar: int  # percent capped at 100, for the bar
    state: str  # "upcoming", "running" or "ended"
    days_left: int  # days until the end (0 when ended), or until the start when upcoming


def progress(campaign: Campaign, today: date) -> Progress:
    collected = int(getattr(campaign, "collected", 0) or 0)
    percent = collected * 100 // campaign.target if campaign.target > 0 else 0
    if today < campaign.start_date:
        state, days = "upcoming", (campaign.start_date - today).days
    elif today > campaign.end_date:
        state, days = "ended", 0
    else:
        # The last day counts: a campaign ending today has one day left.
        state, days = "running", (campaign.end_date - today).days + 1
    return Progress(
        collected=collected, target=campaign.target, percent=percent, bar=min(100, percent), state=state, days_left=days
    )


class CampaignPurposes:
    """The ledger's ``PurposeDirectory`` for the names of campaigns that raise for no program
    (registered in ``apps.ready``); they are offered at the counter as campaigns, not as purposes."""

    def for_unit(self, unit: Unit) -> list:
        return []

    def resolve(self, institution_id: int, value) -> None:
        return None

    def names(self, keys: set[str]) -> dict[str, str]:
        numbers = {key.removeprefix(CAMPAIGN_PREFIX) for key in keys if key.startswith(CAMPAIGN_PREFIX)}
        ids = {int(n) for n in numbers if n.isascii() and n.isdigit() and len(n) < 19}
        return {campaign_key(pk): name for pk, name in Campaign.objects.filter(pk__in=ids).values_list("pk", "name")}

    def held_in(self, institution_id: int) -> list[Purpose]:
        """Campaigns that raise for no program hold their gifts under their own key (the others
        under their program's, which the program directory lists)."""
        rows = Campaign.objects.filter(institution_id=institution_id, purpose="").order_by("name", "pk")
        return [Purpose(key=campaign_key(c.pk), code=c.code, name=c.name) for c in rows.only("pk", "code", "name")]


# --- the public "ways to give" page ----------------------------------------------------------------


def office_public(institution: Unit, code: str | None) -> Unit | None:
    """An active office of ``institution`` by its code (the institution itself for its own code); None if none."""
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    return Unit.objects.filter(institution=institution, code=code, is_active=True).first()


def campaign_public_of(institution: Unit, code: str | None) -> Campaign | None:
    """The public campaign of ``institution`` with this code, or None (a bad code is simply not named)."""
    code = (code or "").strip().lower()
    if not code or len(code) > 50:
        return None
    return (
        Campaign.objects.select_related("unit")
        .filter(institution=institution, is_public=True, unit__is_active=True, code=code)
        .first()
    )


def giving_bank_accounts(office: Unit) -> list[Account]:
    """The active bank accounts that take transfers for ``office``: its own, or else those of the
    nearest office above it that has some (a branch without an account banks with its parent)."""
    accounts = list(
        Account.objects.filter(
            institution_id=office.institution_id,
            role=AccountRole.BANK,
            is_active=True,
            unit__path__in=office.lineage_paths,
            unit__is_active=True,
        )
        .select_related("unit")
        .order_by("-unit__depth", "code")
    )
    return [account for account in accounts if account.unit_id == accounts[0].unit_id] if accounts else []


def giving_office(office: Unit) -> Unit:
    """Where a donor can pay in person: ``office`` if it gives an address or office hours (its own week
    of hours, or a note), or else the nearest office above it that does."""
    own_hours = OpeningPeriod.objects.filter(unit=OuterRef("pk"), schedule=Schedule.OFFICE)
    lineage = (
        Unit.objects.filter(path__in=office.lineage_paths, is_active=True)
        .annotate(sets_hours=Exists(own_hours))
        .order_by("-depth")
    )
    for unit in lineage:
        if unit.address.strip() or unit.office_hours.strip() or unit.sets_hours:
            return unit
    return office


def giving_whatsapp(office: Unit) -> Unit | None:
    """The office a donor chats with by WhatsApp: the nearest one, ``office`` first, that gives a number."""
    lineage = Unit.objects.filter(path__in=office.lineage_paths, is_active=True).exclude(whatsapp="")
    return lineage.order_by("-depth").first()
