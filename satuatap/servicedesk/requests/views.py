"""Pages of service requests. Staff: the list (with ``?overdue=1`` and CSV/XLSX), one request (the
applicant, the checklist with ticks, documents, the steps, the due date in working days, the step
buttons, reject with a reason, hand-over), a new request (at the counter, from a served ticket with
``?ticket=``, or a WhatsApp conversation with ``?whatsapp=1``) and opening a document (audited).
Public (no login): applying online and the status page by tracking code.

Thin views over ``servicedesk.requests``: a request fetched by id goes through
``selectors.request_for`` (404 outside the user's scope); writes need ``servicedesk.serve`` (403).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from satuatap.core.crypto import mask
from satuatap.core.exports import table_response
from satuatap.core.identifiers import format_phone
from satuatap.core.throttle import honeypot_filled, throttle_hit
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int, throttled_page
from satuatap.organizations.permissions import can, require
from satuatap.organizations.selectors import unit_public
from satuatap.outbox.services import whatsapp_link
from satuatap.servicedesk.catalogue.selectors import desk_settings
from satuatap.servicedesk.models import RequestChannel, RequestStatus, StandardRequirement
from satuatap.servicedesk.requests import selectors
from satuatap.servicedesk.requests import services as request_services
from satuatap.servicedesk.requests.forms import DocumentForm, RequestForm, StepForm

PAGE = 50


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "")[:100],
        "status": status if status in (*RequestStatus.values, "open") else "",
        "service": query_int(request.GET.get("service")),
        "overdue": request.GET.get("overdue") in ("1", "on", "true"),
    }


def _local(moment, unit):
    return timezone.localtime(moment, unit.tzinfo).strftime("%Y-%m-%d %H:%M") if moment else ""


@login_required
def request_list(request):
    unit = active_unit(request, "servicedesk.view")
    filters = _filters(request)
    now = timezone.now()
    rows = selectors.request_list(request.user, within=unit, now=now, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Tracking code"), _("Unit"), _("Service"), _("Applicant"), _("Channel"), _("Status"),
            _("Received"), _("Due"), _("Overdue"), _("Finished"),
        ]  # fmt: skip
        data = (
            [
                r.code,
                r.unit.code,
                r.service.name,
                r.applicant_name,
                r.get_channel_display(),
                r.get_status_display(),
                _local(r.received_at, r.unit),
                _local(r.due_at, r.unit),
                _("yes") if selectors.is_overdue(r, now) else "",
                _local(r.finished_at, r.unit),
            ]
            for r in rows.iterator(chunk_size=2000)
        )
        return table_response(
            fmt, f"requests-{unit.code}", _("Service requests"), header, data, request=request, unit=unit
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.overdue = selectors.is_overdue(row, now)
    query = {k: v for k, v in filters.items() if v}
    if query.get("overdue"):
        query["overdue"] = "1"
    return render(
        request,
        "servicedesk/requests/list.html",
        {
            "unit": unit,
            "filters": filters,
            "query": urlencode(query),
            "page": page,
            "overdue_count": selectors.overdue_count(request.user, unit, now),
            "statuses": [("", _("All")), ("open", _("Open")), *RequestStatus.choices],
            "services": selectors.services_in(request.user, unit),
            "can_serve": can(request.user, "servicedesk.serve", unit),
        },
    )


def _detail(request, service_request, forms=None, status=200):
    forms = forms or {}
    unit = service_request.unit
    may_serve = can(request.user, "servicedesk.serve", unit)
    may_documents = can(request.user, "servicedesk.documents", unit)
    phone, email = service_request.applicant_phone, service_request.applicant_email
    next_status = selectors.next_status(service_request)
    wa_link = ""
    if phone and may_documents:
        status_url = request.build_absolute_uri(request_services.status_path(service_request.code))
        text = _("Your request %(code)s (%(service)s): %(status)s. %(url)s") % {
            "code": service_request.code,
            "service": service_request.service.name,
            "status": service_request.get_status_display(),
            "url": status_url,
        }
        wa_link = whatsapp_link(phone, text)
    requirements = list(service_request.standard.requirements.all())
    days_left = selectors.working_days_left(service_request)
    context = {
        "r": service_request,
        "unit": unit,
        "phone": format_phone(phone) if may_documents else mask(phone, 3),
        "email": email if may_documents else mask(email, 2),
        "wa_link": wa_link,
        "checklist": selectors.checklist_of(service_request),
        "other_documents": selectors.other_documents(service_request),
        "steps": selectors.steps_of(service_request),
        "overdue": selectors.is_overdue(service_request),
        "days_left": days_left,
        "days_late": -days_left if days_left is not None and days_left < 0 else 0,
        "is_open": service_request.status in selectors.OPEN,
        "checklist_open": service_request.status in (RequestStatus.RECEIVED, RequestStatus.VERIFIED),
        "next_status": next_status,
        "next_label": RequestStatus(next_status).label if next_status else "",
        "may_serve": may_serve,
        "may_documents": may_documents,
        "step_form": forms.get("step") or StepForm(initial={"to_status": next_status}),
        "reject_form": forms.get("reject") or StepForm(initial={"to_status": RequestStatus.REJECTED}),
        "document_form": forms.get("document") or DocumentForm(requirements=requirements),
        "standard": service_request.standard,
    }
    return render(request, "servicedesk/requests/detail.html", context, status=status)


@login_required
def request_detail(request, pk):
    active_unit(request, "servicedesk.view")
    return _detail(request, selectors.request_for(request.user, pk))


@login_required
@require_POST
def request_step(request, pk):
    active_unit(request, "servicedesk.view")
    service_request = selectors.request_for(request.user, pk)
    require(request.user, "servicedesk.serve", service_request.unit)
    form = StepForm(request.POST)
    key = "reject" if request.POST.get("to_status") == RequestStatus.REJECTED else "step"
    if form.is_valid():
        try:
            request_services.request_step(
                actor=request.user, request=service_request, http_request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            service_request.refresh_from_db()
            messages.success(
                request, _("The request is now: %(status)s.") % {"status": service_request.get_status_display()}
            )
            return redirect("servicedesk:request", pk=service_request.pk)
    return _detail(request, service_request, {key: form}, status=400)


@login_required
@require_POST
def request_check(request, pk):
    active_unit(request, "servicedesk.view")
    service_request = selectors.request_for(request.user, pk)
    require(request.user, "servicedesk.serve", service_request.unit)
    requirement = StandardRequirement.objects.filter(
        pk=query_int(request.POST.get("requirement")) or 0, standard_id=service_request.standard_id
    ).first()
    back = redirect(reverse("servicedesk:request", args=[service_request.pk]) + "#checklist")
    if requirement is None:
        messages.error(request, _("Choose a requirement of this request."))
        return back
    try:
        request_services.request_check(
            actor=request.user, request=service_request, requirement=requirement,
            is_met=request.POST.get("is_met") in ("1", "on", "true"),
        )  # fmt: skip
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return back


@login_required
@require_POST
def request_document_upload(request, pk):
    active_unit(request, "servicedesk.view")
    service_request = selectors.request_for(request.user, pk)
    require(request.user, "servicedesk.serve", service_request.unit)
    requirements = list(service_request.standard.requirements.all())
    form = DocumentForm(request.POST, request.FILES, requirements=requirements)
    if form.is_valid():
        requirement = next((r for r in requirements if r.pk == form.cleaned_data["requirement"]), None)
        try:
            document = request_services.request_document_add(
                actor=request.user, request=service_request, upload=form.cleaned_data["file"], requirement=requirement
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(document)s is kept.") % {"document": document.original_name})
            return redirect(reverse("servicedesk:request", args=[service_request.pk]) + "#documents")
    return _detail(request, service_request, {"document": form}, status=400)


@login_required
@require_safe
def request_document(request, pk):
    active_unit(request, "servicedesk.view")
    document = selectors.document_for(request.user, pk)
    handle = request_services.request_document_open(actor=request.user, document=document)
    response = FileResponse(handle, content_type=document.content_type, filename=document.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def request_new(request):
    unit = active_unit(request, "servicedesk.serve")
    whatsapp = request.GET.get("whatsapp") == "1" or request.POST.get("whatsapp") == "1"
    offered = selectors.requestable_services(unit)
    ticket = selectors.served_ticket_for(unit, request.GET.get("ticket") or request.POST.get("ticket"))
    service_id = query_int(request.POST.get("service") or request.GET.get("service"))
    if service_id is None and ticket is not None:
        service_id = ticket.service_id
    chosen = next(((s, st) for s, st in offered if s.pk == service_id), None)
    status = 200
    form = None
    if chosen is not None:
        service, standard = chosen
        requirements = list(standard.requirements.all())
        if request.method == "POST":
            form = RequestForm(request.POST, request.FILES, requirements=requirements, whatsapp=whatsapp)
            if form.is_valid():
                channel = RequestChannel.WHATSAPP if whatsapp else (
                    RequestChannel.TICKET if ticket is not None else RequestChannel.COUNTER
                )  # fmt: skip
                try:
                    created = request_services.request_create(
                        actor=request.user, unit=unit, service=service, channel=channel, ticket=ticket,
                        http_request=request, **form.submission(),
                    )  # fmt: skip
                except ValidationError as exc:
                    apply_service_error(form, exc)
                else:
                    form.forget_kept()
                    messages.success(request, _("Request %(code)s is taken.") % {"code": created.code})
                    return redirect("servicedesk:request", pk=created.pk)
            status = 400
            form.keep_files()
        else:
            initial = {"notify": True}
            form = RequestForm(requirements=requirements, whatsapp=whatsapp, initial=initial)
    context = {
        "unit": unit,
        "offered": offered,
        "chosen": chosen,
        "form": form,
        "ticket": ticket,
        "whatsapp": whatsapp,
    }
    return render(request, "servicedesk/requests/new.html", context, status=status)


# --- public pages (no login) ---------------------------------------------------------------------
# Made for a phone: a unit's services that take requests, the form of one (its requirements, the
# documents, name and contact) leading to the tracking code, and the status page by tracking code
# (steps with dates, the due date, the reason of a rejection; of the person only the first letter of
# the name). Sending the form and looking up a status are limited per address (``core.throttle``);
# the form carries a honeypot field; a file chosen in a form sent back with an error is kept.


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _site(unit=None) -> dict:
    if unit is not None and unit.institution_id:
        return {"institution": unit.institution, "unit": unit}
    return {"institution": {"name": _("Service requests")}, "unit": unit}


def request_apply(request, institution, unit):
    """A unit's services that take requests; with ``?service=`` the form of one."""
    try:
        office = unit_public(institution, unit)
    except Http404:
        context = {**_site(), "title": _("Office not found"), "message": _("Check the address of this page.")}
        return _private(render(request, "servicedesk/requests/public_message.html", context, status=404))
    offered = selectors.requestable_services(office)
    service_id = query_int(request.POST.get("service") or request.GET.get("service"))
    chosen = next(((s, st) for s, st in offered if s.pk == service_id), None)
    context = {**_site(office), "office": office, "offered": offered, "chosen": chosen}
    if chosen is None:
        return render(request, "servicedesk/requests/public_apply.html", context)
    service, standard = chosen
    requirements = list(standard.requirements.all())
    status = 200
    if request.method == "POST":
        wait = throttle_hit(request, "request-apply", selectors.APPLY_RATE)
        if wait:
            return throttled_page(request, wait)
        form = RequestForm(request.POST, request.FILES, requirements=requirements, public=True)
        if honeypot_filled(request.POST):
            form.is_valid()
            form.add_error(None, _("The request could not be sent. Please try again."))
        elif form.is_valid():
            try:
                created = request_services.request_create(
                    actor=None, unit=office, service=service, channel=RequestChannel.ONLINE, http_request=request,
                    **form.submission(),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                form.forget_kept()
                return redirect(request_services.status_path(created.code) + "&new=1")
        status = 400
        if not honeypot_filled(request.POST):
            form.keep_files()
    else:
        form = RequestForm(requirements=requirements, public=True)
    max_mb = round(settings.DOCUMENT_MAX_BYTES / 1048576, 1)
    context.update({"form": form, "standard": standard, "requirements": requirements, "max_mb": f"{max_mb:g}"})
    return render(request, "servicedesk/requests/public_apply.html", context, status=status)


def request_status(request):
    """The status of a request by its tracking code."""
    raw = (request.GET.get("code") or "").strip()[:40]
    context = {**_site(), "code": raw, "status": None, "new": request.GET.get("new") == "1"}
    if not raw:
        return render(request, "servicedesk/requests/public_status.html", context)
    wait = throttle_hit(request, "request-status", selectors.STATUS_RATE)
    if wait:
        return throttled_page(request, wait)
    found = selectors.request_by_code(raw)
    if found is None:
        context["not_found"] = True
        return _private(render(request, "servicedesk/requests/public_status.html", context, status=404))
    context.update({**_site(found.unit), "status": selectors.public_status(found)})
    line = desk_settings(found.unit).whatsapp_line
    if line:
        text = _("Hello, I would like to ask about my request %(code)s.") % {"code": found.code}
        context["whatsapp"] = whatsapp_link(line, text)
    return _private(render(request, "servicedesk/requests/public_status.html", context))
