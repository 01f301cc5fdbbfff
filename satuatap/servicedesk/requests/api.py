"""Service requests over the REST API (mounted at /api/v1/servicedesk).

Public (no token): ``POST /public/units/{institution}/{unit}/requests`` takes a request online
(multipart: ``service_id``, the applicant's fields and one file ``document_<requirement id>`` per
requirement needing a document) and answers its tracking code; ``GET /public/requests/{code}`` tells
its status (steps with dates, the due date, the reason of a rejection; of the person only the first
letter of the name). Both are limited per address (429 with ``Retry-After``).

Staff: ``GET /requests`` and ``GET /requests/{request_id}`` read the requests of the units in whose
subtree the user holds ``servicedesk.view`` (an id outside them answers 404); ``POST /requests``
(JSON, at the counter or from a WhatsApp conversation; documents are added on the page),
``POST /requests/{request_id}/step`` and ``POST /requests/{request_id}/checks`` need
``servicedesk.serve`` on the unit (403). Phone and email are masked unless the role may see the
request's documents (``servicedesk.documents``).
"""

from datetime import datetime

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.core.crypto import mask
from satuatap.core.throttle import throttle_hit
from satuatap.organizations.permissions import can, require
from satuatap.organizations.selectors import unit_for, unit_public
from satuatap.servicedesk.errors import RequestRefused
from satuatap.servicedesk.models import (
    QueueTicket,
    RequestChannel,
    RequestStatus,
    ServiceRequest,
    StandardRequirement,
)
from satuatap.servicedesk.requests import selectors
from satuatap.servicedesk.requests import services as request_services
from satuatap.servicedesk.requests.forms import RequestForm

router = Router(tags=["servicedesk-requests"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
VIEW = "servicedesk.view"
SERVE = "servicedesk.serve"
MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number names nothing (a 422, never a database overflow)


# --- schemas ----------------------------------------------------------------------------------


class PublicRequestStepOut(Schema):
    status: RequestStatus
    label: str
    at: datetime | None = Field(description="When the step was reached; null for a step not reached yet.")


class PublicRequestOut(Schema):
    code: str
    service: str
    unit: str
    institution: str
    initial: str = Field(description="The first letter of the applicant's name; nothing else about the person.")
    status: RequestStatus
    status_label: str
    message: str
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    reject_reason: str = Field(description="Why the request was rejected (only when rejected).")
    steps: list[PublicRequestStepOut]


class PublicCreatedOut(Schema):
    code: str = Field(description="The tracking code the applicant follows the request with.")
    status_url: str
    status: PublicRequestOut


class CheckOut(Schema):
    requirement_id: int
    name: str
    mandatory: bool
    needs_document: bool
    is_met: bool | None = Field(description="null: not checked yet.")
    documents: list[int] = Field(description="Ids of the documents kept for this requirement.")


class RequestStepOut(Schema):
    status: RequestStatus
    at: datetime
    actor: str
    note: str


class RequestOut(Schema):
    id: int
    code: str
    unit_id: int
    unit_name: str
    service_id: int
    service_code: str
    service_name: str
    standard_id: int
    channel: RequestChannel
    ticket_id: int | None
    applicant_name: str
    applicant_phone: str = Field(description="Masked unless your role may see the request's documents.")
    applicant_email: str = Field(description="Masked unless your role may see the request's documents.")
    status: RequestStatus
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    finished_at: datetime | None
    reject_reason: str
    handed_to: str
    handed_to_note: str


class RequestDetailOut(RequestOut):
    details: str
    transcript: str
    checklist: list[CheckOut]
    steps: list[RequestStepOut]


class RequestFilter(Schema):
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="Requests of this unit's subtree.")
    status: str = Field("", max_length=16, description="A status, or `open`.")
    service_id: int | None = Field(None, ge=1, le=MAX_ID)
    overdue: bool = Field(False, description="True: open and past the due date.")
    q: str = Field("", max_length=100, description="A tracking code or part of the applicant's name.")


class RequestIn(Schema):
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="Default: your first unit where you may serve.")
    service_id: int = Field(ge=1, le=MAX_ID)
    channel: str = Field("counter", description="`counter` or `whatsapp` (a pasted conversation).")
    ticket_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="A served queue ticket of the unit the request comes from."
    )
    applicant_name: str = Field(max_length=200)
    applicant_phone: str = Field("", max_length=40)
    applicant_email: str = Field("", max_length=200)
    details: str = Field("", max_length=5000)
    transcript: str = Field("", max_length=20000, description="The pasted WhatsApp conversation.")
    notify: bool = True


class StepIn(Schema):
    to_status: RequestStatus
    note: str = Field("", max_length=2000)
    reject_reason: str = Field("", max_length=2000, description="Required to reject; the applicant sees it.")
    handed_to: str = Field("", max_length=200, description="Required to hand over: who received the product.")
    handed_to_note: str = Field("", max_length=200)


