"""Pages of the service catalogue.

Staff (the active unit): the catalogue of own and adopted services with the standard in force and
the versions waiting (CSV/XLSX), adopting a service from a unit above, a service and its standard's
versions, the standard editor (the 14 components and the requirements checklist), approve and
publish, and the desk settings (maklumat, WhatsApp line, queue rules). Objects fetched by id go
through ``selectors.service_for`` / ``standard_for`` (404 outside the user's scope).

Public (no login, throttled per address): the unit's services with their standards in force, its
office hours ("open now, closes 16.00"), the WhatsApp line, the standard of one service, and the
PDFs of a standard and of the unit's maklumat pelayanan poster.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.core.exports import pdf_response, table_response
from satuatap.core.formatting import format_date
from satuatap.core.identifiers import format_phone
from satuatap.core.throttle import Rate, throttle_hit
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int, throttled_page
from satuatap.organizations.models import Membership, Role, Unit
from satuatap.organizations.permissions import can, require
from satuatap.organizations.selectors import unit_public
from satuatap.outbox.services import whatsapp_link
from satuatap.servicedesk.catalogue import selectors, services
from satuatap.servicedesk.catalogue.forms import (
    AdoptForm,
    DeskSettingsForm,
    PublishForm,
    RequirementFormSet,
    ServiceForm,
    StandardForm,
    requirement_items,
)
from satuatap.servicedesk.models import StandardStatus

VIEW = "servicedesk.view"
CONFIGURE = "servicedesk.configure"
APPROVE = "servicedesk.approve"
PUBLIC_RATE = Rate(count=120, seconds=60)
PDF_RATE = Rate(count=30, seconds=60)


def _nav(request, unit, section: str) -> dict:
    return {
        "unit": unit,
        "section": section,
        "can_configure": can(request.user, CONFIGURE, unit),
        "can_approve": can(request.user, APPROVE, unit),
        "public_url": _public_url(unit),
    }


def _public_url(unit: Unit, name: str = "servicedesk:public_services") -> str:
    institution = Unit.objects.filter(pk=unit.institution_id).values_list("code", flat=True).first() or ""
    return reverse(name, args=[institution.lower(), unit.code.lower()])


def _url(name: str, *args) -> str:
    """The address of another area's page, "" while that area is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- the catalogue --------------------------------------------------------------------------------------


@login_required
def service_list(request):
    """The active unit's catalogue: own and adopted services, the standard in force, the versions
    waiting; the services of units above that it may adopt."""
    unit = active_unit(request, VIEW)
    rows = selectors.catalogue_of(unit)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [_("Code"), _("Service"), _("Category"), _("Adopted from"), _("Queue"), _("Appointment"),
                  _("Request"), _("Daily quota"), _("Standard in force"), _("Effective from"), _("Waiting version"),
                  _("Offered")]  # fmt: skip
        data = (
            [
                r.service.code, r.service.name, r.service.category,
                r.service.adopted_from.unit.name if r.service.adopted_from else "",
                _("yes") if r.service.needs_queue else "", _("yes") if r.service.needs_appointment else "",
                _("yes") if r.service.needs_request else "", r.service.daily_quota or "",
                f"v{r.in_force.version}" if r.in_force else "",
                format_date(r.in_force.effective_from) if r.in_force else "",
                f"v{r.waiting.version} ({r.waiting.get_status_display()})" if r.waiting else "",
                _("yes") if r.service.is_active else _("no"),
            ]
            for r in rows
        )  # fmt: skip
        return table_response(fmt, f"services-{unit.code}", _("Services"), header, data, request=request, unit=unit)
    adopt_form = None
    if can(request.user, CONFIGURE, unit):
        adoptable = selectors.adoptable(unit)
        adopt_form = AdoptForm(services=adoptable) if adoptable else None
    context = {
        **_nav(request, unit, "services"),
        "rows": rows,
        "drafts": selectors.drafts_waiting(unit),
        "adopt_form": adopt_form,
    }
    return render(request, "servicedesk/catalogue/services.html", context)


