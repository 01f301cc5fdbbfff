"""Writes of service requests (permohonan layanan): taking a request (at the counter, from a served
queue ticket, online, or from a WhatsApp conversation), ticking its requirement checklist, moving it
through its steps, keeping its documents and opening them (every view audited).

A request takes the standard in force when it comes in: its requirements (each mandatory one that
needs a document must come with one, checked by content) and its service time in working days (the
due date, from the unit's calendar). Steps go received → verified → processed → ready → handed over,
or rejected with a reason the applicant sees from any open step. Each step may tell the applicant
through the outbox: by email when an address is given, else by WhatsApp (a ``wa.me`` link staff open).
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.identifiers import clean_phone
from satuatap.core.text import squash
from satuatap.core.tracking import code_unique
from satuatap.core.uploads import forget_kept, keep_upload, open_kept, sniff
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import calendar_for
from satuatap.outbox.models import MessageChannel
from satuatap.outbox.services import message_queue
from satuatap.servicedesk.catalogue.selectors import standard_in_force
from satuatap.servicedesk.errors import RequestRefused
from satuatap.servicedesk.models import (
    QueueTicket,
    RequestChannel,
    RequestDocument,
    RequestDocumentKind,
    RequestStatus,
    RequestStep,
    RequirementCheck,
    Service,
    ServiceRequest,
    StandardRequirement,
    TicketStatus,
)

__all__ = [
    "FLOW",
    "OPEN_STATUSES",
    "document_field",
    "request_check",
    "request_create",
    "request_document_add",
    "request_document_open",
    "request_step",
    "status_path",
]

# The steps in order; "rejected" may follow any open step.
FLOW = (
    RequestStatus.RECEIVED,
    RequestStatus.VERIFIED,
    RequestStatus.PROCESSED,
    RequestStatus.READY,
    RequestStatus.HANDED_OVER,
)
OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.VERIFIED, RequestStatus.PROCESSED, RequestStatus.READY)
SERVED_TICKET = (TicketStatus.SERVING, TicketStatus.DONE)
TRANSCRIPT_MAX = 20_000


def document_field(requirement_id: int) -> str:
    """The form (and multipart) field of a requirement's document."""
    return f"document_{requirement_id}"


def status_path(code: str) -> str:
    return reverse("servicedesk:request_status") + f"?code={code}"


def _status_url(code: str, request=None) -> str:
    path = status_path(code)
    base = getattr(settings, "SATUATAP_PUBLIC_URL", "") or ""
    if base:
        return base + path
    return request.build_absolute_uri(path) if request is not None else path


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check_upload(upload, field: str) -> None:
    """The checks ``keep_upload`` makes, before anything is kept (so every bad file is named at once)."""
    if upload is None:
        raise RequestRefused(_("Choose a file to upload."), field=field)
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise RequestRefused(
            _("This file is %(size)s MB; a document may be at most %(max)s MB.")
            % {"size": round(upload.size / 1048576, 1), "max": round(limit / 1048576, 1)},
            field=field,
        )
    if not upload.size:
        raise RequestRefused(_("This file is empty."), field=field)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff(head) is None:
        raise RequestRefused(_("Upload a PDF, JPEG, PNG or WebP file; this file is of another type."), field=field)


def _clean_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise RequestRefused(_("This is not an email address."), field="applicant_email") from None
    return value.lower()


def _check_ticket(ticket: QueueTicket | None, unit: Unit, service: Service) -> None:
    if ticket is None:
        return
    if ticket.unit_id != unit.pk:
        raise RequestRefused(_("This ticket was taken at another unit."), field="ticket")
    if ticket.status not in SERVED_TICKET:
        raise RequestRefused(_("Only a ticket being served or served can become a request."), field="ticket")
    if ServiceRequest.objects.filter(ticket=ticket).exists():
        raise RequestRefused(_("This ticket has already become a request."), field="ticket")