class CheckIn(Schema):
    requirement_id: int = Field(ge=1, le=MAX_ID)
    is_met: bool


# --- helpers ----------------------------------------------------------------------------------


def _error(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _throttled(wait: int) -> JsonResponse:
    message = _("Too many requests from your address. Try again in %(seconds)s seconds.") % {"seconds": wait}
    response = JsonResponse(_error("throttled", message), status=429)
    response["Retry-After"] = str(wait)
    return response


def _out(user, r: ServiceRequest) -> dict:
    full = can(user, "servicedesk.documents", r.unit)
    return {
        "id": r.pk,
        "code": r.code,
        "unit_id": r.unit_id,
        "unit_name": r.unit.name,
        "service_id": r.service_id,
        "service_code": r.service.code,
        "service_name": r.service.name,
        "standard_id": r.standard_id,
        "channel": r.channel,
        "ticket_id": r.ticket_id,
        "applicant_name": r.applicant_name,
        "applicant_phone": r.applicant_phone if full else mask(r.applicant_phone, 3),
        "applicant_email": r.applicant_email if full else mask(r.applicant_email, 2),
        "status": r.status,
        "received_at": r.received_at,
        "due_at": r.due_at,
        "overdue": selectors.is_overdue(r),
        "finished_at": r.finished_at,
        "reject_reason": r.reject_reason,
        "handed_to": r.handed_to,
        "handed_to_note": r.handed_to_note,
    }


def _detail(user, r: ServiceRequest) -> dict:
    full = can(user, "servicedesk.documents", r.unit)
    return {
        **_out(user, r),
        "details": r.details,
        "transcript": r.transcript if full else "",
        "checklist": [
            {
                "requirement_id": row.requirement.pk,
                "name": row.requirement.name,
                "mandatory": row.requirement.is_mandatory,
                "needs_document": row.requirement.needs_document,
                "is_met": row.check.is_met if row.check else None,
                "documents": [d.pk for d in row.documents],
            }
            for row in selectors.checklist_of(r)
        ],
        "steps": [
            {"status": s.status, "at": s.at, "actor": str(s.actor) if s.actor else "", "note": s.note}
            for s in selectors.steps_of(r)
        ],
    }


class _Mapped:
    """A queryset the paginator slices and counts, each row of a page turned into its answer."""

    def __init__(self, rows, convert):
        self.rows, self.convert = rows, convert

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.convert(r) for r in self.rows[index]]
        return self.convert(self.rows[index])


def _serving(user, request_id: int) -> ServiceRequest:
    r = selectors.request_for(user, request_id)
    require(user, SERVE, r.unit)
    return r


# --- public -----------------------------------------------------------------------------------


MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["service_id", "applicant_name"],
    "properties": {
        "service_id": {"type": "integer", "description": "A service of the unit that takes requests."},
        "applicant_name": {"type": "string", "maxLength": 200},
        "applicant_phone": {"type": "string", "description": "A phone or an email is needed to be told of each step."},
        "applicant_email": {"type": "string"},
        "details": {"type": "string", "maxLength": 5000},
    },
    "additionalProperties": {
        "type": "string",
        "format": "binary",
        "description": "`document_<requirement id>`: PDF, JPEG, PNG or WebP.",
    },
}


