"""Needs standards (had kifayah), field assessments and applying their suggestion."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.beneficiaries import scoring
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import (
    Assessment,
    Beneficiary,
    DocumentKind,
    Housing,
    HousingCondition,
    NeedCategory,
    NeedsStandard,
    Status,
)
from satuatap.beneficiaries.services.documents import document_add
from satuatap.beneficiaries.services.fields import beneficiary_locked, coordinate_clean, rupiah_clean
from satuatap.beneficiaries.services.registration import status_change
from satuatap.core.errors import NotAllowed, combined
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, require

# Statuses from which the assessment's suggestion may be applied and the person verified.
CLASSIFIABLE = (Status.APPLICANT, Status.ASSESSED, Status.VERIFIED, Status.ACTIVE)


def suggestion_reason(assessment: Assessment) -> str:
    """The reason offered for applying an assessment's asnaf: what the assessment found."""
    from satuatap.core.formatting import rupiah

    return _(
        "Assessment of %(date)s: need score %(score)s of 100; the household has %(income)s a month "
        "against minimum needs of %(needs)s."
    ) % {
        "date": assessment.assessed_on.strftime("%d-%m-%Y"),
        "score": assessment.score,
        "income": rupiah(assessment.monthly_income),
        "needs": rupiah(assessment.need_amount),
    }


def may_apply_assessment(user, assessment: Assessment) -> bool:
    """Whether ``user`` may apply this assessment's suggestion now (the action is offered)."""
    person = assessment.beneficiary
    return (
        bool(assessment.recommended_asnaf)
        and not person.is_merged
        and not person.erased_at
        and person.status in CLASSIFIABLE
        and (person.asnaf != assessment.recommended_asnaf or person.status not in (Status.VERIFIED, Status.ACTIVE))
        and can(user, "beneficiaries.verify", person.registered_unit)
    )


