"""Reads of the service catalogue: a unit's services and the standard in force, scoped for staff
and public for the published parts."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import calendar_for, scoped
from satuatap.servicedesk.models import DeskSettings, Service, ServiceStandard, StandardStatus

StrOrPromise = str | Promise

__all__ = [
    "COMPONENTS",
    "DELIVERY",
    "MANAGEMENT",
    "CatalogueRow",
    "HoursNow",
    "PublicService",
    "adoptable",
    "catalogue_of",
    "desk_settings",
    "drafts_waiting",
    "hours_now",
    "missing_components",
    "public_service",
    "public_services",
    "published_versions",
    "service_for",
    "services_for",
    "services_offered",
    "standard_for",
    "standard_in_force",
    "standards_in_force",
    "standard_source",
    "standard_waiting",
    "standards_for",
    "standards_of",
    "week_summary",
]


def standard_in_force(service: Service, on: date | None = None) -> ServiceStandard | None:
    """The published standard of ``service`` in force on ``on`` (today in the unit's zone): the
    latest published version effective by then. An adopted service follows its parent's."""
    source = service
    while source.adopted_from_id is not None and source.adopted_from is not None:
        source = source.adopted_from
    day = on or timezone.localtime(timezone.now(), service.unit.tzinfo).date()
    return (
        ServiceStandard.objects.filter(service=source, status=StandardStatus.PUBLISHED, effective_from__lte=day)
        .order_by("-effective_from", "-version")
        .first()
    )


def services_offered(unit: Unit, *, queue: bool | None = None, appointment: bool | None = None,
                     request: bool | None = None) -> QuerySet[Service]:  # fmt: skip
    """The active services ``unit`` offers (its own and those it adopted), optionally only those
    served at the queue, by appointment or as requests."""
    services = Service.objects.filter(unit=unit, is_active=True).select_related("adopted_from", "unit")
    if queue is not None:
        services = services.filter(needs_queue=queue)
    if appointment is not None:
        services = services.filter(needs_appointment=appointment)
    if request is not None:
        services = services.filter(needs_request=request)
    return services.filter(Q(adopted_from__isnull=True) | Q(adopted_from__is_active=True)).order_by("position", "name")


def desk_settings(unit: Unit) -> DeskSettings:
    """The unit's desk settings; the defaults (unsaved) until the unit sets them."""
    return DeskSettings.objects.filter(unit=unit).first() or DeskSettings(unit=unit)


# --- the 14 components of PermenPANRB 15/2014 ---------------------------------------------------------

# Field (as refusals name it) -> the component's name. Delivery first (penyampaian), then management.
COMPONENTS: dict[str, StrOrPromise] = {
    "legal_basis": _("legal basis"),
    "requirements": _("requirements"),
    "procedure": _("procedure"),
    "service_minutes": _("service time"),
    "tariff": _("cost or tariff"),
    "product": _("product of the service"),
    "complaint_channels": _("complaint handling"),
    "facilities": _("facilities"),
    "staff_competence": _("staff competence"),
    "internal_supervision": _("internal supervision"),
    "staff_count": _("number of staff"),
    "service_guarantee": _("guarantee of service"),
    "security_guarantee": _("security and safety guarantee"),
    "performance_evaluation": _("performance evaluation"),
}
DELIVERY = ("legal_basis", "requirements", "procedure", "service_minutes", "tariff", "product")
MANAGEMENT = (
    "complaint_channels", "facilities", "staff_competence", "internal_supervision", "staff_count",
    "service_guarantee", "security_guarantee", "performance_evaluation",
)  # fmt: skip


def missing_components(standard: ServiceStandard) -> list[str]:
    """The components of ``standard`` still empty (by the field a refusal names), in the regulation's order."""
    missing = []
    for field in COMPONENTS:
        if field == "requirements":
            empty = not standard.pk or not standard.requirements.exists()
        elif field == "procedure":
            empty = not standard.procedure
        elif field == "service_minutes":
            empty = standard.service_minutes is None and standard.service_days is None
        elif field == "tariff":
            empty = not standard.is_free and not (standard.tariff > 0 and standard.tariff_basis.strip())
        elif field == "staff_count":
            empty = not standard.staff_count
        else:
            empty = not str(getattr(standard, field) or "").strip()
        if empty:
            missing.append(field)
    return missing


# --- staff reads --------------------------------------------------------------------------------------

VIEW = "servicedesk.view"


def services_for(user, *, within: Unit | None = None) -> QuerySet[Service]:
    """The services of the units in whose subtree ``user`` holds ``servicedesk.view``."""
    services = scoped(Service.objects.select_related("unit", "adopted_from__unit"), user, VIEW)
    if within is not None:
        services = services.filter(unit__path__startswith=within.path)
    return services.order_by("unit__path", "position", "name")


def service_for(user, pk) -> Service:
    """The service ``pk`` if ``user`` may see it; 404 otherwise."""
    try:
        return services_for(user).get(pk=pk)
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def standards_for(user) -> QuerySet[ServiceStandard]:
    return scoped(
        ServiceStandard.objects.select_related("service__unit", "approved_by", "published_by", "drafted_by"),
        user,
        VIEW,
        "service__unit",
    )


def standard_for(user, pk) -> ServiceStandard:
    """The standard ``pk`` if ``user`` may see its service; 404 otherwise."""
    try:
        return standards_for(user).get(pk=pk)
    except (ServiceStandard.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def standards_of(service: Service) -> QuerySet[ServiceStandard]:
    """Every version of ``service``'s own standard, the newest first, with their checklists."""
    return (
        ServiceStandard.objects.filter(service=service)
        .select_related("approved_by", "published_by", "drafted_by")
        .prefetch_related("requirements")
        .order_by("-version")
    )


def standard_source(service: Service) -> Service:
    """The service whose standards ``service`` follows: itself, or the one it adopted (up the chain)."""
    source = service
    while source.adopted_from_id is not None and source.adopted_from is not None:
        source = source.adopted_from
    return source


def standard_waiting(service: Service) -> ServiceStandard | None:
    """The version of ``service`` not yet published (a draft or an approved one), if any."""
    return service.standards.exclude(status=StandardStatus.PUBLISHED).order_by("-version").first()


def adoptable(unit: Unit) -> list[Service]:
    """Active services of the units above ``unit`` with a published standard that ``unit`` has not
    adopted (and whose code it does not use)."""
    ancestors = [path for path in unit.lineage_paths if path != unit.path]
    taken = Service.objects.filter(unit=unit)
    codes = set(taken.values_list("code", flat=True))
    adopted = set(taken.exclude(adopted_from=None).values_list("adopted_from_id", flat=True))
    candidates = (
        Service.objects.filter(unit__path__in=ancestors, is_active=True)
        .select_related("unit", "adopted_from")
        .order_by("unit__path", "position", "name")
    )
    return [s for s in candidates if s.pk not in adopted and s.code not in codes and standard_in_force(s) is not None]


@dataclass
class CatalogueRow:
    service: Service
    in_force: ServiceStandard | None
    waiting: ServiceStandard | None


def standards_in_force(services: list[Service], on: date | None = None) -> dict[int, ServiceStandard | None]:
    """``standard_in_force`` of each of ``services`` (of one unit) in one query, with their checklists:
    service id -> the published standard in force on ``on`` (today in the unit's zone), or None."""
    if not services:
        return {}
    day = on or timezone.localtime(timezone.now(), services[0].unit.tzinfo).date()
    sources = {s.pk: standard_source(s) for s in services}
    found: dict[int, ServiceStandard] = {}
    rows = (
        ServiceStandard.objects.filter(
            service_id__in={source.pk for source in sources.values()},
            status=StandardStatus.PUBLISHED,
            effective_from__lte=day,
        )
        .prefetch_related("requirements")
        .order_by("service_id", "-effective_from", "-version")
    )
    for row in rows:
        found.setdefault(row.service_id, row)
    return {pk: found.get(source.pk) for pk, source in sources.items()}


def catalogue_of(unit: Unit, *, active_only: bool = False) -> list[CatalogueRow]:
    """The unit's own and adopted services, each with its standard in force and the version waiting
    (a fixed number of queries, whatever the number of services)."""
    services = Service.objects.filter(unit=unit).select_related("unit", "adopted_from__unit")
    if active_only:
        services = services.filter(is_active=True)
    services_list = list(services.order_by("position", "name"))
    in_force = standards_in_force(services_list)
    waiting: dict[int, ServiceStandard] = {}
    unpublished = ServiceStandard.objects.filter(service__in=services_list).exclude(status=StandardStatus.PUBLISHED)
    for row in unpublished.order_by("service_id", "-version"):
        waiting.setdefault(row.service_id, row)
    return [CatalogueRow(service=s, in_force=in_force[s.pk], waiting=waiting.get(s.pk)) for s in services_list]


def drafts_waiting(unit: Unit) -> QuerySet[ServiceStandard]:
    """Versions of the unit's services waiting for the head's approval."""
    return ServiceStandard.objects.filter(service__unit=unit, status=StandardStatus.DRAFT).select_related("service")


# --- public reads -------------------------------------------------------------------------------------


@dataclass
class PublicService:
    service: Service
    standard: ServiceStandard
    requirements: list


def public_services(unit: Unit) -> list[PublicService]:
    """The unit's active services with a standard in force today (what the public page shows)."""
    offered = list(services_offered(unit))
    in_force = standards_in_force(offered)
    return [
        PublicService(service, standard, list(standard.requirements.all()))
        for service in offered
        if (standard := in_force[service.pk]) is not None
    ]


def public_service(unit: Unit, code: str) -> PublicService:
    """One active service of ``unit`` by its code (any case) with its standard in force; 404 without one."""
    code = (code or "").strip().upper()
    service = services_offered(unit).filter(code=code).first() if 0 < len(code) <= 10 else None
    standard = standard_in_force(service) if service is not None else None
    if service is None or standard is None:
        raise Http404
    return PublicService(service, standard, list(standard.requirements.all()))


def published_versions(service: Service) -> QuerySet[ServiceStandard]:
    """Every published version of the standard ``service`` follows (older ones stay readable)."""
    return (
        ServiceStandard.objects.filter(service=standard_source(service), status=StandardStatus.PUBLISHED)
        .prefetch_related("requirements")
        .order_by("-effective_from", "-version")
    )


WEEKDAYS = (
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"),
)  # fmt: skip


@dataclass
class HoursNow:
    is_open: bool
    text: StrOrPromise
    week: list  # (day name, "08.00–12.00, 13.00–16.00" or "")

    @property
    def summary(self) -> str:
        return week_summary(self.week)


def week_summary(week: list) -> str:
    """The week's hours in a line, consecutive days with the same hours together:
    "Monday–Friday 08.00–16.00; Saturday 08.00–12.00"."""
    parts: list[str] = []
    start = 0
    for day in range(1, 8):
        if day == 7 or week[day][1] != week[start][1]:
            name, hours = week[start]
            if hours:
                days = str(name) if day - 1 == start else f"{week[start][0]}–{week[day - 1][0]}"
                parts.append(f"{days} {hours}")
            start = day
    return "; ".join(parts)


def _hm(moment) -> str:
    return moment.strftime("%H.%M")


def hours_now(unit: Unit, schedule: str = "office", at=None) -> HoursNow:
    """Whether ``unit`` is open now (or its WhatsApp line answers) and a sentence saying until when
    or when it opens again ("Open now, closes 16.00" / "Closed, opens again Monday 08.00"), with the
    week's hours."""
    calendar = calendar_for(unit, schedule)
    now = calendar.local(at)
    week = []
    for day in range(7):
        periods = list(calendar.week.get(day) or ())
        week.append((WEEKDAYS[day], ", ".join(f"{o.strftime('%H.%M')}–{c.strftime('%H.%M')}" for o, c in periods)))
    closes = calendar.closing_after(now)
    if closes is not None:
        if schedule == "whatsapp":
            text = _("The line answers now, until %(time)s.") % {"time": _hm(closes)}
        else:
            text = _("Open now, closes %(time)s") % {"time": _hm(closes)}
        return HoursNow(True, text, week)
    opening = calendar.next_opening(now)
    if opening is None:
        return HoursNow(False, _("Closed") if schedule != "whatsapp" else _("The line is closed now."), week)
    if opening.date() == now.date():
        when = _("today %(time)s") % {"time": _hm(opening)}
    elif (opening.date() - now.date()).days == 1:
        when = _("tomorrow %(time)s") % {"time": _hm(opening)}
    elif (opening.date() - now.date()).days < 7:
        when = f"{WEEKDAYS[opening.weekday()]} {_hm(opening)}"
    else:
        when = f"{opening.strftime('%d-%m-%Y')} {_hm(opening)}"
    reason = calendar.closed_because(now.date())
    if schedule == "whatsapp":
        text = _("The line is closed now; it answers again %(when)s.") % {"when": when}
    else:
        text = _("Closed, opens again %(when)s") % {"when": when}
    if reason:
        text = f"{text} ({reason})"
    return HoursNow(False, text, week)
