"""The service catalogue over the REST API.

Public (no login, throttled per address): a unit's services with their published standards in force.
Staff: the services of the units in whose subtree the user holds ``servicedesk.view`` (another unit's
id answers 404), a service's standard versions; writes check the role they need on their unit first
(403), then go through ``catalogue.services``, whose refusals become the API's one error shape
(400 with the field).
"""

from datetime import date, datetime

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.core.throttle import Rate, throttle_hit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import unit_for, unit_public
from satuatap.servicedesk.catalogue import selectors, services
from satuatap.servicedesk.models import Service, ServiceStandard

router = Router(tags=["servicedesk-catalogue"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
VIEW = "servicedesk.view"
CONFIGURE = "servicedesk.configure"
APPROVE = "servicedesk.approve"
PUBLIC_RATE = Rate(count=120, seconds=60)


# --- schemas --------------------------------------------------------------------------------------


class RequirementOut(Schema):
    name: str
    description: str
    needs_document: bool
    is_mandatory: bool


class RequirementIn(Schema):
    name: str = Field(max_length=300)
    description: str = Field("", max_length=1000)
    needs_document: bool = True
    is_mandatory: bool = True


class StandardOut(Schema):
    id: int
    service_id: int
    version: int
    status: str
    effective_from: date | None
    legal_basis: str
    requirements: list[RequirementOut]
    procedure: list[str] = Field(description="The steps, in order.")
    service_minutes: int | None = Field(description="Minutes at the counter.")
    service_days: int | None = Field(description="Working days to completion.")
    service_time_note: str
    is_free: bool
    tariff: int = Field(description="Whole rupiah; 0 when free of charge.")
    tariff_basis: str
    product: str
    complaint_channels: str
    facilities: str
    staff_competence: str
    internal_supervision: str
    staff_count: int | None
    service_guarantee: str
    security_guarantee: str
    performance_evaluation: str
    approved_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_requirements(obj):
        return list(obj.requirements.all())


class PublicStandardOut(Schema):
    version: int
    effective_from: date | None
    legal_basis: str
    requirements: list[RequirementOut]
    procedure: list[str]
    service_minutes: int | None
    service_days: int | None
    service_time_note: str
    is_free: bool
    tariff: int
    tariff_basis: str
    product: str
    complaint_channels: str
    facilities: str
    staff_competence: str
    internal_supervision: str
    staff_count: int | None
    service_guarantee: str
    security_guarantee: str
    performance_evaluation: str

    @staticmethod
    def resolve_requirements(obj):
        return list(obj.requirements.all())


class PublicServiceOut(Schema):
    code: str
    name: str
    category: str
    description: str
    local_details: str
    needs_queue: bool
    needs_appointment: bool
    needs_request: bool
    standard: PublicStandardOut


class ServiceOut(Schema):
    id: int
    unit_id: int
    code: str
    name: str
    category: str
    description: str
    needs_queue: bool
    needs_appointment: bool
    needs_request: bool
    adopted_from_id: int | None = Field(description="The service of a unit above this one follows.")
    local_details: str
    daily_quota: int | None = Field(description="Tickets a day; null: no quota.")
    slot_minutes: int
    slot_capacity: int
    position: int
    is_active: bool


class ServiceFilter(Schema):
    unit_id: int | None = Field(None, description="Services of this unit's subtree.")
    active: bool | None = None


class ServiceIn(Schema):
    unit_id: int | None = Field(None, description="The unit; default: your first unit where you configure.")
    code: str = Field(max_length=10, description="2 to 10 capital letters or digits, unique in the unit.")
    name: str = Field(max_length=200)
    category: str = Field("", max_length=100)
    description: str = Field("", max_length=4000)
    needs_queue: bool = True
    needs_appointment: bool = False
    needs_request: bool = False
    local_details: str = Field("", max_length=4000)
    daily_quota: int | None = None
    slot_minutes: int = 30
    slot_capacity: int = 4
    position: int | None = None
    is_active: bool = True
    adopt_service_id: int | None = Field(
        None, description="Adopt this service of a unit above instead (code and name are then the parent's)."
    )


class ServicePatch(Schema):
    code: str | None = Field(None, max_length=10)
    name: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=4000)
    needs_queue: bool | None = None
    needs_appointment: bool | None = None
    needs_request: bool | None = None
    local_details: str | None = Field(None, max_length=4000)
    daily_quota: int | None = None
    slot_minutes: int | None = None
    slot_capacity: int | None = None
    position: int | None = None
    is_active: bool | None = None


class StandardIn(Schema):
    """A new draft copies the latest version; the fields given here change it."""

    legal_basis: str | None = Field(None, max_length=4000)
    requirements: list[RequirementIn] | None = Field(None, description="Replaces the checklist.")
    procedure: list[str] | None = None
    service_minutes: int | None = None
    service_days: int | None = None
    service_time_note: str | None = Field(None, max_length=300)
    is_free: bool | None = None
    tariff: int | None = None
    tariff_basis: str | None = Field(None, max_length=4000)
    product: str | None = Field(None, max_length=4000)
    complaint_channels: str | None = Field(None, max_length=4000)
    facilities: str | None = Field(None, max_length=4000)
    staff_competence: str | None = Field(None, max_length=4000)
    internal_supervision: str | None = Field(None, max_length=4000)
    staff_count: int | None = None
    service_guarantee: str | None = Field(None, max_length=4000)
    security_guarantee: str | None = Field(None, max_length=4000)
    performance_evaluation: str | None = Field(None, max_length=4000)


class PublishIn(Schema):
    effective_from: date = Field(description="Today or later, in the unit's time zone.")


# --- public -------------------------------------------------------------------------------------------


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "fields": {}}}