def _message_text(request: ServiceRequest, url: str) -> tuple[str, str]:
    name = request.applicant_name.split(" ")[0] if request.applicant_name else ""
    status = str(RequestStatus(request.status).label)
    subject = _("Your request %(code)s: %(status)s") % {"code": request.code, "status": status}
    lines = [
        _("Hello %(name)s,") % {"name": name},
        "",
        _("Your request for %(service)s at %(unit)s (tracking code %(code)s) is now: %(status)s.")
        % {"service": request.service.name, "unit": request.unit.name, "code": request.code, "status": status},
    ]
    if request.status == RequestStatus.RECEIVED and request.due_at:
        due = timezone.localtime(request.due_at, request.unit.tzinfo)
        lines.append(_("It is due by %(date)s.") % {"date": due.strftime("%d-%m-%Y %H:%M")})
    if request.status == RequestStatus.REJECTED:
        lines.append(_("Reason: %(reason)s") % {"reason": request.reject_reason})
    if request.status == RequestStatus.READY:
        lines.append(_("You may collect it at the office during office hours."))
    lines += ["", _("Follow your request here: %(url)s") % {"url": url}]
    return subject, "\n".join(lines)


def _notify(actor, request: ServiceRequest, http_request=None) -> None:
    """Tell the applicant of the request's status: by email if given, else by WhatsApp (the outbox
    keeps it for staff to open as a wa.me link); nothing without a contact."""
    if not request.notify or not (request.applicant_email or request.applicant_phone):
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message_text(request, _status_url(request.code, http_request))
    if request.applicant_email:
        channel, recipient = MessageChannel.EMAIL, request.applicant_email
    else:
        channel, recipient = MessageChannel.WHATSAPP, request.applicant_phone
    message_queue(
        actor=_actor(actor),
        unit=request.unit,
        channel=channel,
        recipient=recipient,
        subject=subject if channel == MessageChannel.EMAIL else "",
        body=body,
        reference=f"service_request:{request.pk}:{request.status}",
    )


