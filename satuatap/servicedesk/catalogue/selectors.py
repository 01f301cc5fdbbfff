"""Reads of the service catalogue: a unit's services and the standard in force, scoped for staff
and public for the published parts."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from satuatap.organizations.models import Unit
from satuatap.servicedesk.models import DeskSettings, Service, ServiceStandard, StandardStatus

__all__ = ["desk_settings", "services_offered", "standard_in_force"]


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
