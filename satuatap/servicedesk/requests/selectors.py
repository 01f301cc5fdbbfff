"""Reads of service requests: the scoped list with its filters (status, service, overdue, a code or a
name), one request for staff, the overdue count for the head, the work list's source, and the public
status of a request by its tracking code (nothing personal beyond the first letter of the name)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.throttle import Rate
from satuatap.core.tracking import code_clean
from satuatap.core.work import WorkItem
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import can, roles_on
from satuatap.organizations.selectors import calendar_for, scoped, subtree_q
from satuatap.servicedesk.catalogue.selectors import services_offered, standard_in_force
from satuatap.servicedesk.models import (
    QueueTicket,
    RequestDocument,
    RequestStatus,
    RequestStep,
    RequirementCheck,
    Service,
    ServiceRequest,
    ServiceStandard,
    TicketStatus,
)

__all__ = [
    "APPLY_RATE",
    "FLOW",
    "OPEN",
    "STATUS_MESSAGES",
    "STATUS_RATE",
    "PublicStatus",
    "checklist_of",
    "document_for",
    "overdue_count",
    "public_status",
    "request_by_code",
    "request_for",
    "request_list",
    "requestable_services",
    "served_ticket_for",
    "is_overdue",
    "may_see_documents",
    "next_status",
    "other_documents",
    "services_in",
    "steps_of",
    "work_overdue",
    "working_days_left",
]

VIEW = "servicedesk.view"
OPEN = (RequestStatus.RECEIVED, RequestStatus.VERIFIED, RequestStatus.PROCESSED, RequestStatus.READY)
FLOW = (*OPEN, RequestStatus.HANDED_OVER)
APPLY_RATE = Rate(count=10, seconds=600)
STATUS_RATE = Rate(count=60, seconds=600)
STATUS_MESSAGES = {
    RequestStatus.RECEIVED: gettext_lazy("Your request has been received. An officer will check its requirements."),
    RequestStatus.VERIFIED: gettext_lazy("The requirements have been checked and are complete."),
    RequestStatus.PROCESSED: gettext_lazy("Your request is being processed."),
    RequestStatus.READY: gettext_lazy("The product is ready: collect it at the office during office hours."),
    RequestStatus.HANDED_OVER: gettext_lazy("The product has been handed over."),
    RequestStatus.REJECTED: gettext_lazy("Your request was rejected. The reason is below."),
}
WORK_KIND = gettext_lazy("Service request")


def request_list(
    user,
    *,
    within: Unit | None = None,
    status: str = "",
    service: int | None = None,
    overdue: bool = False,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """The requests of the units in whose subtree ``user`` holds ``servicedesk.view`` (within ``within``)."""
    rows = scoped(ServiceRequest.objects.all(), user, VIEW)
    if within is not None:
        rows = rows.filter(unit__path__startswith=within.path)
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    elif status == "open":
        rows = rows.filter(status__in=OPEN)
    if service:
        rows = rows.filter(service_id=service if 0 < service < 2**63 else 0)
    if overdue:
        rows = rows.filter(status__in=OPEN, due_at__lt=now or timezone.now())
    q = (q or "").strip()[:100]
    if q:
        code = code_clean(q)
        rows = (
            rows.filter(Q(applicant_name__icontains=q) | Q(code=code))
            if code
            else rows.filter(applicant_name__icontains=q)
        )
    return rows.select_related("unit", "service").order_by("-received_at", "-id")


def request_for(user, pk) -> ServiceRequest:
    """One request the user may see (404 otherwise)."""
    try:
        return (
            scoped(ServiceRequest.objects.all(), user, VIEW)
            .select_related("unit", "service", "standard", "ticket", "created_by")
            .get(pk=int(pk))
        )
    except (ServiceRequest.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def document_for(user, pk) -> RequestDocument:
    try:
        return (
            RequestDocument.objects.filter(subtree_q(user, VIEW, "request__unit"))
            .select_related("request__unit")
            .get(pk=int(pk))
        )
    except (RequestDocument.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def is_overdue(request: ServiceRequest, now: datetime | None = None) -> bool:
    return request.status in OPEN and request.due_at is not None and request.due_at < (now or timezone.now())


def overdue_count(user, unit: Unit, now: datetime | None = None) -> int:
    return request_list(user, within=unit, overdue=True, now=now).count()


def working_days_left(request: ServiceRequest, now: datetime | None = None) -> int | None:
    """Working days from today to the due day (negative: that many working days late)."""
    if request.due_at is None or request.status not in OPEN:
        return None
    calendar = calendar_for(request.unit)
    today = calendar.local(now or timezone.now()).date()
    due = calendar.local(request.due_at).date()
    if due >= today:
        return len(calendar.working_days(today + _one_day(), due)) if due > today else 0
    return -len(calendar.working_days(due + _one_day(), today))


def _one_day():
    from datetime import timedelta

    return timedelta(days=1)


@dataclass
class CheckRow:
    requirement: object
    check: RequirementCheck | None
    documents: list


def checklist_of(request: ServiceRequest) -> list[CheckRow]:
    """The standard's requirements with their tick and their documents."""
    checks = {c.requirement_id: c for c in request.checks.all()}
    documents: dict[int | None, list] = {}
    for document in request.documents.order_by("uploaded_at", "id"):
        documents.setdefault(document.requirement_id, []).append(document)
    rows = [
        CheckRow(requirement=r, check=checks.get(r.pk), documents=documents.get(r.pk, []))
        for r in request.standard.requirements.all()
    ]
    return rows


