"""Staff pages of the donor register: thin views over donors.services, .selectors and .matching.

Every donor fetched by id goes through ``selectors.donor_for`` (404 outside the user's scope);
every page needs a capability on the active unit.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from num2words import num2words

from satuatap.audit.display import with_change_rows
from satuatap.audit.filters import filtered_trail
from satuatap.audit.selectors import audit_events_of
from satuatap.core.exports import pdf_response, table_response
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int
from satuatap.donors import matching, selectors, services
from satuatap.donors.errors import DuplicateDonor
from satuatap.donors.forms import DonorForm, MergeForm, initial_from
from satuatap.donors.identifiers import format_phone
from satuatap.organizations.permissions import can, require

PAGE = 25
HISTORY_FIELDS = (
    "number",
    "kind",
    "full_name",
    "nik_last4",
    "npwp_last4",
    "phone",
    "email",
    "birth_date",
    "street",
    "village",
    "district",
    "regency",
    "province",
    "postal_code",
    "preferred_channel",
    "consent_whatsapp",
    "consent_email",
    "tags",
    "note",
    "merged_into",
)


def _unit(request, capability: str = "donors.view"):
    return active_unit(request, capability)


def _search_page(request, unit, limit=PAGE):
    q = request.GET.get("q", "")
    return selectors.donor_search(
        request.user, q, within=unit, limit=limit, offset=query_int(request.GET.get("offset"), 0, minimum=0)
    )


# --- list and search ------------------------------------------------------------------------------------


@login_required
def donor_list(request):
    unit = _unit(request)
    q = request.GET.get("q", "")
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Donor number"),
            _("Name"),
            _("Kind"),
            _("NIK"),
            _("NPWP"),
            _("Phone"),
            _("Email"),
            _("Registered at"),
            _("Address"),
            _("Merged into"),
        ]
        rows = (
            [
                d.number,
                d.full_name,
                d.get_kind_display(),
                d.nik_masked,
                d.npwp_masked,
                format_phone(d.phone),
                d.email,
                d.registered_unit.code,
                d.address,
                d.merged_into.number if d.merged_into_id else "",
            ]
            for d in selectors.export_rows(request.user, q, within=unit)
        )
        return table_response(fmt, f"donors-{unit.code}", _("Donors"), header, rows, request=request, unit=unit)
    return render(
        request,
        "donors/list.html",
        {
            "unit": unit,
            "q": q,
            "page": _search_page(request, unit),
            "can_manage": can(request.user, "donors.manage", unit),
        },
    )


@login_required
def donor_search(request):
    """The results fragment of the search box (htmx). ``mode=merge&of=<pk>`` makes each row a link
    to merging that donor with donor ``of``."""
    unit = _unit(request)
    q = request.GET.get("q", "")
    mode = request.GET.get("mode", "list")
    context = {
        "page": _search_page(request, unit),
        "q": q,
        "mode": mode,
        "of": query_int(request.GET.get("of"), 0, minimum=0),
    }
    response = render(request, "donors/_results.html", context)
    if request.htmx and mode == "list":
        # The list page keeps its address in step with the box, so reload and back work.
        response["HX-Replace-Url"] = reverse("donors:list") + (f"?{urlencode({'q': q})}" if q else "")
    return response


# --- register and edit --------------------------------------------------------------------------------


@login_required
def donor_create(request):
    unit = _unit(request, "donors.manage")
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donor = services.donor_register(
                actor=request.user,
                unit=unit,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.service_fields(),
            )
        except DuplicateDonor as exc:
            apply_service_error(form, exc)
            form.duplicates = exc.candidates
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Donor %(name)s is registered as %(number)s.") % {"name": donor.full_name, "number": donor.number},
            )
            return redirect("donors:detail", pk=donor.pk)
    return render(request, "donors/form.html", {"form": form, "unit": unit, "title": _("Register a donor")})


@login_required
@require_POST
def donor_duplicates(request):
    """Likely duplicates of the donor being typed in (htmx side panel of the register/edit form)."""
    unit = _unit(request, "donors.manage")
    probe = matching.probe_from(request.POST)
    exclude = query_int(request.POST.get("exclude"))
    candidates = selectors.duplicate_candidates(request.user, unit, probe, exclude_pk=exclude)
    return render(request, "donors/_duplicates.html", {"candidates": candidates, "probe": probe})


@login_required
def donor_edit(request, pk):
    donor = selectors.donor_for(request.user, pk)
    require(request.user, "donors.manage", donor.registered_unit)
    if donor.is_merged:
        messages.error(request, _("This donor was merged into another and can no longer be changed."))
        return redirect("donors:detail", pk=donor.pk)
    form = DonorForm(request.POST or None, editing=donor, initial=initial_from(donor))
    if request.method == "POST" and form.is_valid():
        try:
            services.donor_update(actor=request.user, donor=donor, **form.changed_service_fields(donor))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The donor's data has been saved."))
            return redirect("donors:detail", pk=donor.pk)
    return render(
        request,
        "donors/form.html",
        {"form": form, "donor": donor, "unit": donor.registered_unit, "title": _("Change %(name)s") % {"name": donor}},
    )


# --- one donor ------------------------------------------------------------------------------------------


@login_required
def donor_detail(request, pk):
    unit = _unit(request)
    donor = selectors.donor_for(request.user, pk)
    donations = Paginator(selectors.donations_of(donor), 50).get_page(request.GET.get("page"))
    send_off = selectors.contact_refusals(donor)
    return render(
        request,
        "donors/detail.html",
        {
            "donor": donor,
            "donations": donations,
            "totals": selectors.donor_totals(donor),
            "years": selectors.donation_years(donor),
            "merged_from": list(selectors.merged_from(donor)),
            "survivor": selectors.merged_into_chain_end(donor) if donor.is_merged else None,
            "fund_labels": selectors.fund_labels(),
            "kind_labels": selectors.kind_labels(),
            "can_edit": not donor.is_merged and can(request.user, "donors.manage", donor.registered_unit),
            "can_identifiers": selectors.identifiers_unit(request.user, donor) is not None,
            "can_merge": not donor.is_merged and can(request.user, "donors.merge", unit),
            "can_statement": (can(request.user, "donors.manage", unit) or can(request.user, "donors.identifiers", unit))
            and selectors.donor_within(donor, unit),
            "phone": format_phone(donor.phone),
            "send_off": send_off,
            "preferred_off": bool(send_off.get(donor.preferred_channel)),
        },
    )


@login_required
@require_POST
def donor_identifiers(request, pk):
    """The donor's full NIK and NPWP, for roles that need them over this donor; each read is audited."""
    unit = _unit(request)
    donor = selectors.donor_for(request.user, pk)
    # Read on behalf of a unit whose scope holds the donor, not the active one: seeing a donor (as
    # front office where they gave) is not a right to their identifiers. None found: the service refuses.
    reading_unit = selectors.identifiers_unit(request.user, donor) or unit
    values = services.donor_identifiers_read(actor=request.user, donor=donor, unit=reading_unit)
    template = "donors/_identifiers.html" if request.htmx else "donors/identifiers.html"
    return render(request, template, {"donor": donor, "values": values})


