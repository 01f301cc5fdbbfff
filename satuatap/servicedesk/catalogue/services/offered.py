"""Services a unit offers: its own (``service_save``) and those it adopts from a unit above
(``service_adopt``), which follow the parent's published standard."""

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.servicedesk.catalogue.services.checks import (
    CONFIGURE,
    MAX_QUOTA,
    MAX_TEXT,
    changes_of,
    flag_of,
    number_of,
    text_of,
)
from satuatap.servicedesk.errors import CatalogueRefused
from satuatap.servicedesk.models import (
    Service,
    StandardStatus,
)
from satuatap.servicedesk.models.catalogue import service_code_validator

SERVICE_FIELDS = (
    "code", "name", "category", "description", "needs_queue", "needs_appointment", "needs_request",
    "local_details", "daily_quota", "slot_minutes", "slot_capacity", "position", "is_active",
)  # fmt: skip


def _is_ancestor(ancestor: Unit, unit: Unit) -> bool:
    return unit.path.startswith(ancestor.path) and unit.path != ancestor.path


# --- services ---------------------------------------------------------------------------------------


def _service_checked(unit: Unit, service: Service | None, fields: dict) -> dict:
    """The cleaned fields given (only those), or every refusal at once."""
    refusals = Refusals()
    clean: dict = {}
    adopted = service is not None and service.adopted_from_id is not None
    if "code" in fields and not adopted:
        with refusals.check():
            code = squash(fields["code"]).upper()
            if not code:
                raise CatalogueRefused(_("Give the service a short code (for example KTP)."), field="code")
            try:
                service_code_validator(code)
            except Exception:
                raise CatalogueRefused(
                    _("Use 2 to 10 capital letters or digits, without spaces (for example KTP or AKTA01)."),
                    field="code",
                ) from None
            taken = Service.objects.filter(unit=unit, code=code)
            if service is not None:
                taken = taken.exclude(pk=service.pk)
            if taken.exists():
                raise CatalogueRefused(_("This unit already has a service with this code."), field="code")
            clean["code"] = code
    if "name" in fields and not adopted:
        with refusals.check():
            clean["name"] = text_of(fields["name"], "name", 200, required=True, message=_("Name the service."))
    for name, limit in (("category", 100), ("description", MAX_TEXT), ("local_details", MAX_TEXT)):
        if name in fields and not (adopted and name in ("category", "description")):
            with refusals.check():
                clean[name] = text_of(fields[name], name, limit, lines=name != "category")
    for name in ("needs_queue", "needs_appointment", "needs_request", "is_active"):
        if name in fields:
            with refusals.check():
                clean[name] = flag_of(fields[name], name)
    if "daily_quota" in fields:
        with refusals.check():
            clean["daily_quota"] = number_of(fields["daily_quota"], "daily_quota", 1, MAX_QUOTA, optional=True)
    if "slot_minutes" in fields:
        with refusals.check():
            clean["slot_minutes"] = number_of(fields["slot_minutes"], "slot_minutes", 5, 480)
    if "slot_capacity" in fields:
        with refusals.check():
            clean["slot_capacity"] = number_of(fields["slot_capacity"], "slot_capacity", 1, 500)
    if "position" in fields:
        with refusals.check():
            clean["position"] = number_of(fields["position"], "position", 0, 999)
    ways = {
        name: clean.get(name, getattr(service, name) if service is not None else name == "needs_queue")
        for name in ("needs_queue", "needs_appointment", "needs_request")
    }
    flag_refused = any(name in getattr(found, "error_dict", {}) for found in refusals.found for name in ways)
    if not any(ways.values()) and not flag_refused:
        refusals.found.append(
            CatalogueRefused(
                _("Say how the service is given: at the queue, by appointment, as a request, or several."),
                field="needs_queue",
            )
        )
    if service is None:
        for name, message in (("code", _("Give the service a short code (for example KTP).")),
                              ("name", _("Name the service."))):  # fmt: skip
            if name not in fields:
                refusals.found.append(CatalogueRefused(message, field=name))
    refusals.raise_any(CatalogueRefused)
    return clean


@transaction.atomic
def service_save(*, actor, unit: Unit, service: Service | None = None, **fields) -> Service:
    """Add a service to ``unit``'s catalogue, or change one (only the fields given). The code is
    unique in the unit; a service is given at the queue, by appointment, as a request, or several.
    An adopted service keeps its parent's code, name and description: only its local details and
    the way this unit gives it change."""
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown service fields: {sorted(unknown)}")
    if service is not None:
        service = Service.objects.select_for_update().get(pk=service.pk)
        unit = service.unit
    require(actor, CONFIGURE, unit)
    clean = _service_checked(unit, service, fields)
    before = {name: getattr(service, name) for name in SERVICE_FIELDS} if service is not None else {}
    if service is None:
        if "position" not in clean:
            clean["position"] = Service.objects.filter(unit=unit).count()
        service = Service.objects.create(unit=unit, **clean)
    else:
        for name, value in clean.items():
            setattr(service, name, value)
        service.save()
    changes = changes_of(service, before, SERVICE_FIELDS)
    if before and not changes:
        return service
    audit_record(actor=actor, action=AuditAction.SERVICE_SAVED, target=service, unit=unit, changes=changes)
    return service


@transaction.atomic
def service_adopt(*, actor, unit: Unit, parent_service: Service, local_details: str = "") -> Service:
    """``unit`` adopts a service of a unit above it: a service of its own that follows the parent's
    published standard, with the parent's code and name and this unit's local details."""
    require(actor, CONFIGURE, unit)
    refusals = Refusals()
    with refusals.check():
        if not _is_ancestor(parent_service.unit, unit):
            raise CatalogueRefused(_("Only a service of a unit above this one can be adopted."), field="parent_service")
        if not parent_service.is_active:
            raise CatalogueRefused(_("This service is no longer offered above."), field="parent_service")
        source = parent_service
        while source.adopted_from is not None:
            source = source.adopted_from
        if not source.standards.filter(status=StandardStatus.PUBLISHED).exists():
            raise CatalogueRefused(
                _("This service has no published standard yet: it can be adopted once one is published."),
                field="parent_service",
            )
        if Service.objects.filter(unit=unit, adopted_from=parent_service).exists():
            raise CatalogueRefused(_("This unit has already adopted this service."), field="parent_service")
        if Service.objects.filter(unit=unit, code=parent_service.code).exists():
            raise CatalogueRefused(
                _("This unit already has a service with the code %(code)s.") % {"code": parent_service.code},
                field="parent_service",
            )
    with refusals.check():
        local_details = text_of(local_details, "local_details", MAX_TEXT, lines=True)
    refusals.raise_any(CatalogueRefused)
    service = Service.objects.create(
        unit=unit,
        code=parent_service.code,
        name=parent_service.name,
        category=parent_service.category,
        description=parent_service.description,
        needs_queue=parent_service.needs_queue,
        needs_appointment=parent_service.needs_appointment,
        needs_request=parent_service.needs_request,
        daily_quota=parent_service.daily_quota,
        slot_minutes=parent_service.slot_minutes,
        slot_capacity=parent_service.slot_capacity,
        adopted_from=parent_service,
        local_details=local_details,
        position=Service.objects.filter(unit=unit).count(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_ADOPTED,
        target=service,
        unit=unit,
        changes={"adopted_from": [None, parent_service.pk]},
        note=f"{parent_service.unit.code}/{parent_service.code}",
    )
    return service