@transaction.atomic
def assessment_apply(*, actor, assessment: Assessment, reason: str) -> Beneficiary:
    """Classify the person into the asnaf their assessment suggests, with the reason, and verify
    them: one decision of a program officer or head instead of editing the record and then changing
    its status. Every reason to refuse is said at once; the classification and the verification are
    audited like their separate steps."""
    beneficiary = assessment.beneficiary
    unit = beneficiary.registered_unit
    if not can(actor, "beneficiaries.verify", unit):
        raise NotAllowed(
            _("Only a program officer or an office head of %(unit)s may classify and verify a beneficiary.")
            % {"unit": unit.name}
        )
    beneficiary = beneficiary_locked(beneficiary)
    reason = squash(reason)[:2000]
    refusals: list[ValidationError] = []
    if not assessment.recommended_asnaf:
        refusals.append(BeneficiaryRefused(_("This assessment suggests no asnaf: the household meets its needs.")))
    latest = beneficiary.assessments.order_by("-assessed_on", "-id").first()
    if latest is not None and latest.pk != assessment.pk:
        refusals.append(
            BeneficiaryRefused(
                _("A newer assessment of %(date)s exists; apply its suggestion instead.")
                % {"date": latest.assessed_on.strftime("%d-%m-%Y")}
            )
        )
    if beneficiary.status not in CLASSIFIABLE:
        refusals.append(
            BeneficiaryRefused(
                _("A beneficiary who is %(status)s cannot be verified.")
                % {"status": beneficiary.get_status_display().lower()}
            )
        )
    if not reason:
        refusals.append(BeneficiaryRefused(_("Give the reason for this asnaf."), field="reason"))
    if refusals:
        raise BeneficiaryRefused(combined(refusals))
    before = {"asnaf": beneficiary.asnaf, "asnaf_reason": beneficiary.asnaf_reason}
    beneficiary.asnaf, beneficiary.asnaf_reason = assessment.recommended_asnaf, reason
    changes = diff(before, {"asnaf": beneficiary.asnaf, "asnaf_reason": reason})
    if changes:
        beneficiary.save(update_fields=["asnaf", "asnaf_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.BENEFICIARY_UPDATED,
            target=beneficiary,
            unit=unit,
            changes=changes,
            note=_("The suggestion of the assessment of %(date)s is applied.")
            % {"date": assessment.assessed_on.strftime("%d-%m-%Y")},
        )
    # An applicant again (after a rejection) with a standing assessment passes through assessed.
    for from_status, to_status in ((Status.APPLICANT, Status.ASSESSED), (Status.ASSESSED, Status.VERIFIED)):
        if beneficiary.status == from_status:
            status_change(actor=actor, beneficiary=beneficiary, to_status=to_status, reason=reason, unit=unit)
            beneficiary.status = to_status
    return beneficiary


# --- needs standard and assessment ------------------------------------------------------------------


@transaction.atomic
def standard_save(*, actor, unit: Unit, name: str, valid_from: date, amounts: dict, region: str = "") -> NeedsStandard:
    """Set a unit's had kifayah standard from ``valid_from``: for every need category a monthly
    amount for the first person and for each further member. Replaces one of the same date."""
    require(actor, "beneficiaries.configure", unit)
    name = squash(name)
    if not name:
        raise BeneficiaryRefused(_("Name the standard (e.g. Had kifayah Jawa Tengah 2026)."), field="name")
    if not isinstance(valid_from, date):
        raise BeneficiaryRefused(_("Enter a valid date."), field="valid_from")
    clean = {}
    for category in NeedCategory:
        parts = amounts.get(category.value) or {}
        clean[category.value] = {
            "base": rupiah_clean(parts.get("base", 0), f"{category.value}_base"),
            "per_member": rupiah_clean(parts.get("per_member", 0), f"{category.value}_per_member"),
        }
    if not sum(p["base"] for p in clean.values()):
        raise BeneficiaryRefused(_("Enter the monthly amount of at least one need."), field="food_base")
    standard, created = NeedsStandard.objects.update_or_create(
        unit=unit,
        valid_from=valid_from,
        defaults={"name": name[:200], "region": (region or "").strip()[:200], "amounts": clean, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditAction.NEEDS_STANDARD_SAVED,
        target=standard,
        unit=unit,
        changes={
            "amounts": [None, ", ".join(f"{k} {v['base']:,}+{v['per_member']:,}" for k, v in clean.items())],
            "valid_from": [None, valid_from.isoformat()],
        },
        note=_("created") if created else _("replaced"),
    )
    return standard


ASSESSMENT_FIELDS = (
    "household_size",
    "dependants",
    "monthly_income",
    "income_sources",
    "housing",
    "housing_condition",
    "assets_value",
    "debts",
    "health",
    "education",
    "latitude",
    "longitude",
    "notes",
)


@transaction.atomic
def assessment_record(
    *, actor, beneficiary: Beneficiary, unit: Unit, assessed_on: date | None = None, photos=(), **fields
):
    """Record a field assessment, scored against the standard in force at ``unit``, with the
    ``photos`` taken on the visit (kept with it, or neither is kept); an applicant becomes
    assessed. Returns the assessment (``breakdown`` shows how the score came about)."""
    from satuatap.beneficiaries.selectors import standard_for

    require(actor, "beneficiaries.assess", unit)
    beneficiary = beneficiary_locked(beneficiary)
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise BeneficiaryRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise BeneficiaryRefused(_("An assessment cannot be dated in the future."), field="assessed_on")
    standard = standard_for(unit, assessed_on)
    if standard is None:
        raise BeneficiaryRefused(
            _(
                "No needs standard (had kifayah) is set for %(unit)s or above it; "
                "an office head or admin sets one first."
            )
            % {"unit": unit.name}
        )
    try:
        size = int(fields.get("household_size") or 0)
        dependants = int(fields.get("dependants") or 0)
    except (TypeError, ValueError):
        raise BeneficiaryRefused(_("Enter the number of people as a whole number."), field="household_size") from None
    if not 1 <= size <= 30:
        raise BeneficiaryRefused(_("A household has 1 to 30 people."), field="household_size")
    if not 0 <= dependants <= size:
        raise BeneficiaryRefused(_("Dependants cannot be more than the household."), field="dependants")
    if fields.get("housing") not in Housing.values:
        raise BeneficiaryRefused(_("Choose the kind of housing."), field="housing")
    if fields.get("housing_condition") not in HousingCondition.values:
        raise BeneficiaryRefused(_("Choose the condition of the house."), field="housing_condition")
    values = {
        "household_size": size,
        "dependants": dependants,
        "monthly_income": rupiah_clean(fields.get("monthly_income", 0), "monthly_income"),
        "assets_value": rupiah_clean(fields.get("assets_value", 0), "assets_value"),
        "debts": rupiah_clean(fields.get("debts", 0), "debts"),
        "housing": fields["housing"],
        "housing_condition": fields["housing_condition"],
        "latitude": coordinate_clean(fields.get("latitude"), "latitude", 90),
        "longitude": coordinate_clean(fields.get("longitude"), "longitude", 180),
    }
    for text in ("income_sources", "health", "education", "notes"):
        values[text] = (fields.get(text) or "").strip()[: 300 if text == "income_sources" else 5000]
    result = scoring.assess(
        standard.amounts,
        scoring.Household(
            size=size,
            monthly_income=values["monthly_income"],
            assets_value=values["assets_value"],
            debts=values["debts"],
            housing=values["housing"],
            housing_condition=values["housing_condition"],
            vulnerabilities=tuple(beneficiary.vulnerabilities),
        ),
        assessed_on,
    )
    assessment = Assessment.objects.create(
        beneficiary=beneficiary,
        unit=unit,
        assessed_on=assessed_on,
        assessed_by=actor,
        standard=standard,
        need_amount=result.need_amount,
        score=result.score,
        breakdown=result.breakdown,
        recommended_asnaf=result.recommended_asnaf,
        reassess_on=result.reassess_on,
        **values,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BENEFICIARY_ASSESSED,
        target=beneficiary,
        unit=unit,
        changes={"score": [None, result.score], "need_amount": [None, result.need_amount]},
    )
    if beneficiary.latitude is None and values["latitude"] is not None:
        beneficiary.latitude, beneficiary.longitude = values["latitude"], values["longitude"]
        beneficiary.save(update_fields=["latitude", "longitude"])
    for photo in photos:
        document_add(actor=actor, beneficiary=beneficiary, kind=DocumentKind.PHOTO, upload=photo, assessment=assessment)
    if beneficiary.status == Status.APPLICANT:
        status_change(
            actor=actor,
            beneficiary=beneficiary,
            to_status=Status.ASSESSED,
            reason=_("Assessed: score %(score)s") % {"score": result.score},
            unit=unit,
        )
    return assessment
