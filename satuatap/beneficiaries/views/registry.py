"""Staff pages of the mustahik registry: list and search, register, one beneficiary, change,
status. Thin views over ``beneficiaries.services`` and ``.selectors``; the other pages are in
``views.records`` (consents, documents, merge, aid, privacy), ``views.assessments`` (assessment,
needs standard), ``views.dedup`` (batch deduplication) and ``views.imports`` (imports of lists).

Every beneficiary fetched by id goes through ``selectors.beneficiary_for`` (404 outside the
user's scope); every page needs a capability on the active unit (the unit switcher).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import selectors, services
from satuatap.beneficiaries.forms import (
    BeneficiaryForm,
    ConsentForm,
    DocumentForm,
    StatusForm,
    initial_from,
    probe_from,
)
from satuatap.beneficiaries.matching import Probe
from satuatap.beneficiaries.models import TRANSITIONS, Asnaf, Status
from satuatap.beneficiaries.services import STATUS_CAPABILITY
from satuatap.beneficiaries.views.common import closed_redirect, page_unit, phone_shown
from satuatap.core.exports import table_response
from satuatap.core.views.helpers import apply_service_error, query_int
from satuatap.organizations.permissions import can, require
from satuatap.regions import selectors as region_selectors

PAGE = 25


def _can_change(user, beneficiary) -> bool:
    return (
        not beneficiary.is_merged
        and not beneficiary.erased_at
        and can(user, "beneficiaries.manage", beneficiary.registered_unit)
    )


# --- list and search ------------------------------------------------------------------------------------


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    asnaf = request.GET.get("asnaf", "")
    return {
        "q": request.GET.get("q", "")[:200],
        "status": status if status in Status.values else "",
        "asnaf": asnaf if asnaf in Asnaf.values else "",
        "address": "unmatched" if request.GET.get("address") == "unmatched" else "",
    }


def _query(filters: dict) -> str:
    return urlencode({k: v for k, v in filters.items() if v})


@login_required
def beneficiary_list(request):
    unit = page_unit(request)
    filters = _filters(request)
    rows = selectors.search(request.user, within=unit, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Beneficiary number"),
            _("Name"),
            _("Kind"),
            _("NIK"),
            _("KK"),
            _("Village"),
            _("District"),
            _("Regency/city"),
            _("Asnaf"),
            _("Status"),
            _("Registered at"),
        ]
        data = (
            [
                b.number,
                b.full_name,
                b.get_kind_display(),
                b.nik_masked,
                b.household.kk_masked if b.household_id else "",
                b.village,
                b.district,
                b.regency,
                b.get_asnaf_display(),
                b.get_status_display(),
                b.registered_unit.code,
            ]
            for b in rows.iterator(chunk_size=2000)
        )
        return table_response(
            fmt, f"beneficiaries-{unit.code}", _("Beneficiaries"), header, data, request=request, unit=unit
        )
    return render(
        request,
        "beneficiaries/list.html",
        {
            "unit": unit,
            "filters": filters,
            "query": _query(filters),
            "page": Paginator(rows, PAGE).get_page(request.GET.get("page")),
            "statuses": Status.choices,
            "asnafs": Asnaf.choices,
            "can_manage": can(request.user, "beneficiaries.manage", unit),
            "can_configure": can(request.user, "beneficiaries.configure", unit),
            "can_dedup": can(request.user, "beneficiaries.dedup", unit),
        },
    )


@login_required
def beneficiary_search(request):
    """The results fragment of the search box and filters (htmx)."""
    unit = page_unit(request)
    filters = _filters(request)
    rows = selectors.search(request.user, within=unit, **filters)
    query = _query(filters)
    response = render(
        request,
        "beneficiaries/_results.html",
        {"page": Paginator(rows, PAGE).get_page(request.GET.get("page")), "filters": filters, "query": query},
    )
    if request.htmx:
        # The list page keeps its address in step with the box, so reload and back work.
        response["HX-Replace-Url"] = reverse("beneficiaries:list") + (f"?{query}" if query else "")
    return response


# --- register and edit --------------------------------------------------------------------------------


def _nik_region_note(request, form, beneficiary) -> None:
    """A NIK issued in another district than the address is kept (people move), with a note."""
    nik = "".join(ch for ch in form.cleaned_data.get("nik") or "" if ch.isdigit())
    warning = region_selectors.nik_region_warning(nik, form.cleaned_data.get("region") or beneficiary.region_id)
    if warning:
        messages.warning(request, warning)


@login_required
def beneficiary_create(request):
    unit = page_unit(request, "beneficiaries.manage")
    form = BeneficiaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = services.beneficiary_register(
                actor=request.user, unit=unit, consent=form.consent(), **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered as %(number)s.")
                % {"name": beneficiary.full_name, "number": beneficiary.number},
            )
            _nik_region_note(request, form, beneficiary)
            return redirect("beneficiaries:detail", pk=beneficiary.pk)
    return render(
        request, "beneficiaries/form.html", {"form": form, "unit": unit, "title": _("Register a beneficiary")}
    )


@login_required
@require_POST
def beneficiary_candidates(request):
    """Likely duplicates of the person being typed in, from the whole institution (htmx side panel):
    a record outside the user's scope shows only the office that holds it."""
    unit = page_unit(request, "beneficiaries.manage")
    exclude = query_int(request.POST.get("exclude"))
    probe = probe_from(request.POST, exclude=(exclude,) if exclude else ())
    candidates = [] if probe.is_empty else selectors.candidates_for(request.user, unit.institution_id, probe)
    return render(request, "beneficiaries/_candidates.html", {"candidates": candidates, "empty": probe.is_empty})