def other_documents(request: ServiceRequest) -> list[RequestDocument]:
    return list(request.documents.filter(requirement__isnull=True).order_by("uploaded_at", "id"))


def steps_of(request: ServiceRequest) -> list[RequestStep]:
    return list(request.steps.select_related("actor").order_by("at", "id"))


def requestable_services(unit: Unit) -> list[tuple[Service, ServiceStandard]]:
    """The unit's services that take requests and have a published standard, with that standard."""
    found = []
    for service in services_offered(unit, request=True):
        standard = standard_in_force(service)
        if standard is not None:
            found.append((service, standard))
    return found


def served_ticket_for(unit: Unit, ticket_id) -> QueueTicket | None:
    """A ticket of ``unit`` being served or served, not yet a request (to prefill a new request)."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        return None
    return (
        QueueTicket.objects.filter(
            pk=pk, unit=unit, status__in=(TicketStatus.SERVING, TicketStatus.DONE), requests__isnull=True
        )
        .select_related("service")
        .first()
    )


# --- public --------------------------------------------------------------------------------------


def request_by_code(raw) -> ServiceRequest | None:
    code = code_clean(raw)
    if not code:
        return None
    return ServiceRequest.objects.select_related("unit", "service", "unit__institution").filter(code=code).first()


@dataclass(frozen=True)
class PublicStep:
    status: str
    label: str
    at: datetime | None


@dataclass(frozen=True)
class PublicStatus:
    code: str
    service: str
    unit: str
    institution: str
    initial: str
    status: str
    status_label: str
    message: str
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    reject_reason: str
    steps: list


def public_status(request: ServiceRequest) -> PublicStatus:
    """What the applicant sees: the service, the steps with their dates, the due date, the reason when
    rejected; of the person only the first letter of the name."""
    reached: dict[str, datetime] = {}
    for step in request.steps.order_by("at", "id"):
        reached.setdefault(step.status, step.at)
    if request.status == RequestStatus.REJECTED:
        flow = [s for s in FLOW if s in reached] + [RequestStatus.REJECTED]
    else:
        flow = list(FLOW)
    steps = [PublicStep(status=s, label=str(RequestStatus(s).label), at=reached.get(s)) for s in flow]
    institution = request.unit.institution or request.unit
    return PublicStatus(
        code=request.code,
        service=request.service.name,
        unit=request.unit.name,
        institution=institution.name,
        initial=(request.applicant_name[:1].upper() + ".") if request.applicant_name else "",
        status=request.status,
        status_label=str(RequestStatus(request.status).label),
        message=str(STATUS_MESSAGES[RequestStatus(request.status)]),
        received_at=request.received_at,
        due_at=request.due_at,
        overdue=is_overdue(request),
        reject_reason=request.reject_reason if request.status == RequestStatus.REJECTED else "",
        steps=steps,
    )


# --- the work list ("Pekerjaan saya") -----------------------------------------------------------


def work_overdue(user, unit: Unit, limit: int | None = None) -> list[WorkItem]:
    """Overdue requests within ``unit``'s subtree, for who serves them and for the head."""
    now = timezone.now()
    rows = (
        ServiceRequest.objects.filter(subtree_q(user, "servicedesk.serve"))
        .filter(unit__path__startswith=unit.path, status__in=OPEN, due_at__lt=now)
        .select_related("unit", "service")
        .order_by("due_at", "pk")
    )
    if limit is not None:
        rows = rows[:limit]
    items = []
    for request in rows:
        roles = roles_on(user, request.unit)
        role = Role.HEAD if Role.HEAD in roles else next(iter(sorted(roles)), "")
        due_on: date | None = timezone.localtime(request.due_at, request.unit.tzinfo).date() if request.due_at else None
        items.append(
            WorkItem(
                kind=str(WORK_KIND),
                title=f"{request.code} · {request.applicant_name} · {request.service.name}",
                url=reverse("servicedesk:request", args=[request.pk]),
                unit=request.unit,
                waiting_since=request.received_at,
                role=str(Role(role).label) if role in Role.values else role,
                action=_("finish the overdue request (%(status)s)") % {"status": RequestStatus(request.status).label},
                due_on=due_on,
                overdue=True,
            )
        )
    return items


def may_see_documents(user, request: ServiceRequest) -> bool:
    return can(user, "servicedesk.documents", request.unit)


def next_status(request: ServiceRequest) -> str:
    """The step that follows the request's current one ("" once it is closed)."""
    if request.status not in OPEN:
        return ""
    return FLOW[FLOW.index(RequestStatus(request.status)) + 1]


def services_in(user, unit: Unit) -> QuerySet[Service]:
    """The services that take requests in ``unit``'s subtree (the list's filter)."""
    return (
        scoped(Service.objects.filter(needs_request=True), user, VIEW)
        .filter(unit__path__startswith=unit.path)
        .order_by("unit__path", "position", "name")
    )