@login_required
@require_POST
def service_adopt(request):
    unit = active_unit(request, CONFIGURE)
    adoptable = selectors.adoptable(unit)
    form = AdoptForm(request.POST, services=adoptable)
    if form.is_valid():
        try:
            service = services.service_adopt(
                actor=request.user,
                unit=unit,
                parent_service=form.cleaned_data["parent_service"],
                local_details=form.cleaned_data["local_details"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(service)s is now offered here.") % {"service": service.name})
            return redirect("servicedesk:service", pk=service.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("servicedesk:services")


@login_required
def service_new(request):
    unit = active_unit(request, CONFIGURE)
    form = ServiceForm(request.POST or None, initial={"needs_queue": True, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_save(actor=request.user, unit=unit, **form.values())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(service)s is in the catalogue.") % {"service": service.name})
            return redirect("servicedesk:service", pk=service.pk)
    context = {**_nav(request, unit, "services"), "form": form, "service": None}
    return render(request, "servicedesk/catalogue/service_form.html", context, status=400 if form.errors else 200)


@login_required
def service_edit(request, pk):
    service = selectors.service_for(request.user, pk)
    require(request.user, CONFIGURE, service.unit)
    adopted = service.adopted_from_id is not None
    initial = {name: getattr(service, name) for name in services.SERVICE_FIELDS}
    form = ServiceForm(request.POST or None, initial=initial, adopted=adopted)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_save(actor=request.user, unit=service.unit, service=service, **form.values())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The service is saved."))
            return redirect("servicedesk:service", pk=service.pk)
    context = {**_nav(request, service.unit, "services"), "form": form, "service": service}
    return render(request, "servicedesk/catalogue/service_form.html", context, status=400 if form.errors else 200)


@login_required
def service_detail(request, pk):
    """A service, how it is given, and every version of its standard (or the one it follows)."""
    service = selectors.service_for(request.user, pk)
    source = selectors.standard_source(service)
    context = {
        **_nav(request, service.unit, "services"),
        "service": service,
        "source": source,
        "in_force": selectors.standard_in_force(service),
        "versions": selectors.standards_of(source) if source == service else selectors.published_versions(service),
        "waiting": selectors.standard_waiting(service) if source == service else None,
    }
    return render(request, "servicedesk/catalogue/service_detail.html", context)


@login_required
@require_POST
def standard_new(request, pk):
    """Start the service's next version (a copy of its latest one) and open it in the editor."""
    service = selectors.service_for(request.user, pk)
    require(request.user, CONFIGURE, service.unit)
    try:
        standard = services.standard_draft(actor=request.user, service=service)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("servicedesk:service", pk=service.pk)
    return redirect("servicedesk:standard_edit", pk=standard.pk)


# --- the standard ---------------------------------------------------------------------------------------


def _standard_context(request, standard) -> dict:
    service = standard.service
    return {
        **_nav(request, service.unit, "services"),
        "service": service,
        "standard": standard,
        "requirements": list(standard.requirements.all()),
        "missing": [selectors.COMPONENTS[f] for f in selectors.missing_components(standard)],
        "publish_form": PublishForm(initial={"effective_from": timezone.localdate()}),
    }


@login_required
def standard_detail(request, pk):
    """One version of a standard, read-only, with approve and publish for those who may."""
    standard = selectors.standard_for(request.user, pk)
    return render(request, "servicedesk/catalogue/standard_detail.html", _standard_context(request, standard))


@login_required
def standard_edit(request, pk):
    """The editor of a draft: the 14 components and the requirements checklist."""
    standard = selectors.standard_for(request.user, pk)
    require(request.user, CONFIGURE, standard.service.unit)
    if standard.status == StandardStatus.PUBLISHED:
        messages.info(request, _("A published version cannot change: start a new version."))
        return redirect("servicedesk:standard", pk=standard.pk)
    initial = {name: getattr(standard, name) for name in services.STANDARD_FIELDS}
    initial["procedure"] = "\n".join(standard.procedure or [])
    requirements = [
        {"name": r.name, "description": r.description, "needs_document": r.needs_document,
         "is_mandatory": r.is_mandatory}
        for r in standard.requirements.all()
    ]  # fmt: skip
    form = StandardForm(request.POST or None, initial=initial)
    formset = RequirementFormSet(request.POST or None, initial=requirements, prefix="req")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.standard_draft(
                actor=request.user,
                service=standard.service,
                standard=standard,
                requirements=requirement_items(formset),
                **form.values(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
            if hasattr(exc, "error_dict") and "requirements" in exc.error_dict:
                form.add_error(None, exc.error_dict["requirements"])
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("servicedesk:standard", pk=standard.pk)
    context = {
        **_standard_context(request, standard),
        "form": form,
        "formset": formset,
        "delivery": ["legal_basis", "procedure"],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "servicedesk/catalogue/standard_form.html", context, status=status)


@login_required
@require_POST
def standard_approve(request, pk):
    standard = selectors.standard_for(request.user, pk)
    try:
        services.standard_approve(actor=request.user, standard=standard)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(version)s is approved.") % {"version": standard.version})
    return redirect("servicedesk:standard", pk=standard.pk)


@login_required
@require_POST
def standard_publish(request, pk):
    standard = selectors.standard_for(request.user, pk)
    require(request.user, CONFIGURE, standard.service.unit)
    form = PublishForm(request.POST)
    effective = form.cleaned_data["effective_from"] if form.is_valid() else None
    try:
        services.standard_publish(actor=request.user, standard=standard, effective_from=effective)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Version %(version)s is published; it takes effect on %(day)s.")
            % {"version": standard.version, "day": format_date(effective)},
        )
    return redirect("servicedesk:standard", pk=standard.pk)


@login_required
def standard_print(request, pk):
    """Any version of a standard as a PDF (a draft is marked as such), for staff to check before publishing."""
    standard = selectors.standard_for(request.user, pk)
    context = _pdf_context(standard.service.unit, standard.service, standard)
    return pdf_response(
        "servicedesk/catalogue/standard_pdf.html",
        context,
        f"standar-{standard.service.code}-v{standard.version}",
        request,
    )


# --- desk settings --------------------------------------------------------------------------------------


@login_required
def desk_settings(request):
    """The unit's maklumat pelayanan, WhatsApp service line and queue rules."""
    unit = active_unit(request, CONFIGURE)
    current = selectors.desk_settings(unit)
    initial = {name: getattr(current, name) for name in services.DESK_FIELDS}
    form = DeskSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_settings_save(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The desk settings are saved."))
            return redirect("servicedesk:settings")
    context = {
        **_nav(request, unit, "settings"),
        "form": form,
        "calendar_url": _url("organizations:unit_calendar", unit.pk),
        "maklumat_url": _public_url(unit, "servicedesk:maklumat_pdf"),
        "whatsapp_hours": selectors.hours_now(unit, "whatsapp"),
    }
    return render(request, "servicedesk/catalogue/settings.html", context, status=400 if form.errors else 200)


# --- public ---------------------------------------------------------------------------------------------


def _public_unit(request, institution: str, unit: str, rate: Rate = PUBLIC_RATE):
    """The unit of a public address, or the response to give instead (429)."""
    scope = "servicedesk-catalogue-pdf" if rate is PDF_RATE else "servicedesk-catalogue"
    wait = throttle_hit(request, scope, rate)
    if wait:
        return None, throttled_page(request, wait)
    return unit_public(institution, unit), None


def _institution(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.institution_id)


def _links(unit: Unit, institution: Unit, service=None) -> dict:
    """Where a person goes next for ``service`` (or the unit): the queue, a booking, an online
    request, each only when the service is given that way and the page exists."""
    args = (institution.code.lower(), unit.code.lower())
    links = {}
    if service is None or service.needs_queue:
        links["kiosk"] = _url("servicedesk:kiosk", *args)
    if service is None or service.needs_appointment:
        links["book"] = _url("servicedesk:book", *args)
    if service is None or service.needs_request:
        links["apply"] = _url("servicedesk:request_apply", *args)
    if service is not None:
        for key, value in list(links.items()):
            if value:
                links[key] = f"{value}?layanan={service.code}"
    return links


def _whatsapp(unit: Unit, settings_row, service_name: str | None = None) -> str:
    if not settings_row.whatsapp_line:
        return ""
    if service_name:
        text = _("Hello, I would like to ask about the service %(service)s") % {"service": service_name}
    else:
        text = _("Hello, I would like to ask about the services of %(unit)s") % {"unit": unit.name}
    return whatsapp_link(settings_row.whatsapp_line, text)


def _public_context(unit: Unit) -> dict:
    settings_row = selectors.desk_settings(unit)
    institution = _institution(unit)
    return {
        "institution": institution,
        "unit": unit,
        "desk": settings_row,
        "whatsapp_display": format_phone(settings_row.whatsapp_line) if settings_row.whatsapp_line else "",
        "office": selectors.hours_now(unit, "office"),
        "line": selectors.hours_now(unit, "whatsapp") if settings_row.whatsapp_line else None,
        "inst_code": institution.code.lower(),
        "unit_code": unit.code.lower(),
    }


def public_services(request, institution, unit):
    """A unit's services and what each promises, its hours now, how to reach it (mobile first)."""
    unit, refused = _public_unit(request, institution, unit)
    if refused:
        return refused
    context = _public_context(unit)
    rows = selectors.public_services(unit)
    for row in rows:
        row.links = _links(unit, context["institution"], row.service)
        row.whatsapp = _whatsapp(unit, context["desk"], row.service.name)
    context.update(
        {"rows": rows, "links": _links(unit, context["institution"]), "whatsapp": _whatsapp(unit, context["desk"])}
    )
    return render(request, "servicedesk/catalogue/public_services.html", context)


def _published(service, version: str | None):
    """The version of ``service``'s standard asked for (``?versi=``, published only), else the one in force."""
    if version:
        number = query_int(version)
        if number is None or number > 100_000:
            raise Http404
        standard = selectors.published_versions(service).filter(version=number).first()
        if standard is None:
            raise Http404
        return standard
    return selectors.standard_in_force(service)


def public_standard(request, institution, unit, service):
    """The standard of one service (the version in force, or an older published one by ``?versi=``)."""
    unit, refused = _public_unit(request, institution, unit)
    if refused:
        return refused
    row = selectors.public_service(unit, service)
    standard = _published(row.service, request.GET.get("versi"))
    context = _public_context(unit)
    context.update(
        {
            "row": row,
            "service": row.service,
            "standard": standard,
            "requirements": list(standard.requirements.all()),
            "in_force": row.standard,
            "versions": selectors.published_versions(row.service),
            "links": _links(unit, context["institution"], row.service),
            "whatsapp": _whatsapp(unit, context["desk"], row.service.name),
        }
    )
    return render(request, "servicedesk/catalogue/public_standard.html", context)


def _head_of(unit: Unit) -> str:
    membership = (
        Membership.objects.filter(unit=unit, role=Role.HEAD, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        return ""
    return str(membership.user)


def _pdf_context(unit: Unit, service, standard) -> dict:
    institution = _institution(unit)
    return {
        "institution": institution,
        "unit": unit,
        "service": service,
        "standard": standard,
        "requirements": list(standard.requirements.all()),
        "head": _head_of(unit),
        "today": timezone.localtime(timezone.now(), unit.tzinfo).date(),
        "is_draft": standard.status != StandardStatus.PUBLISHED,
    }


def standard_pdf(request, institution, unit, service):
    """The standard of one service as a PDF: the unit's letterhead, all 14 components, version and
    effective date (``?versi=`` for an older published version)."""
    unit, refused = _public_unit(request, institution, unit, PDF_RATE)
    if refused:
        return refused
    row = selectors.public_service(unit, service)
    standard = _published(row.service, request.GET.get("versi"))
    context = _pdf_context(unit, row.service, standard)
    return pdf_response(
        "servicedesk/catalogue/standard_pdf.html", context, f"standar-{row.service.code}-v{standard.version}", request
    )


def maklumat_pdf(request, institution, unit):
    """The unit's maklumat pelayanan poster (``?size=a4|a3``): the promise in large type, the services
    offered, the head's name and signature line."""
    unit, refused = _public_unit(request, institution, unit, PDF_RATE)
    if refused:
        return refused
    size = request.GET.get("size", "a4").lower()
    size = size if size in ("a4", "a3") else "a4"
    settings_row = selectors.desk_settings(unit)
    context = {
        "institution": _institution(unit),
        "unit": unit,
        "desk": settings_row,
        "promises": [line for line in settings_row.maklumat.splitlines() if line.strip()],
        "rows": selectors.public_services(unit),
        "head": _head_of(unit),
        "size": size,
        "today": timezone.localtime(timezone.now(), unit.tzinfo).date(),
        "whatsapp_display": format_phone(settings_row.whatsapp_line) if settings_row.whatsapp_line else "",
    }
    return pdf_response("servicedesk/catalogue/maklumat_pdf.html", context, f"maklumat-{unit.code}-{size}", request)