@login_required
def beneficiary_edit(request, pk):
    beneficiary = selectors.beneficiary_for(request.user, pk)
    require(request.user, "beneficiaries.manage", beneficiary.registered_unit)
    if beneficiary.is_merged or beneficiary.erased_at:
        return closed_redirect(request, beneficiary)
    form = BeneficiaryForm(request.POST or None, editing=beneficiary, initial=initial_from(beneficiary))
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(
                actor=request.user, beneficiary=beneficiary, **form.changed_service_fields(beneficiary)
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The beneficiary's data has been saved."))
            _nik_region_note(request, form, beneficiary)
            return redirect("beneficiaries:detail", pk=beneficiary.pk)
    return render(
        request,
        "beneficiaries/form.html",
        {
            "form": form,
            "beneficiary": beneficiary,
            "unit": beneficiary.registered_unit,
            "title": _("Change %(name)s") % {"name": beneficiary.full_name},
        },
    )


# --- one beneficiary ------------------------------------------------------------------------------------


def _members(user, beneficiary):
    """The household's members; one the user may not see shows only the office that holds it."""
    if not beneficiary.household_id:
        return []
    members = list(selectors.household_members(beneficiary.household).select_related("registered_unit"))
    visible = set(selectors.beneficiaries_for(user).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
    return [{"person": m, "visible": m.pk in visible} for m in members]


def _next_statuses(user, beneficiary) -> list[tuple[str, str]]:
    """The statuses that may follow the beneficiary's, among those the user's role may set."""
    return [
        (s, Status(s).label)
        for s in Status.values
        if s in TRANSITIONS[beneficiary.status] and can(user, STATUS_CAPABILITY[s], beneficiary.registered_unit)
    ]


@login_required
def beneficiary_detail(request, pk):
    unit = page_unit(request)
    user = request.user
    beneficiary = selectors.beneficiary_for(user, pk)
    open_record = not beneficiary.is_merged and not beneficiary.erased_at
    aid = selectors.aid_history(beneficiary)
    candidates = []
    if open_record and beneficiary.kind == "person":
        candidates = selectors.candidates_for(user, beneficiary.institution_id, Probe.of_record(beneficiary))
    can_manage_here = can(user, "beneficiaries.manage", beneficiary.registered_unit)
    next_statuses = _next_statuses(user, beneficiary)
    return render(
        request,
        "beneficiaries/detail.html",
        {
            "b": beneficiary,
            "unit": unit,
            "phone": phone_shown(beneficiary.phone),
            "members": _members(user, beneficiary),
            "status_changes": beneficiary.status_changes.select_related("changed_by", "unit"),
            "assessments": beneficiary.assessments.select_related("unit", "assessed_by", "standard"),
            "consents": beneficiary.consents.select_related("recorded_by"),
            "documents": beneficiary.documents.select_related("uploaded_by", "assessment"),
            "aid": Paginator(aid, 50).get_page(request.GET.get("page")),
            "aid_totals": selectors.aid_totals(beneficiary),
            "candidates": candidates,
            "merged_from": selectors.beneficiaries_for(user).filter(merged_into=beneficiary).order_by("number"),
            "open_record": open_record,
            "can_edit": open_record and can_manage_here,
            "can_status": open_record and bool(next_statuses),
            "can_identifiers": selectors.unit_over(user, beneficiary, "beneficiaries.identifiers") is not None
            and bool(beneficiary.nik_last4 or beneficiary.household_id),
            "can_documents": selectors.unit_over(user, beneficiary, "beneficiaries.documents") is not None,
            "can_upload": open_record and services.may_add_documents(user, beneficiary),
            "can_assess": open_record and can(user, "beneficiaries.assess", unit),
            "can_aid": open_record and can(user, "beneficiaries.manage", unit),
            "can_merge": open_record and can(user, "beneficiaries.merge", unit),
            "can_not_duplicate": open_record and can(user, "beneficiaries.manage", unit),
            "can_review_merge": open_record and can(user, "beneficiaries.merge", unit),
            "can_review_distinct": open_record and can(user, "beneficiaries.manage", unit),
            "can_consent": open_record and can_manage_here,
            "can_privacy": not beneficiary.is_merged
            and selectors.unit_over(user, beneficiary, "beneficiaries.privacy") is not None,
            "document_form": DocumentForm(),
            "consent_form": ConsentForm(),
        },
    )


@login_required
@require_POST
def beneficiary_identifiers(request, pk):
    """The full NIK and KK, for roles that need them; each read is audited."""
    page_unit(request)
    beneficiary = selectors.beneficiary_for(request.user, pk)
    values = services.identifiers_read(actor=request.user, beneficiary=beneficiary)
    template = "beneficiaries/_identifiers.html" if request.htmx else "beneficiaries/identifiers.html"
    return render(request, template, {"b": beneficiary, "values": values})


# --- status -------------------------------------------------------------------------------------------


@login_required
def beneficiary_status(request, pk):
    """Move the beneficiary along the lifecycle: only to the statuses that may follow, with a reason."""
    page_unit(request)
    beneficiary = selectors.beneficiary_for(request.user, pk)
    if beneficiary.is_merged or beneficiary.erased_at:
        return closed_redirect(request, beneficiary)
    choices = _next_statuses(request.user, beneficiary)
    if not choices:
        raise PermissionDenied(
            _("Your role on %(unit)s does not allow this action.") % {"unit": beneficiary.registered_unit.name}
        )
    form = StatusForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.status_change(
                actor=request.user,
                beneficiary=beneficiary,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {"name": beneficiary.full_name, "status": Status(form.cleaned_data["to_status"]).label.lower()},
            )
            return redirect("beneficiaries:detail", pk=beneficiary.pk)
    return render(request, "beneficiaries/status.html", {"b": beneficiary, "form": form})
