"""The public aid pages (no login), made for a phone: the programs open to online applications, the
application form, the confirmation with the tracking code, and the status page by tracking code.

Sending the form and looking up a status are limited per address (``core.throttle``); the form
carries a honeypot field. The status page shows the program, the current step and the dates of the
steps, nothing about the person.
"""

from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from satuatap.beneficiaries.models import DocumentKind
from satuatap.core.throttle import honeypot_filled, throttle_hit
from satuatap.core.views.helpers import apply_service_error
from satuatap.distribution.public import selectors as public_selectors
from satuatap.distribution.public import services as public_services
from satuatap.distribution.public.forms import PublicApplicationForm


def _private(response):
    """A page about one application: not for search engines, not for shared caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _site(institution=None):
    """The institution named in the page header: the one given, or the only one with open programs."""
    if institution is not None:
        return institution
    open_ = list(public_selectors.institutions_open()[:2])
    return open_[0] if len(open_) == 1 else SimpleNamespace(name=_("Aid applications"), legal_basis="", code="")


def _not_found(request, institution, title: str, message: str):
    context = {"institution": _site(institution), "title": title, "message": message}
    return _private(render(request, "distribution/public_not_found.html", context, status=404))


def _throttled(request, institution, wait: int):
    minutes = max(round(wait / 60), 1)
    context = {"institution": _site(institution), "minutes": minutes}
    response = render(request, "distribution/public_throttled.html", context, status=429)
    response["Retry-After"] = str(wait)
    return _private(response)


def public_index(request):
    """Where a family starts: the institution's open programs (or, with several institutions, a choice)."""
    institutions = list(public_selectors.institutions_open())
    if len(institutions) == 1:
        return redirect("distribution:public_apply", institution=institutions[0].code.lower())
    return render(request, "distribution/public_index.html", {"institution": _site(), "institutions": institutions})


def public_apply(request, institution):
    """The programs of one institution open to online applications."""
    try:
        root = public_selectors.institution_public(institution)
    except Http404:
        return _not_found(request, None, _("Institution not found"), _("Check the address of this page."))
    programs = list(public_selectors.programs_open(root))
    for program in programs:
        program.document_labels = [str(DocumentKind(k).label) for k in public_selectors.required_kinds(program)]
    return render(request, "distribution/public_programs.html", {"institution": root, "programs": programs})


def public_apply_program(request, institution, program):
    """The application form of one open program; a sent application leads to its tracking code."""
    try:
        root = public_selectors.institution_public(institution)
        program = public_selectors.program_open(root, program)
    except Http404:
        return _not_found(
            request,
            None,
            _("This program is not open"),
            _("This program does not take online applications now. See the programs that are open."),
        )
    status = 200
    if request.method == "POST":
        wait = throttle_hit(request, "aid-apply", public_selectors.apply_rate())
        if wait:
            return _throttled(request, root, wait)
        form = PublicApplicationForm(request.POST, request.FILES, program=program)
        if honeypot_filled(request.POST):
            form.is_valid()
            form.add_error(None, _("The application could not be sent. Please try again."))
            status = 400
        elif form.is_valid():
            try:
                application = public_services.public_application_submit(**form.submission())
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                form.forget_kept()
                return redirect("distribution:public_sent", code=application.tracking_code)
        if form.errors:
            status = 400
            if not honeypot_filled(request.POST):
                form.keep_files()
    else:
        form = PublicApplicationForm(program=program)
    max_mb = round(settings.DOCUMENT_MAX_BYTES / 1048576, 1)
    context = {"institution": root, "program": program, "form": form, "max_mb": f"{max_mb:g}"}
    return render(request, "distribution/public_apply.html", context, status=status)


def public_sent(request, code):
    """The confirmation after sending: the tracking code, big, and the link to the status page."""
    wait = throttle_hit(request, "aid-status", public_selectors.STATUS_RATE)
    if wait:
        return _throttled(request, None, wait)
    application = public_selectors.application_by_code(code)
    if application is None:
        return _not_found(request, None, _("Application not found"), _("No application has this tracking code."))
    status = public_selectors.status_of(application)
    status_url = public_selectors.status_url(request, status.tracking_code)
    context = {
        "institution": application.institution,
        "status": status,
        "status_url": status_url,
        "code_parts": (status.tracking_code[:5], status.tracking_code[5:]),
    }
    return _private(render(request, "distribution/public_sent.html", context))


def public_status(request):
    """The status of an application by its tracking code: the step it is at and when each was reached."""
    raw = (request.GET.get("code") or "").strip()[:40]
    context = {"code": raw, "status": None, "institution": _site()}
    if not raw:
        return render(request, "distribution/public_status.html", context)
    wait = throttle_hit(request, "aid-status", public_selectors.STATUS_RATE)
    if wait:
        return _throttled(request, None, wait)
    application = public_selectors.application_by_code(raw)
    if application is None:
        context["not_found"] = True
        return _private(render(request, "distribution/public_status.html", context, status=404))
    context.update({"status": public_selectors.status_of(application), "institution": application.institution})
    return _private(render(request, "distribution/public_status.html", context))
