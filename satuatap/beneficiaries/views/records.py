"""Pages on the records that belong to one beneficiary: consents, documents, duplicates (merge and
"not a duplicate"), aid given outside the system, and the person's data-subject requests."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import selectors, services
from satuatap.beneficiaries.forms import AidForm, ConsentForm, DocumentForm, EraseForm, MergeForm
from satuatap.beneficiaries.models import Assessment, Consent, Document
from satuatap.beneficiaries.views.common import closed_redirect, page_unit, phone_shown
from satuatap.core.views.helpers import apply_service_error, query_int
from satuatap.organizations.permissions import require


def _detail_url(beneficiary) -> str:
    return reverse("beneficiaries:detail", args=[beneficiary.pk])


def _errors_as_messages(request, errors: list[str]) -> None:
    """A refused form or service on a page that redirects back: each reason as a message."""
    for text in errors:
        messages.error(request, text)


# --- consents -----------------------------------------------------------------------------------------


@login_required
@require_POST
def consent_add(request, pk):
    page_unit(request)
    beneficiary = selectors.beneficiary_for(request.user, pk)
    require(request.user, "beneficiaries.manage", beneficiary.registered_unit)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        _errors_as_messages(request, [text for errors in form.errors.values() for text in errors])
    else:
        try:
            services.consent_record(actor=request.user, beneficiary=beneficiary, **form.service_fields())
        except ValidationError as exc:
            _errors_as_messages(request, exc.messages)
        else:
            messages.success(request, _("The consent has been recorded."))
    return redirect(f"{_detail_url(beneficiary)}#consents")


@login_required
@require_POST
def consent_withdraw(request, pk):
    page_unit(request)
    try:
        consent = Consent.objects.select_related("beneficiary__registered_unit").get(
            pk=pk, beneficiary__in=selectors.beneficiaries_for(request.user)
        )
    except Consent.DoesNotExist:
        raise Http404 from None
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as exc:
        _errors_as_messages(request, exc.messages)
    else:
        messages.success(
            request,
            _("The consent for %(purpose)s is withdrawn from today.") % {"purpose": consent.get_purpose_display()},
        )
    return redirect(f"{_detail_url(consent.beneficiary)}#consents")


# --- documents ----------------------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request, pk):
    """A scan or photo of the beneficiary, optionally of one of their assessments."""
    page_unit(request)
    beneficiary = selectors.beneficiary_for(request.user, pk)
    if not services.may_add_documents(request.user, beneficiary):
        raise PermissionDenied(
            _("Your role on %(unit)s does not allow this action.") % {"unit": beneficiary.registered_unit.name}
        )
    assessment = None
    if request.POST.get("assessment"):
        assessment = Assessment.objects.filter(
            beneficiary=beneficiary, pk=query_int(request.POST["assessment"])
        ).first()
        if assessment is None:
            raise Http404
    form = DocumentForm(request.POST, request.FILES)
    back = (
        redirect("beneficiaries:assessment", pk=assessment.pk)
        if assessment
        else redirect(f"{_detail_url(beneficiary)}#documents")
    )
    if not form.is_valid():
        _errors_as_messages(request, [text for errors in form.errors.values() for text in errors])
        return back
    try:
        document = services.document_add(
            actor=request.user,
            beneficiary=beneficiary,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            assessment=assessment,
        )
    except ValidationError as exc:
        _errors_as_messages(request, exc.messages)
    else:
        messages.success(request, _("%(document)s is kept.") % {"document": document})
    return back


@login_required
def document_open(request, pk):
    """The document's file, for roles that may see documents; every view is audited."""
    page_unit(request)
    try:
        document = Document.objects.select_related("beneficiary").get(
            pk=pk, beneficiary__in=selectors.beneficiaries_for(request.user)
        )
    except Document.DoesNotExist:
        raise Http404 from None
    handle = services.document_open(actor=request.user, document=document)
    response = FileResponse(handle, content_type=document.content_type, filename=document.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- duplicates -----------------------------------------------------------------------------------------


@login_required
def beneficiary_merge(request, pk):
    """Merge ``other`` into this beneficiary, after a side-by-side look; a person decides, never the system."""
    unit = page_unit(request, "beneficiaries.merge")
    survivor = selectors.beneficiary_for(request.user, pk, capability="beneficiaries.merge")
    if survivor.is_merged or survivor.erased_at:
        return closed_redirect(request, survivor)
    other_pk = query_int(request.POST.get("other") or request.GET.get("other"))
    if other_pk is None:
        raise Http404
    duplicate = selectors.beneficiary_for(request.user, other_pk, capability="beneficiaries.merge")
    form = MergeForm(request.POST or None, initial={"other": duplicate.pk})
    if request.method == "POST" and form.is_valid():
        try:
            kept = services.beneficiary_merge(actor=request.user, survivor=survivor, duplicate=duplicate, unit=unit)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(duplicate)s was merged into %(survivor)s; %(count)s records moved with it.")
                % {
                    "duplicate": duplicate.number,
                    "survivor": kept.number,
                    "count": sum(getattr(kept, "merge_counts", {}).values()),
                },
            )
            return redirect("beneficiaries:detail", pk=kept.pk)
    pair = []
    for role, record in (("survivor", survivor), ("duplicate", duplicate)):
        pair.append(
            {
                "role": role,
                "b": record,
                "phone": phone_shown(record.phone),
                "totals": selectors.aid_totals(record),
                "assessments": record.assessments.count(),
            }
        )
    return render(
        request,
        "beneficiaries/merge.html",
        {"survivor": survivor, "duplicate": duplicate, "pair": pair, "form": form},
    )