@router.post(
    "/public/units/{institution}/{unit}/requests",
    auth=None,
    response={201: PublicCreatedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Apply for a service online (no login): multipart fields and documents; answers the tracking code",
    description=(
        "The fields and files of the public form, as `multipart/form-data`. Every missing mandatory document, "
        "a file of a wrong type (checked by its content) or a bad phone answers 400 naming each field at once. "
        "Limited per address: 429 with `Retry-After`."
    ),
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": MULTIPART_SCHEMA}}}},
    operation_id="satuatap_servicedesk_requests_public_create",
)
def public_create(request, institution: str, unit: str):
    if request.headers.get("Authorization") or request.headers.get("X-API-Key"):
        message = _("This is the public form. Staff take requests through POST /api/v1/servicedesk/requests.")
        return Status(403, _error("forbidden", message))
    try:
        office = unit_public(institution, unit)
    except Http404:
        return Status(404, _error("not_found", _("No office has this address.")))
    wait = throttle_hit(request, "request-apply", selectors.APPLY_RATE)
    if wait:
        return _throttled(wait)
    raw = (request.POST.get("service_id") or "").strip()
    chosen = None
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        chosen = next(((s, st) for s, st in selectors.requestable_services(office) if s.pk == int(raw)), None)
    if chosen is None:
        message = _("Choose a service of this office that takes requests.")
        return Status(400, _error("refused", message, {"service_id": [message]}))
    service, standard = chosen
    form = RequestForm(request.POST, request.FILES, requirements=list(standard.requirements.all()), public=True)
    if not form.is_valid():
        fields = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
        return Status(422, _error("invalid_input", _("Some values are missing or invalid."), fields))
    created = request_services.request_create(
        actor=None, unit=office, service=service, channel=RequestChannel.ONLINE, http_request=request,
        **form.submission(),
    )  # fmt: skip
    url = request.build_absolute_uri(request_services.status_path(created.code))
    return Status(201, {"code": created.code, "status_url": url, "status": selectors.public_status(created)})


@router.get(
    "/public/requests/{code}",
    auth=None,
    response={200: PublicRequestOut, 404: ErrorOut, 429: ErrorOut},
    summary="The status of a request by its tracking code (no login; nothing about the person)",
    operation_id="satuatap_servicedesk_requests_public_status",
)
def public_status(request, code: str):
    wait = throttle_hit(request, "request-status", selectors.STATUS_RATE)
    if wait:
        return _throttled(wait)
    found = selectors.request_by_code(code)
    if found is None:
        return Status(404, _error("not_found", _("No request has this tracking code.")))
    return selectors.public_status(found)


# --- staff ------------------------------------------------------------------------------------


@router.get(
    "/requests",
    response={200: list[RequestOut], **ERRORS},
    summary="Service requests in your units",
    operation_id="satuatap_servicedesk_requests_list",
)
@paginate(LimitOffsetPagination)
def list_requests(request, filters: Query[RequestFilter]):
    within = None if filters.unit_id is None else unit_for(request.user, filters.unit_id, capability=VIEW)
    rows = selectors.request_list(
        request.user, within=within, status=filters.status, service=filters.service_id, overdue=filters.overdue,
        q=filters.q,
    )  # fmt: skip
    return _Mapped(rows, lambda r: _out(request.user, r))


@router.get(
    "/requests/{int:request_id}",
    response={200: RequestDetailOut, **ERRORS},
    summary="One service request with its checklist and steps",
    operation_id="satuatap_servicedesk_requests_get",
)
def get_request(request, request_id: int):
    return _detail(request.user, selectors.request_for(request.user, request_id))


@router.post(
    "/requests",
    response={201: RequestDetailOut, **ERRORS},
    summary="Take a request at the counter, from a served ticket or a WhatsApp conversation",
    description="Mandatory documents of the standard are uploaded on the request page; without them this answers 400.",
    operation_id="satuatap_servicedesk_requests_create",
)
def create_request(request, payload: RequestIn):
    unit = acting_unit(request.user, payload.unit_id, SERVE)
    if payload.channel not in (RequestChannel.COUNTER, RequestChannel.WHATSAPP):
        raise RequestRefused(_("Choose counter or whatsapp."), field="channel")
    service = next((s for s, _st in selectors.requestable_services(unit) if s.pk == payload.service_id), None)
    if service is None:
        raise RequestRefused(_("Choose a service of this unit that takes requests."), field="service_id")
    ticket = None
    if payload.ticket_id is not None:
        ticket = QueueTicket.objects.filter(pk=payload.ticket_id, unit=unit).first()
        if ticket is None:
            raise RequestRefused(_("No ticket of this unit has this id."), field="ticket_id")
    created = request_services.request_create(
        actor=request.user, unit=unit, service=service, channel=payload.channel, ticket=ticket,
        applicant_name=payload.applicant_name, applicant_phone=payload.applicant_phone,
        applicant_email=payload.applicant_email, details=payload.details, transcript=payload.transcript,
        notify=payload.notify, http_request=request,
    )  # fmt: skip
    return Status(201, _detail(request.user, selectors.request_for(request.user, created.pk)))


@router.post(
    "/requests/{int:request_id}/step",
    response={200: RequestDetailOut, **ERRORS},
    summary="Move a request to its next step, or reject it with a reason",
    operation_id="satuatap_servicedesk_requests_step",
)
def step_request(request, request_id: int, payload: StepIn):
    r = _serving(request.user, request_id)
    request_services.request_step(
        actor=request.user, request=r, to_status=payload.to_status, note=payload.note,
        reject_reason=payload.reject_reason, handed_to=payload.handed_to, handed_to_note=payload.handed_to_note,
        http_request=request,
    )  # fmt: skip
    return _detail(request.user, selectors.request_for(request.user, r.pk))


@router.post(
    "/requests/{int:request_id}/checks",
    response={200: RequestDetailOut, **ERRORS},
    summary="Tick a requirement of the request's standard as met or not",
    operation_id="satuatap_servicedesk_requests_check",
)
def check_request(request, request_id: int, payload: CheckIn):
    r = _serving(request.user, request_id)
    requirement = StandardRequirement.objects.filter(pk=payload.requirement_id, standard_id=r.standard_id).first()
    if requirement is None:
        raise RequestRefused(_("Choose a requirement of this request."), field="requirement_id")
    request_services.request_check(actor=request.user, request=r, requirement=requirement, is_met=payload.is_met)
    return _detail(request.user, selectors.request_for(request.user, r.pk))