@router.get(
    "/public/units/{institution}/{unit}/services",
    auth=None,
    response={200: list[PublicServiceOut], 404: ErrorOut, 429: ErrorOut},
    summary="A unit's services with their published standards in force (no login)",
    operation_id="satuatap_servicedesk_catalogue_public_services",
)
def public_services(request, institution: str, unit: str):
    wait = throttle_hit(request, "servicedesk-catalogue-api", PUBLIC_RATE)
    if wait:
        message = _("Too many requests from your address. Try again in %(seconds)s seconds.") % {"seconds": wait}
        response = JsonResponse(_error("throttled", message), status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        found = unit_public(institution, unit)
    except Http404:
        return Status(404, _error("not_found", _("No active unit has this address.")))
    return [
        {**{name: getattr(row.service, name) for name in PublicServiceOut.model_fields if name != "standard"},
         "standard": row.standard}
        for row in selectors.public_services(found)
    ]  # fmt: skip


# --- staff --------------------------------------------------------------------------------------------


@router.get(
    "/services",
    response={200: list[ServiceOut], **ERRORS},
    summary="Services of your units",
    operation_id="satuatap_servicedesk_catalogue_list_services",
)
@paginate(LimitOffsetPagination)
def list_services(request, filters: Query[ServiceFilter]):
    within = None if filters.unit_id is None else unit_for(request.user, filters.unit_id, capability=VIEW)
    found = selectors.services_for(request.user, within=within)
    if filters.active is not None:
        found = found.filter(is_active=filters.active)
    return found


@router.post(
    "/services",
    response={201: ServiceOut, **ERRORS},
    summary="Add a service to a unit's catalogue, or adopt one of a unit above (admins, heads)",
    operation_id="satuatap_servicedesk_catalogue_create_service",
)
def create_service(request, payload: ServiceIn):
    unit = acting_unit(request.user, payload.unit_id, CONFIGURE)
    if payload.adopt_service_id is not None:
        parent = Service.objects.filter(pk=payload.adopt_service_id, unit__path__in=unit.lineage_paths).first()
        if parent is None or parent.unit_id == unit.pk:
            from satuatap.servicedesk.errors import CatalogueRefused

            raise CatalogueRefused(
                _("Only a service of a unit above this one can be adopted."), field="adopt_service_id"
            )
        service = services.service_adopt(
            actor=request.user, unit=unit, parent_service=parent, local_details=payload.local_details
        )
    else:
        fields = payload.dict(exclude={"unit_id", "adopt_service_id"})
        if fields["position"] is None:
            fields.pop("position")
        service = services.service_save(actor=request.user, unit=unit, **fields)
    return Status(201, service)


@router.get(
    "/services/{int:service_id}",
    response={200: ServiceOut, **ERRORS},
    summary="One service",
    operation_id="satuatap_servicedesk_catalogue_get_service",
)
def get_service(request, service_id: int):
    return selectors.service_for(request.user, service_id)


@router.patch(
    "/services/{int:service_id}",
    response={200: ServiceOut, **ERRORS},
    summary="Change a service (only the fields given)",
    operation_id="satuatap_servicedesk_catalogue_update_service",
)
def update_service(request, service_id: int, payload: ServicePatch):
    service = selectors.service_for(request.user, service_id)
    require(request.user, CONFIGURE, service.unit)
    fields = payload.dict(exclude_unset=True)
    for name in ("code", "name", "needs_queue", "needs_appointment", "needs_request", "slot_minutes",
                 "slot_capacity", "position", "is_active"):  # fmt: skip
        if fields.get(name, "") is None:
            fields.pop(name)
    return services.service_save(actor=request.user, unit=service.unit, service=service, **fields)


@router.get(
    "/services/{int:service_id}/standards",
    response={200: list[StandardOut], **ERRORS},
    summary="Every version of a service's standard, the newest first (an adopted service: the parent's published ones)",
    operation_id="satuatap_servicedesk_catalogue_list_standards",
)
def list_standards(request, service_id: int):
    service = selectors.service_for(request.user, service_id)
    source = selectors.standard_source(service)
    if source.pk == service.pk:
        return list(selectors.standards_of(service))
    return list(selectors.published_versions(service))


@router.post(
    "/services/{int:service_id}/standards",
    response={201: StandardOut, **ERRORS},
    summary="Start the next version of a service's standard (a copy of the latest, changed by the fields given)",
    operation_id="satuatap_servicedesk_catalogue_draft_standard",
)
def draft_standard(request, service_id: int, payload: StandardIn):
    service = selectors.service_for(request.user, service_id)
    require(request.user, CONFIGURE, service.unit)
    fields = payload.dict(exclude_unset=True)
    if fields.get("requirements") is not None:
        fields["requirements"] = [dict(r) for r in fields["requirements"]]
    standard = services.standard_draft(actor=request.user, service=service, **fields)
    return Status(201, selectors.standards_of(service).get(pk=standard.pk))


def _standard(request, standard_id: int, capability: str) -> ServiceStandard:
    standard = selectors.standard_for(request.user, standard_id)
    require(request.user, capability, standard.service.unit)
    return standard


@router.post(
    "/standards/{int:standard_id}/approve",
    response={200: StandardOut, **ERRORS},
    summary="Approve a draft whose 14 components are filled (the unit head)",
    operation_id="satuatap_servicedesk_catalogue_approve_standard",
)
def approve_standard(request, standard_id: int):
    standard = _standard(request, standard_id, APPROVE)
    services.standard_approve(actor=request.user, standard=standard)
    return selectors.standards_for(request.user).get(pk=standard.pk)


@router.post(
    "/standards/{int:standard_id}/publish",
    response={200: StandardOut, **ERRORS},
    summary="Publish an approved version from its effective date; it is frozen from then on",
    operation_id="satuatap_servicedesk_catalogue_publish_standard",
)
def publish_standard(request, standard_id: int, payload: PublishIn):
    standard = _standard(request, standard_id, CONFIGURE)
    services.standard_publish(actor=request.user, standard=standard, effective_from=payload.effective_from)
    return selectors.standards_for(request.user).get(pk=standard.pk)
