"""The public request pages (no login), made for a phone: a unit's services that take requests, the
form of one (its requirements, the documents, name and contact) leading to the tracking code, and the
status page by tracking code (steps with dates, the due date, the reason of a rejection; of the person
only the first letter of the name).

Sending the form and looking up a status are limited per address (``core.throttle``); the form
carries a honeypot field. A file chosen in a form sent back with an error is kept for the next round.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from satuatap.core.throttle import honeypot_filled, throttle_hit
from satuatap.core.views.helpers import apply_service_error, query_int, throttled_page
from satuatap.organizations.selectors import unit_public
from satuatap.outbox.services import whatsapp_link
from satuatap.servicedesk.catalogue.selectors import desk_settings
from satuatap.servicedesk.models import RequestChannel
from satuatap.servicedesk.requests import selectors
from satuatap.servicedesk.requests import services as request_services
from satuatap.servicedesk.requests.forms import RequestForm


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