@login_required
def donor_history(request, pk):
    _unit(request)
    donor = selectors.donor_for(request.user, pk)
    records = list(donor.history.select_related("history_user").order_by("-history_date", "-history_id")[:200])
    versions = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            # By hand: simple_history's diff_against skips non-editable fields such as nik_last4.
            for name in HISTORY_FIELDS:
                attribute = "merged_into_id" if name == "merged_into" else name
                old, new = getattr(previous, attribute), getattr(record, attribute)
                if old != new:
                    changes.append((_label(name), _shown(name, old), _shown(name, new)))
        versions.append({"record": record, "changes": changes})
    return render(
        request,
        "donors/history.html",
        {"donor": donor, "versions": versions, **_trail(request, donor)},
    )


def _trail(request, donor) -> dict:
    """The donor's audit events, filtered by date range, user and action (``audit.filters``)."""
    trail = filtered_trail(
        request.GET, audit_events_of(request.user, donor), tz=request.active_unit.tzinfo, one_object=True
    )
    trail["events"] = with_change_rows(trail["events"][:200])
    return trail


def _label(name: str) -> str:
    from satuatap.donors.models import Donor

    if name in ("nik_last4", "npwp_last4"):
        return _("NIK") if name == "nik_last4" else _("NPWP")
    label = str(Donor._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if name in ("nik_last4", "npwp_last4"):
        return "*" * (12 if name == "nik_last4" else 11) + str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# --- merge ----------------------------------------------------------------------------------------------


@login_required
def donor_merge(request, pk):
    """Merge two donors: find the other one, compare them side by side, choose who stays."""
    unit = _unit(request, "donors.merge")
    donor = selectors.donor_for(request.user, pk, capability="donors.merge")
    if donor.is_merged:
        messages.error(request, _("This donor was already merged into another."))
        return redirect("donors:detail", pk=donor.pk)
    other_pk = request.POST.get("other") or request.GET.get("other")
    if not other_pk:
        candidates = selectors.duplicate_candidates(request.user, unit, matching.probe_of(donor), exclude_pk=donor.pk)
        return render(
            request,
            "donors/merge_choose.html",
            {"donor": donor, "candidates": [c for c in candidates if c.visible and not c.donor.is_merged]},
        )
    other = selectors.donor_for(request.user, other_pk, capability="donors.merge")
    form = MergeForm(request.POST or None, initial={"other": other.pk, "survivor": donor.pk})
    if request.method == "POST" and form.is_valid():
        survivor_pk = form.cleaned_data["survivor"]
        if survivor_pk not in (donor.pk, other.pk):
            form.add_error("survivor", _("Choose one of the two donors."))
        else:
            survivor, duplicate = (donor, other) if survivor_pk == donor.pk else (other, donor)
            try:
                kept = services.donor_merge(actor=request.user, survivor=survivor, duplicate=duplicate, unit=unit)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Donor %(duplicate)s was merged into %(survivor)s; %(count)s donations moved.")
                    % {
                        "duplicate": duplicate.number,
                        "survivor": kept.number,
                        "count": kept.merge_counts.get("donations", 0),
                    },
                )
                return redirect("donors:detail", pk=kept.pk)
    pair = []
    for d in (donor, other):
        totals = selectors.donor_totals(d)
        pair.append({"donor": d, "totals": totals, "phone": format_phone(d.phone)})
    return render(request, "donors/merge_preview.html", {"donor": donor, "other": other, "pair": pair, "form": form})


