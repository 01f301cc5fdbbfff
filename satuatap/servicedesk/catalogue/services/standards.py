"""A service's standard (the 14 components of PermenPANRB 15/2014): drafted (a new version copies the
latest one), approved by the unit head once every component is filled, published from an effective
date no earlier than today, then frozen; older versions stay readable."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.formatting import format_date
from satuatap.core.money import is_whole_rupiah
from satuatap.core.text import squash
from satuatap.organizations.permissions import require
from satuatap.servicedesk.catalogue.selectors import COMPONENTS, missing_components
from satuatap.servicedesk.catalogue.services.checks import (
    APPROVE,
    CONFIGURE,
    MAX_REQUIREMENTS,
    MAX_STEPS,
    MAX_TEXT,
    changes_of,
    flag_of,
    number_of,
    text_of,
)
from satuatap.servicedesk.errors import CatalogueRefused
from satuatap.servicedesk.models import (
    Service,
    ServiceStandard,
    StandardRequirement,
    StandardStatus,
)

STANDARD_TEXTS = (
    "legal_basis", "product", "complaint_channels", "facilities", "staff_competence", "internal_supervision",
    "service_guarantee", "security_guarantee", "performance_evaluation", "tariff_basis",
)  # fmt: skip
STANDARD_FIELDS = (
    *STANDARD_TEXTS, "procedure", "service_minutes", "service_days", "service_time_note", "is_free", "tariff",
    "staff_count",
)  # fmt: skip

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
        description = text_of(item.get("description") or "", "requirements", 1000)
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
                clean[name] = text_of(fields[name], name, MAX_TEXT, lines=True)
    if "service_time_note" in fields:
        with refusals.check():
            clean["service_time_note"] = text_of(fields["service_time_note"], "service_time_note", 300)
    if "procedure" in fields:
        with refusals.check():
            clean["procedure"] = _procedure_checked(fields["procedure"])
    if "service_minutes" in fields:
        with refusals.check():
            clean["service_minutes"] = number_of(fields["service_minutes"], "service_minutes", 1, 1440, optional=True)
    if "service_days" in fields:
        with refusals.check():
            clean["service_days"] = number_of(fields["service_days"], "service_days", 0, 365, optional=True)
    if "staff_count" in fields:
        with refusals.check():
            clean["staff_count"] = number_of(fields["staff_count"], "staff_count", 0, 1000, optional=True)
    if "is_free" in fields:
        with refusals.check():
            clean["is_free"] = flag_of(fields["is_free"], "is_free")
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
    changes = changes_of(standard, before, STANDARD_FIELDS) if not created else {"version": [None, standard.version]}
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
