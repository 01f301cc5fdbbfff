"""Writes of the service catalogue (issue 17, part 1 and the WhatsApp line of part 6).

A unit defines its services (``service_save``); a unit below may adopt an ancestor's service, which
then follows the ancestor's published standard and adds local details (``service_adopt``). A
service's standard (the 14 components of PermenPANRB 15/2014) is drafted (``standard_draft``: a new
version copies the latest one), approved by the unit head (``standard_approve``: every component
filled) and published from an effective date no earlier than today (``standard_publish``); a
published version is frozen, and the older ones stay readable. ``desk_settings_save`` keeps the
unit's maklumat pelayanan, its WhatsApp line and the queue's rules.

Who acts: ``servicedesk.configure`` (administrators, heads) sets services, drafts and publishes;
only the head (``servicedesk.approve``) approves. Every refusal of one call is raised at once.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.formatting import format_date
from satuatap.core.identifiers import clean_phone
from satuatap.core.money import is_whole_rupiah
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.servicedesk.catalogue.selectors import COMPONENTS, missing_components
from satuatap.servicedesk.errors import CatalogueRefused
from satuatap.servicedesk.models import (
    DeskSettings,
    NoShowRule,
    Service,
    ServiceStandard,
    StandardRequirement,
    StandardStatus,
)
from satuatap.servicedesk.models.catalogue import service_code_validator

__all__ = [
    "desk_settings_save",
    "service_adopt",
    "service_save",
    "standard_approve",
    "standard_draft",
    "standard_publish",
]

CONFIGURE = "servicedesk.configure"
APPROVE = "servicedesk.approve"

# Limits a form, the API and the services share.
MAX_QUOTA = 10_000
MAX_STEPS = 30
MAX_REQUIREMENTS = 40
MAX_TEXT = 4_000

SERVICE_FIELDS = (
    "code", "name", "category", "description", "needs_queue", "needs_appointment", "needs_request",
    "local_details", "daily_quota", "slot_minutes", "slot_capacity", "position", "is_active",
)  # fmt: skip
# Text components of a standard (the others: procedure, times, cost, staff count, requirements).
STANDARD_TEXTS = (
    "legal_basis", "product", "complaint_channels", "facilities", "staff_competence", "internal_supervision",
    "service_guarantee", "security_guarantee", "performance_evaluation", "tariff_basis",
)  # fmt: skip
STANDARD_FIELDS = (
    *STANDARD_TEXTS, "procedure", "service_minutes", "service_days", "service_time_note", "is_free", "tariff",
    "staff_count",
)  # fmt: skip
DESK_NUMBERS = {
    "recalls_before_no_show": (0, 10),
    "no_show_recall_calls": (0, 50),
    "priority_every": (1, 20),
    "early_check_in_minutes": (0, 240),
    "late_check_in_minutes": (0, 240),
    "notify_when_ahead": (0, 50),
}


# --- small checks -----------------------------------------------------------------------------------


def _text(value, field: str, limit: int, *, required: bool = False, message: str = "", lines: bool = False) -> str:
    """Typed text: one line squashed, or (``lines``) several lines each squashed, blank lines dropped."""
    if value is not None and not isinstance(value, str):
        raise CatalogueRefused(_("Enter text."), field=field)
    if lines:
        text = "\n".join(line for line in (squash(line) for line in (value or "").splitlines()) if line)
    else:
        text = squash(value)
    if required and not text:
        raise CatalogueRefused(message or _("This field is required."), field=field)
    if len(text) > limit:
        raise CatalogueRefused(_("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field)
    return text


def _number(value, field: str, low: int, high: int, *, optional: bool = False) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        raise CatalogueRefused(_("Enter a whole number."), field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogueRefused(_("Enter a whole number."), field=field)
    if not low <= value <= high:
        raise CatalogueRefused(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field
        )
    return value


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise CatalogueRefused(_("Answer yes or no."), field=field)
    return value


def _is_ancestor(ancestor: Unit, unit: Unit) -> bool:
    return unit.path.startswith(ancestor.path) and unit.path != ancestor.path


def _changes(row, before: dict, fields) -> dict:
    return {
        name: [before.get(name), getattr(row, name)]
        for name in fields
        if before.get(name) != getattr(row, name) and not isinstance(getattr(row, name), list)
    } | {
        name: {"from": before.get(name), "to": getattr(row, name)}
        for name in fields
        if isinstance(getattr(row, name), list) and before.get(name) != getattr(row, name)
    }


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
            clean["name"] = _text(fields["name"], "name", 200, required=True, message=_("Name the service."))
    for name, limit in (("category", 100), ("description", MAX_TEXT), ("local_details", MAX_TEXT)):
        if name in fields and not (adopted and name in ("category", "description")):
            with refusals.check():
                clean[name] = _text(fields[name], name, limit, lines=name != "category")
    for name in ("needs_queue", "needs_appointment", "needs_request", "is_active"):
        if name in fields:
            with refusals.check():
                clean[name] = _flag(fields[name], name)
    if "daily_quota" in fields:
        with refusals.check():
            clean["daily_quota"] = _number(fields["daily_quota"], "daily_quota", 1, MAX_QUOTA, optional=True)
    if "slot_minutes" in fields:
        with refusals.check():
            clean["slot_minutes"] = _number(fields["slot_minutes"], "slot_minutes", 5, 480)
    if "slot_capacity" in fields:
        with refusals.check():
            clean["slot_capacity"] = _number(fields["slot_capacity"], "slot_capacity", 1, 500)
    if "position" in fields:
        with refusals.check():
            clean["position"] = _number(fields["position"], "position", 0, 999)
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
    changes = _changes(service, before, SERVICE_FIELDS)
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
        local_details = _text(local_details, "local_details", MAX_TEXT, lines=True)
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


# --- standards --------------------------------------------------------------------------------------


def _requirements_checked(value) -> list[dict]:
    if not isinstance(value, list):
        raise CatalogueRefused(_("List the requirements."), field="requirements")
    if len(value) > MAX_REQUIREMENTS:
        raise CatalogueRefused(_("At most %(max)s requirements.") % {"max": MAX_REQUIREMENTS}, field="requirements")
    items = []
    for item in value:
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise CatalogueRefused(_("Each requirement needs a name."), field="requirements")
        name = squash(item.get("name"))
        if not name:
            continue
        if len(name) > 300:
            raise CatalogueRefused(
                _("A requirement's name is too long (at most %(max)s characters).") % {"max": 300},
                field="requirements",
            )
        description = _text(item.get("description") or "", "requirements", 1000)
        items.append(
            {
                "name": name,
                "description": description,
                "needs_document": bool(item.get("needs_document", True)),
                "is_mandatory": bool(item.get("is_mandatory", True)),
            }
        )
    return items


def _procedure_checked(value) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(step, str) for step in value):
        raise CatalogueRefused(_("Write the procedure as steps, one a line."), field="procedure")
    steps = [squash(step) for step in value if squash(step)]
    if len(steps) > MAX_STEPS:
        raise CatalogueRefused(_("At most %(max)s steps.") % {"max": MAX_STEPS}, field="procedure")
    if any(len(step) > 500 for step in steps):
        raise CatalogueRefused(_("A step is too long (at most %(max)s characters).") % {"max": 500}, field="procedure")
    return steps


def _standard_checked(fields: dict, current: ServiceStandard) -> dict:
    refusals = Refusals()
    clean: dict = {}
    for name in STANDARD_TEXTS:
        if name in fields:
            with refusals.check():
                clean[name] = _text(fields[name], name, MAX_TEXT, lines=True)
    if "service_time_note" in fields:
        with refusals.check():
            clean["service_time_note"] = _text(fields["service_time_note"], "service_time_note", 300)
    if "procedure" in fields:
        with refusals.check():
            clean["procedure"] = _procedure_checked(fields["procedure"])
    if "service_minutes" in fields:
        with refusals.check():
            clean["service_minutes"] = _number(fields["service_minutes"], "service_minutes", 1, 1440, optional=True)
    if "service_days" in fields:
        with refusals.check():
            clean["service_days"] = _number(fields["service_days"], "service_days", 0, 365, optional=True)
    if "staff_count" in fields:
        with refusals.check():
            clean["staff_count"] = _number(fields["staff_count"], "staff_count", 0, 1000, optional=True)
    if "is_free" in fields:
        with refusals.check():
            clean["is_free"] = _flag(fields["is_free"], "is_free")
    is_free = clean.get("is_free", current.is_free)
    if is_free:
        clean["tariff"] = 0
    elif "tariff" in fields or "is_free" in fields:
        with refusals.check():
            tariff = fields.get("tariff", current.tariff)
            if not is_whole_rupiah(tariff):
                raise CatalogueRefused(
                    _("Enter the tariff in whole rupiah (more than zero), or mark the service free of charge."),
                    field="tariff",
                )
            clean["tariff"] = tariff
    if "requirements" in fields and fields["requirements"] is not None:
        with refusals.check():
            clean["requirements"] = _requirements_checked(fields["requirements"])
    refusals.raise_any(CatalogueRefused)
    return clean


def _copy_of(latest: ServiceStandard | None) -> dict:
    if latest is None:
        return {}
    values = {name: getattr(latest, name) for name in STANDARD_FIELDS}
    values["procedure"] = list(latest.procedure or [])
    return values


def _save_requirements(standard: ServiceStandard, items: list[dict]) -> None:
    standard.requirements.all().delete()
    StandardRequirement.objects.bulk_create(
        StandardRequirement(standard=standard, position=index, **item) for index, item in enumerate(items)
    )


def _requirement_items(standard: ServiceStandard) -> list[dict]:
    return [
        {"name": r.name, "description": r.description, "needs_document": r.needs_document,
         "is_mandatory": r.is_mandatory}
        for r in standard.requirements.all()
    ]  # fmt: skip


@transaction.atomic
def standard_draft(*, actor, service: Service, standard: ServiceStandard | None = None, **fields) -> ServiceStandard:
    """Without ``standard``: start the service's next version, a copy of its latest one (refused while
    a version waits unpublished: edit that one). With it: change that draft (only the fields given;
    ``requirements`` replaces the checklist). Changing an approved version sends it back to draft;
    a published version is frozen."""
    unknown = set(fields) - {*STANDARD_FIELDS, "requirements"}
    if unknown:
        raise TypeError(f"unknown standard fields: {sorted(unknown)}")
    service = Service.objects.select_for_update().select_related("unit").get(pk=service.pk)
    require(actor, CONFIGURE, service.unit)
    if service.adopted_from_id is not None:
        raise CatalogueRefused(
            _("An adopted service follows the standard of %(unit)s; it has no standard of its own.")
            % {"unit": service.adopted_from.unit.name if service.adopted_from else ""}
        )
    created = standard is None
    if standard is None:
        waiting = service.standards.exclude(status=StandardStatus.PUBLISHED).order_by("-version").first()
        if waiting is not None:
            raise CatalogueRefused(
                _("Version %(version)s is not published yet: change that one instead.") % {"version": waiting.version}
            )
        latest = service.standards.order_by("-version").first()
        standard = ServiceStandard(
            service=service,
            version=(latest.version + 1) if latest else 1,
            drafted_by=actor if getattr(actor, "is_authenticated", False) else None,
            **_copy_of(latest),
        )
        requirements = _requirement_items(latest) if latest else []
    else:
        standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
        if standard.service_id != service.pk:
            raise NotAllowed(_("This standard belongs to another service."))
        if standard.status == StandardStatus.PUBLISHED:
            raise CatalogueRefused(
                _("Version %(version)s is published and cannot change: start a new version.")
                % {"version": standard.version}
            )
        requirements = _requirement_items(standard)
    clean = _standard_checked(fields, standard)
    before = {name: getattr(standard, name) for name in STANDARD_FIELDS} if not created else {}
    before_requirements = requirements
    new_requirements = clean.pop("requirements", None)
    for name, value in clean.items():
        setattr(standard, name, value)
    was_approved = standard.status == StandardStatus.APPROVED
    changed = created or any(before.get(n) != getattr(standard, n) for n in STANDARD_FIELDS)
    changed = changed or (new_requirements is not None and new_requirements != before_requirements)
    if not changed:
        return standard
    if was_approved:
        standard.status = StandardStatus.DRAFT
        standard.approved_by = None
        standard.approved_at = None
    standard.save()
    if created or new_requirements is not None:
        _save_requirements(standard, new_requirements if new_requirements is not None else requirements)
    changes = _changes(standard, before, STANDARD_FIELDS) if not created else {"version": [None, standard.version]}
    if new_requirements is not None and new_requirements != before_requirements:
        changes["requirements"] = {
            "from": [r["name"] for r in before_requirements],
            "to": [r["name"] for r in new_requirements],
        }
    if was_approved:
        changes["status"] = [StandardStatus.APPROVED, StandardStatus.DRAFT]
    audit_record(actor=actor, action=AuditAction.STANDARD_SAVED, target=standard, unit=service.unit, changes=changes)
    return standard


def _locked_standard(standard: ServiceStandard) -> ServiceStandard:
    return ServiceStandard.objects.select_for_update().select_related("service__unit").get(pk=standard.pk)


@transaction.atomic
def standard_approve(*, actor, standard: ServiceStandard) -> ServiceStandard:
    """The unit head approves a draft whose 14 components are all filled (each missing one named)."""
    standard = _locked_standard(standard)
    unit = standard.service.unit
    require(actor, APPROVE, unit)
    if standard.status != StandardStatus.DRAFT:
        raise CatalogueRefused(
            _("Only a draft can be approved; version %(version)s is %(status)s.")
            % {"version": standard.version, "status": standard.get_status_display().lower()}
        )
    missing = missing_components(standard)
    if missing:
        refusals = Refusals()
        for field in missing:
            refusals.found.append(
                CatalogueRefused(
                    _("Fill in %(component)s before approval.") % {"component": COMPONENTS[field]}, field=field
                )  # fmt: skip
            )
        refusals.raise_any(CatalogueRefused)
    standard.status = StandardStatus.APPROVED
    standard.approved_by = actor
    standard.approved_at = timezone.now()
    standard.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STANDARD_APPROVED,
        target=standard,
        unit=unit,
        changes={"status": [StandardStatus.DRAFT, StandardStatus.APPROVED]},
    )
    return standard


@transaction.atomic
def standard_publish(*, actor, standard: ServiceStandard, effective_from: date | None) -> ServiceStandard:
    """Publish an approved version from ``effective_from`` (today or later in the unit's zone, not
    before the version now published): from then on it is the service's promise, frozen."""
    standard = _locked_standard(standard)
    unit = standard.service.unit
    require(actor, CONFIGURE, unit)
    refusals = Refusals()
    with refusals.check():
        if standard.status == StandardStatus.PUBLISHED:
            raise CatalogueRefused(_("Version %(version)s is already published.") % {"version": standard.version})
        if standard.status != StandardStatus.APPROVED:
            raise CatalogueRefused(_("The unit head must approve this version before it is published."))
    with refusals.check():
        today = timezone.localtime(timezone.now(), unit.tzinfo).date()
        if not isinstance(effective_from, date):
            raise CatalogueRefused(_("Give the date the standard takes effect."), field="effective_from")
        if effective_from < today:
            raise CatalogueRefused(_("The effective date cannot be in the past."), field="effective_from")
        later = (
            ServiceStandard.objects.filter(
                service=standard.service, status=StandardStatus.PUBLISHED, effective_from__gt=effective_from
            )
            .order_by("-effective_from")
            .first()
        )
        if later is not None:
            raise CatalogueRefused(
                _("Version %(version)s takes effect later (%(day)s): choose that day or a later one.")
                % {"version": later.version, "day": format_date(later.effective_from)},
                field="effective_from",
            )
    refusals.raise_any(CatalogueRefused)
    standard.status = StandardStatus.PUBLISHED
    standard.effective_from = effective_from
    standard.published_by = actor
    standard.published_at = timezone.now()
    standard.save(update_fields=["status", "effective_from", "published_by", "published_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STANDARD_PUBLISHED,
        target=standard,
        unit=unit,
        changes={
            "status": [StandardStatus.APPROVED, StandardStatus.PUBLISHED],
            "effective_from": [None, effective_from.isoformat()],
        },  # fmt: skip
    )
    return standard


# --- desk settings ----------------------------------------------------------------------------------

DESK_FIELDS = ("maklumat", "whatsapp_line", "no_show_rule", *DESK_NUMBERS)


@transaction.atomic
def desk_settings_save(*, actor, unit: Unit, **fields) -> DeskSettings:
    """The unit's maklumat pelayanan, its WhatsApp service line (a real phone number) and its queue
    rules (only the fields given)."""
    unknown = set(fields) - set(DESK_FIELDS)
    if unknown:
        raise TypeError(f"unknown desk settings: {sorted(unknown)}")
    require(actor, CONFIGURE, unit)
    settings_row = DeskSettings.objects.select_for_update().filter(unit=unit).first() or DeskSettings(unit=unit)
    refusals = Refusals()
    clean: dict = {}
    if "maklumat" in fields:
        with refusals.check():
            clean["maklumat"] = _text(fields["maklumat"], "maklumat", MAX_TEXT, lines=True)
    if "whatsapp_line" in fields:
        with refusals.check():
            if fields["whatsapp_line"] is not None and not isinstance(fields["whatsapp_line"], str):
                raise CatalogueRefused(_("This is not a phone number."), field="whatsapp_line")
            clean["whatsapp_line"] = clean_phone(fields["whatsapp_line"], CatalogueRefused, "whatsapp_line")
    if "no_show_rule" in fields:
        with refusals.check():
            if fields["no_show_rule"] not in NoShowRule.values:
                raise CatalogueRefused(_("Choose what happens after a no-show."), field="no_show_rule")
            clean["no_show_rule"] = fields["no_show_rule"]
    for name, (low, high) in DESK_NUMBERS.items():
        if name in fields:
            with refusals.check():
                clean[name] = _number(fields[name], name, low, high)
    refusals.raise_any(CatalogueRefused)
    before = {name: getattr(settings_row, name) for name in DESK_FIELDS} if settings_row.pk else {}
    for name, value in clean.items():
        setattr(settings_row, name, value)
    changes = {
        n: [before.get(n), getattr(settings_row, n)] for n in DESK_FIELDS if before.get(n) != getattr(settings_row, n)
    }
    if settings_row.pk and not changes:
        return settings_row
    settings_row.save()
    audit_record(actor=actor, action=AuditAction.QUEUE_CONFIGURED, target=settings_row, unit=unit, changes=changes,
                 note="desk settings")  # fmt: skip
    return settings_row