@login_required
@require_POST
def not_duplicate(request, pk):
    unit = page_unit(request, "beneficiaries.manage")
    first = selectors.beneficiary_for(request.user, pk)
    other_pk = query_int(request.POST.get("other"))
    if other_pk is None:
        raise Http404
    second = selectors.beneficiary_for(request.user, other_pk)
    try:
        services.not_duplicate_mark(
            actor=request.user, first=first, second=second, unit=unit, reason=request.POST.get("reason", "")[:2000]
        )
    except ValidationError as exc:
        _errors_as_messages(request, exc.messages)
    else:
        messages.success(
            request,
            _("%(other)s is marked as a different person; it will not be proposed again.") % {"other": second.number},
        )
    return redirect(f"{_detail_url(first)}#duplicates")


@login_required
@require_POST
def possible_duplicate_review(request, pk):
    """Decide on a record an import kept as a possible duplicate: merge it into the record it matches
    (``decision=same``), or mark the two as different people (``decision=distinct``)."""
    same = request.POST.get("decision") == "same"
    unit = page_unit(request, "beneficiaries.merge" if same else "beneficiaries.manage")
    held = selectors.beneficiary_for(request.user, pk)
    other = held.possible_duplicate_of
    try:
        kept = services.possible_duplicate_review(
            actor=request.user, beneficiary=held, same=same, unit=unit, reason=request.POST.get("reason", "")[:2000]
        )
    except ValidationError as exc:
        _errors_as_messages(request, exc.messages)
        return redirect(_detail_url(held))
    if same:
        messages.success(
            request,
            _("%(duplicate)s was merged into %(survivor)s.") % {"duplicate": held.number, "survivor": kept.number},
        )
    else:
        messages.success(
            request,
            _("%(number)s is a different person from %(other)s; it may be helped now.")
            % {"number": held.number, "other": other.number if other else "?"},
        )
    return redirect(_detail_url(kept))


# --- aid given outside the system ------------------------------------------------------------------------


@login_required
def aid_new(request, pk):
    unit = page_unit(request, "beneficiaries.manage")
    beneficiary = selectors.beneficiary_for(request.user, pk)
    if beneficiary.is_merged or beneficiary.erased_at:
        return closed_redirect(request, beneficiary)
    form = AidForm(request.POST or None, initial={"given_on": timezone.localdate(), "asnaf": beneficiary.asnaf})
    if request.method == "POST" and form.is_valid():
        try:
            services.aid_record(actor=request.user, beneficiary=beneficiary, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The help is added to the aid history."))
            return redirect(f"{_detail_url(beneficiary)}#aid")
    return render(request, "beneficiaries/aid_form.html", {"b": beneficiary, "unit": unit, "form": form})


# --- data-subject requests (UU 27/2022) -------------------------------------------------------------------


@login_required
def privacy(request, pk):
    """Export everything held on the person, or erase it, at their request."""
    page_unit(request, "beneficiaries.privacy")
    beneficiary = selectors.beneficiary_for(request.user, pk)
    form = EraseForm(request.POST if request.POST.get("action") == "erase" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "export":
            data = services.subject_export(actor=request.user, beneficiary=beneficiary)
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2, default=str),
                content_type="application/json; charset=utf-8",
            )
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="data-{beneficiary.number}-{stamp}.json"'
            response["Cache-Control"] = "private, no-store"
            return response
        if action == "erase" and form.is_valid():
            try:
                services.subject_erase(actor=request.user, beneficiary=beneficiary, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The person's identifying data has been erased."))
                return redirect("beneficiaries:detail", pk=beneficiary.pk)
    return render(request, "beneficiaries/privacy.html", {"b": beneficiary, "form": form})