@transaction.atomic
def request_create(
    *,
    actor,
    unit: Unit,
    service: Service,
    channel: str,
    applicant_name: str,
    applicant_phone: str = "",
    applicant_email: str = "",
    details: str = "",
    documents: dict | None = None,
    ticket: QueueTicket | None = None,
    transcript: str = "",
    notify: bool = True,
    at: datetime | None = None,
    http_request=None,
) -> ServiceRequest:
    """Take a request for ``service`` at ``unit``. Online requests come without an actor; every other
    channel needs ``servicedesk.serve``. ``documents``: requirement id -> upload. Every refusal of the
    form (missing documents, bad files, a bad phone or email) is raised at once."""
    if channel != RequestChannel.ONLINE or _actor(actor) is not None:
        require(actor, "servicedesk.serve", unit)
    if channel not in RequestChannel.values:
        raise RequestRefused(_("Choose how the request came in."), field="channel")
    if service.unit_id != unit.pk or not service.is_active:
        raise RequestRefused(_("Choose a service of %(unit)s.") % {"unit": unit.name}, field="service")
    if not service.needs_request:
        raise RequestRefused(
            _("%(service)s does not take requests; it is served at once.") % {"service": service.name},
            field="service",
        )
    standard = standard_in_force(service)
    if standard is None:
        raise RequestRefused(
            _("%(service)s has no published service standard yet; a request cannot be taken.")
            % {"service": service.name},
            field="service",
        )
    documents = {int(k): v for k, v in (documents or {}).items() if v}
    requirements = list(standard.requirements.all())
    known = {r.pk: r for r in requirements}
    refusals = Refusals()
    name = squash(applicant_name or "")[:200]
    with refusals.check():
        if not name:
            raise RequestRefused(_("Enter the applicant's name."), field="applicant_name")
    phone = ""
    with refusals.check():
        phone = clean_phone(applicant_phone, RequestRefused, "applicant_phone")
    email = ""
    with refusals.check():
        email = _clean_email(applicant_email)
    transcript = (transcript or "").strip()
    with refusals.check():
        if channel == RequestChannel.WHATSAPP:
            if not transcript:
                raise RequestRefused(_("Paste the WhatsApp conversation."), field="transcript")
            if len(transcript) > TRANSCRIPT_MAX:
                raise RequestRefused(_("The conversation is too long; paste the part about this request."),
                                     field="transcript")  # fmt: skip
    with refusals.check():
        if channel == RequestChannel.WHATSAPP and not (applicant_phone or "").strip():
            raise RequestRefused(_("Enter the number the message came from."), field="applicant_phone")
    with refusals.check():
        if channel == RequestChannel.ONLINE and not (
            (applicant_phone or "").strip() or (applicant_email or "").strip()
        ):
            raise RequestRefused(_("Enter a phone number or an email address so we can tell you of your request."),
                                 field="applicant_phone")  # fmt: skip
    with refusals.check():
        _check_ticket(ticket, unit, service)
    for requirement_id in documents:
        if requirement_id not in known or not known[requirement_id].needs_document:
            with refusals.check():
                raise RequestRefused(_("This document is not one of the service's requirements."),
                                     field=document_field(requirement_id))  # fmt: skip
    for requirement in requirements:
        field = document_field(requirement.pk)
        upload = documents.get(requirement.pk)
        if upload is None:
            if requirement.is_mandatory and requirement.needs_document:
                with refusals.check():
                    raise RequestRefused(
                        _("Upload %(requirement)s; it is required.") % {"requirement": requirement.name}, field=field
                    )
            continue
        with refusals.check():
            _check_upload(upload, field)
    refusals.raise_any(RequestRefused)

    received_at = at or timezone.now()
    due_at = None
    if standard.service_days is not None:
        due_at = calendar_for(unit).due_at(received_at, standard.service_days)
    if ticket is not None and channel == RequestChannel.COUNTER:
        channel = RequestChannel.TICKET
    request = ServiceRequest.objects.create(
        unit=unit,
        service=service,
        standard=standard,
        code=code_unique(lambda c: ServiceRequest.objects.filter(code=c).exists()),
        channel=channel,
        ticket=ticket,
        applicant_name=name,
        applicant_phone=phone,
        applicant_email=email,
        details=(details or "").strip()[:5000],
        transcript=transcript if channel == RequestChannel.WHATSAPP else "",
        notify=notify,
        received_at=received_at,
        due_at=due_at,
        created_by=_actor(actor),
    )
    kept_paths: list[str] = []
    try:
        for requirement_id, upload in documents.items():
            kept = keep_upload(
                upload, f"servicedesk/requests/{unit.pk}", RequestRefused, document_field(requirement_id)
            )
            kept_paths.append(kept.path)
            RequestDocument.objects.create(
                request=request,
                requirement=known[requirement_id],
                kind=RequestDocumentKind.REQUIREMENT,
                uploaded_by=_actor(actor),
                **RequestDocument.fields_of(kept),
            )
    except Exception:
        for path in kept_paths:
            forget_kept(path)
        raise
    RequestStep.objects.create(
        request=request, status=RequestStatus.RECEIVED, at=received_at, actor=_actor(actor),
        note=str(RequestChannel(channel).label),
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_REQUEST_CREATED,
        target=request,
        unit=unit,
        changes={
            "service": [None, service.code],
            "channel": [None, channel],
            "documents": [None, len(documents)],
            "due_at": [None, due_at.isoformat() if due_at else None],
        },
    )
    _notify(actor, request, http_request)
    return request


