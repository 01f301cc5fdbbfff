"""The field assessment (mobile-first), its page with the score explained, and the needs standard
(had kifayah) it is scored against."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import scoring, selectors, services
from satuatap.beneficiaries.forms import (
    AssessmentApplyForm,
    AssessmentForm,
    DocumentForm,
    StandardForm,
    standard_initial,
)
from satuatap.beneficiaries.models import Asnaf, Assessment, DocumentKind, HousingCondition, NeedCategory
from satuatap.beneficiaries.views.common import closed_redirect, page_unit
from satuatap.core.views.helpers import apply_service_error
from satuatap.organizations.permissions import can


def _initial(beneficiary) -> dict:
    """Start from the last assessment, else from the household as registered."""
    initial = {"assessed_on": timezone.localdate(), "dependants": 0, "assets_value": 0, "debts": 0}
    last = beneficiary.assessments.first()
    if last is not None:
        for name in ("household_size", "dependants", "income_sources", "housing", "housing_condition"):
            initial[name] = getattr(last, name)
    elif beneficiary.household_id:
        initial["household_size"] = selectors.household_members(beneficiary.household).count()
    if beneficiary.latitude is not None:
        initial["latitude"], initial["longitude"] = beneficiary.latitude, beneficiary.longitude
    return initial


@login_required
def assess(request, pk):
    unit = page_unit(request, "beneficiaries.assess")
    beneficiary = selectors.beneficiary_for(request.user, pk)
    if beneficiary.is_merged or beneficiary.erased_at:
        return closed_redirect(request, beneficiary)
    form = AssessmentForm(request.POST or None, request.FILES or None, initial=_initial(beneficiary))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=request.user,
                beneficiary=beneficiary,
                unit=unit,
                assessed_on=form.cleaned_data.get("assessed_on"),
                photos=form.cleaned_data["photos"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc = ValidationError({"photos": exc.error_dict["file"]})
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The assessment is saved: score %(score)s of 100.") % {"score": assessment.score},
            )
            return redirect("beneficiaries:assessment", pk=assessment.pk)
    return render(
        request,
        "beneficiaries/assess.html",
        {
            "b": beneficiary,
            "unit": unit,
            "form": form,
            "standard": selectors.standard_for(unit, timezone.localdate()),
            "can_configure": can(request.user, "beneficiaries.configure", unit),
        },
    )


def _assessment_for(user, pk) -> Assessment:
    try:
        return Assessment.objects.select_related(
            "beneficiary__registered_unit", "beneficiary__household", "unit", "assessed_by", "standard__unit"
        ).get(pk=pk, beneficiary__in=selectors.beneficiaries_for(user))
    except Assessment.DoesNotExist:
        raise Http404 from None


@login_required
def assessment_detail(request, pk, apply_form=None):
    page_unit(request)
    assessment = _assessment_for(request.user, pk)
    beneficiary = assessment.beneficiary
    if apply_form is None and services.may_apply_assessment(request.user, assessment):
        apply_form = AssessmentApplyForm(initial={"reason": services.suggestion_reason(assessment)})
    steps = {step.get("step"): step for step in assessment.breakdown or []}
    needs = steps.get("needs", {})
    need_lines = [
        dict(line, label=NeedCategory(line["category"]).label if line.get("category") in NeedCategory.values else "")
        for line in needs.get("lines", [])
    ]
    open_record = not beneficiary.is_merged and not beneficiary.erased_at
    return render(
        request,
        "beneficiaries/assessment.html",
        {
            "a": assessment,
            "b": beneficiary,
            "steps": steps,
            "further": max(assessment.household_size - 1, 0),
            "need_lines": need_lines,
            "rules": {
                "shortfall": scoring.SHORTFALL_POINTS,
                "housing": scoring.HOUSING_MAX,
                "unfit": scoring.HOUSING_POINTS[HousingCondition.UNFIT],
                "poor": scoring.HOUSING_POINTS[HousingCondition.POOR],
                "fair": scoring.HOUSING_POINTS[HousingCondition.FAIR],
                "no_home": scoring.NO_HOME_POINTS,
                "vulnerability_each": scoring.VULNERABILITY_POINTS,
                "vulnerability": scoring.VULNERABILITY_MAX,
                "debt": scoring.DEBT_POINTS,
            },
            "recommended": Asnaf(assessment.recommended_asnaf).label if assessment.recommended_asnaf else "",
            "documents": assessment.documents.select_related("uploaded_by"),
            "can_documents": selectors.unit_over(request.user, beneficiary, "beneficiaries.documents") is not None,
            "can_upload": open_record and services.may_add_documents(request.user, beneficiary),
            "document_form": DocumentForm(initial={"kind": DocumentKind.PHOTO}),
            "apply_form": apply_form,
        },
    )


@login_required
@require_POST
def assessment_apply(request, pk):
    """Apply the assessment's asnaf (with the reason) and verify the person, in one step."""
    page_unit(request)
    assessment = _assessment_for(request.user, pk)
    form = AssessmentApplyForm(request.POST)
    if form.is_valid():
        try:
            person = services.assessment_apply(
                actor=request.user, assessment=assessment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is classified as %(asnaf)s and verified.")
                % {"name": person.full_name, "asnaf": person.get_asnaf_display()},
            )
            return redirect("beneficiaries:assessment", pk=assessment.pk)
    return assessment_detail(request, pk, apply_form=form)


# --- needs standard -------------------------------------------------------------------------------------


@login_required
def standards(request):
    unit = page_unit(request)
    today = timezone.localdate()
    in_force = selectors.standard_for(unit, today)
    can_configure = can(request.user, "beneficiaries.configure", unit)
    form = None
    if can_configure:
        initial = standard_initial(in_force) if in_force else {}
        initial["valid_from"] = today
        form = StandardForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                standard = services.standard_save(
                    actor=request.user,
                    unit=unit,
                    name=form.cleaned_data["name"],
                    region=form.cleaned_data["region"],
                    valid_from=form.cleaned_data["valid_from"],
                    amounts=form.amounts(),
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The needs standard %(name)s is saved.") % {"name": standard.name})
                return redirect("beneficiaries:standards")
    elif request.method == "POST":
        raise PermissionDenied(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})
    rows = []
    for standard in selectors.standards_at(unit):
        size_four, _lines = scoring.need_amount(standard.amounts, 4)
        rows.append(
            {
                "standard": standard,
                "in_force": in_force is not None and standard.pk == in_force.pk,
                "amounts": [
                    (c.label, parts.get("base", 0), parts.get("per_member", 0))
                    for c in NeedCategory
                    for parts in [standard.amounts.get(c.value) or {}]
                ],
                "first_person": sum(int((p or {}).get("base", 0)) for p in standard.amounts.values()),
                "family_of_four": size_four,
            }
        )
    return render(
        request,
        "beneficiaries/standards.html",
        {"unit": unit, "rows": rows, "form": form, "in_force": in_force, "categories": NeedCategory.choices},
    )