# --- yearly statement -----------------------------------------------------------------------------------


@login_required
def donor_statement(request, pk):
    """The yearly statement PDF (rekap tahunan Bukti Setor Zakat) of a donor, for their tax return."""
    unit = _unit(request)
    donor = selectors.donor_for(request.user, pk)
    today = timezone.localdate()
    raw = request.GET.get("year") or str(today.year)
    if not raw.isdigit() or not 2000 <= int(raw) <= today.year:
        return HttpResponseBadRequest(
            _("Choose a year between 2000 and %(year)s.") % {"year": today.year}, content_type="text/plain"
        )
    year = int(raw)
    issued = services.donor_statement_issue(actor=request.user, donor=donor, unit=unit, year=year)
    statement = selectors.donor_statement(donor, year)
    institution = donor.institution
    context = {
        "donor": donor,
        "npwp": issued["npwp"],
        "statement": statement,
        "institution": institution,
        "unit": unit,
        "fund_labels": selectors.fund_labels(),
        "zakat_words": amount_words(statement.zakat_total),
        "total_words": amount_words(statement.total),
        "printed_at": timezone.localtime(),
        "officer": request.user,
        "title": _("Yearly statement of donations %(year)s") % {"year": year},
    }
    return pdf_response("donors/statement_pdf.html", context, f"rekap-{donor.number}-{year}", request=request)


def amount_words(amount: int) -> str:
    """1250000 -> 'satu juta dua ratus lima puluh ribu rupiah' (always Indonesian: it is on the document)."""
    return f"{num2words(amount, lang='id')} rupiah" if amount else "nol rupiah"