def _locked(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().select_related("unit", "service", "standard").get(pk=request.pk)


@transaction.atomic
def request_check(
    *, actor, request: ServiceRequest, requirement: StandardRequirement, is_met: bool
) -> RequirementCheck:
    """Tick one requirement of the request's standard as met (or not)."""
    require(actor, "servicedesk.serve", request.unit)
    request = _locked(request)
    if requirement.standard_id != request.standard_id:
        raise RequestRefused(_("This requirement is not one of the request's standard."), field="requirement")
    if request.status not in (RequestStatus.RECEIVED, RequestStatus.VERIFIED):
        raise RequestRefused(_("The checklist is closed once the request is being processed."), field="requirement")
    check, _created = RequirementCheck.objects.update_or_create(
        request=request,
        requirement=requirement,
        defaults={"is_met": bool(is_met), "checked_by": _actor(actor), "checked_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_REQUEST_STEP,
        target=request,
        unit=request.unit,
        changes={"requirement": [None, requirement.name[:100]], "met": [None, bool(is_met)]},
        note=_("Checklist"),
    )
    return check


def _missing_checks(request: ServiceRequest) -> list[StandardRequirement]:
    met = set(RequirementCheck.objects.filter(request=request, is_met=True).values_list("requirement_id", flat=True))
    return [r for r in request.standard.requirements.filter(is_mandatory=True) if r.pk not in met]


@transaction.atomic
def request_step(
    *,
    actor,
    request: ServiceRequest,
    to_status: str,
    note: str = "",
    reject_reason: str = "",
    handed_to: str = "",
    handed_to_note: str = "",
    at: datetime | None = None,
    http_request=None,
) -> ServiceRequest:
    """Move the request to its next step (or reject it, with a reason the applicant sees)."""
    require(actor, "servicedesk.serve", request.unit)
    request = _locked(request)
    before = request.status
    if before not in OPEN_STATUSES:
        raise RequestRefused(
            _("This request is closed (%(status)s).") % {"status": RequestStatus(before).label}, field="to_status"
        )
    if to_status not in RequestStatus.values:
        raise RequestRefused(_("Choose a step."), field="to_status")
    if to_status == RequestStatus.REJECTED:
        reject_reason = squash(reject_reason or "")
        if not reject_reason:
            raise RequestRefused(
                _("Write the reason for the rejection; the applicant will see it."), field="reject_reason"
            )
    else:
        expected = FLOW[FLOW.index(RequestStatus(before)) + 1]
        if to_status != expected:
            raise RequestRefused(
                _("The next step of this request is %(step)s.") % {"step": RequestStatus(expected).label},
                field="to_status",
            )
    if to_status == RequestStatus.VERIFIED:
        missing = _missing_checks(request)
        if missing:
            raise RequestRefused(
                _("Tick every mandatory requirement as met before verifying: %(missing)s.")
                % {"missing": "; ".join(r.name for r in missing)},
                field="to_status",
            )
    if to_status == RequestStatus.HANDED_OVER:
        handed_to = squash(handed_to or "")[:200]
        if not handed_to:
            raise RequestRefused(_("Enter who received the product."), field="handed_to")
        request.handed_to = handed_to
        request.handed_to_note = squash(handed_to_note or "")[:200]
    moment = at or timezone.now()
    request.status = to_status
    if to_status == RequestStatus.REJECTED:
        request.reject_reason = reject_reason[:2000]
    if to_status in (RequestStatus.REJECTED, RequestStatus.HANDED_OVER):
        request.finished_at = moment
    request.save()
    RequestStep.objects.create(
        request=request, status=to_status, at=moment, actor=_actor(actor), note=(note or "").strip()[:2000]
    )
    changes: dict[str, list] = {"status": [before, to_status]}
    if to_status == RequestStatus.REJECTED:
        changes["reject_reason"] = [None, request.reject_reason]
    if to_status == RequestStatus.HANDED_OVER:
        changes["handed_to"] = [None, request.handed_to]
    audit_record(
        actor=actor, action=AuditAction.SERVICE_REQUEST_STEP, target=request, unit=request.unit, changes=changes
    )
    _notify(actor, request, http_request)
    return request


@transaction.atomic
def request_document_add(
    *, actor, request: ServiceRequest, upload, requirement: StandardRequirement | None = None
) -> RequestDocument:
    """Keep another document of the request (for a requirement of its standard, or another one)."""
    require(actor, "servicedesk.serve", request.unit)
    if requirement is not None and requirement.standard_id != request.standard_id:
        raise RequestRefused(_("This requirement is not one of the request's standard."), field="requirement")
    if request.status not in OPEN_STATUSES:
        raise RequestRefused(_("Documents are added while the request is open."), field="file")
    kept = keep_upload(upload, f"servicedesk/requests/{request.unit_id}", RequestRefused, "file")
    document = RequestDocument.objects.create(
        request=request,
        requirement=requirement,
        kind=RequestDocumentKind.REQUIREMENT if requirement is not None else RequestDocumentKind.OTHER,
        uploaded_by=_actor(actor),
        **RequestDocument.fields_of(kept),
    )
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_REQUEST_DOCUMENT_ADDED,
        target=request,
        unit=request.unit,
        changes={"document": [None, str(document)[:200]], "size": [None, document.size]},
    )
    return document


def request_document_open(*, actor, document: RequestDocument):
    """The document's file, for who may see a request's documents; every view is audited."""
    request = document.request
    require(actor, "servicedesk.documents", request.unit)
    audit_record(
        actor=actor,
        action=AuditAction.SERVICE_REQUEST_DOCUMENT_VIEWED,
        target=request,
        unit=request.unit,
        note=f"{document.get_kind_display()}: {document.original_name}",
    )
    return open_kept(document.path)
