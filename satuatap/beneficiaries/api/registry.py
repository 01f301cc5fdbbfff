"""Beneficiaries (mustahik) over the REST API, scoped and masked like the pages.

A user sees the beneficiaries registered in their units and those their units helped
(``selectors.beneficiaries_for``). NIK and KK are masked in every answer; a role with
``beneficiaries.identifiers`` on a unit where the person is visible reads the full values
from ``/beneficiaries/{beneficiary_id}/identifiers``, and every such read is audited.
Duplicate candidates are searched across the whole institution; one held outside the
user's scope is answered only as ``{"unit": name, "in_scope": false}``.
Writes go through ``beneficiaries.services``; their refusals become the API's one error shape.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.beneficiaries import matching, scoring, selectors, services
from satuatap.beneficiaries.api.schemas import (
    AidOut,
    AssessmentIn,
    AssessmentOut,
    BeneficiaryDetailOut,
    BeneficiaryFilter,
    BeneficiaryIn,
    BeneficiaryOut,
    BeneficiaryPatch,
    CandidateOut,
    HiddenCandidateOut,
    IdentifiersOut,
    NeedsStandardIn,
    NeedsStandardOut,
    ProbeIn,
    StatusChangeOut,
    StatusIn,
)
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import Beneficiary, NeedsStandard
from satuatap.core import identifiers
from satuatap.organizations.selectors import unit_for

router = Router(tags=["beneficiaries"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
CANDIDATES = {200: list[CandidateOut | HiddenCandidateOut], **ERRORS}


def _detail(user, beneficiary: Beneficiary) -> Beneficiary:
    beneficiary.identifiers_readable = (
        bool(beneficiary.nik_last4 or (beneficiary.household_id and beneficiary.household.kk_last4))
        and selectors.unit_over(user, beneficiary, "beneficiaries.identifiers") is not None
    )
    return beneficiary


def _candidates(user, institution_id: int, probe: matching.Probe) -> list[dict]:
    answer = []
    for view in selectors.candidates_for(user, institution_id, probe):
        if not view.visible:
            answer.append({"in_scope": False, "unit": view.unit.name})
            continue
        found = view.candidate.beneficiary
        answer.append(
            {
                "in_scope": True,
                "unit": view.unit.name,
                "id": found.pk,
                "number": found.number,
                "full_name": found.full_name,
                "nik_masked": found.nik_masked,
                "birth_date": found.birth_date,
                "sex": found.sex,
                "village": found.village,
                "status": found.status,
                "score": round(view.candidate.score, 3),
                "reasons": view.candidate.reasons,
            }
        )
    return answer


# --- reads ------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[BeneficiaryOut], **ERRORS},
    summary="Search beneficiaries in your units",
    operation_id="satuatap_beneficiaries_api_list_beneficiaries",
)
@paginate(LimitOffsetPagination)
def list_beneficiaries(request, filters: Query[BeneficiaryFilter]):
    within = None
    if filters.unit_id is not None:
        within = unit_for(request.user, filters.unit_id, capability="beneficiaries.view")
    return selectors.search(
        request.user, within=within, q=filters.q or "", status=filters.status or "", asnaf=filters.asnaf or ""
    )


@router.get(
    "/{int:beneficiary_id}",
    response={200: BeneficiaryDetailOut, **ERRORS},
    summary="One beneficiary (NIK/KK masked)",
    operation_id="satuatap_beneficiaries_api_get_beneficiary",
)
def get_beneficiary(request, beneficiary_id: int):
    return _detail(request.user, selectors.beneficiary_for(request.user, beneficiary_id))


@router.get(
    "/{int:beneficiary_id}/identifiers",
    response={200: IdentifiersOut, **ERRORS},
    summary="The full NIK and KK (program officers and auditors; every read is audited)",
    operation_id="satuatap_beneficiaries_api_get_identifiers",
)
def get_identifiers(request, beneficiary_id: int):
    beneficiary = selectors.beneficiary_for(request.user, beneficiary_id)
    return services.identifiers_read(actor=request.user, beneficiary=beneficiary)


@router.get(
    "/{int:beneficiary_id}/aid",
    response={200: list[AidOut], **ERRORS},
    summary="Help the person and their household received, from every unit of the institution",
    operation_id="satuatap_beneficiaries_api_list_aid",
)
@paginate(LimitOffsetPagination)
def list_aid(request, beneficiary_id: int):
    return selectors.aid_history(selectors.beneficiary_for(request.user, beneficiary_id))


@router.get(
    "/{int:beneficiary_id}/candidates",
    response=CANDIDATES,
    summary="Records that may be the same person (outside your units: only where a match is held)",
    operation_id="satuatap_beneficiaries_api_list_candidates",
)
def list_candidates(request, beneficiary_id: int):
    b = selectors.beneficiary_for(request.user, beneficiary_id)
    return _candidates(request.user, b.institution_id, matching.Probe.of_record(b))


@router.post(
    "/candidates",
    response=CANDIDATES,
    summary="Look for a person before registering them (nothing is saved)",
    operation_id="satuatap_beneficiaries_api_probe_candidates",
)
def probe_candidates(request, payload: ProbeIn):
    unit = acting_unit(request.user, payload.unit_id, "beneficiaries.manage")
    probe = matching.Probe(
        full_name=" ".join(payload.name.split()),
        nik=identifiers.clean_nik(payload.nik, BeneficiaryRefused),
        kk=identifiers.clean_kk(payload.kk, BeneficiaryRefused),
        birth_date=payload.birth_date,
        sex=payload.sex,
        phone=identifiers.clean_phone(payload.phone, BeneficiaryRefused),
        village=payload.village,
    )
    if probe.is_empty:
        raise BeneficiaryRefused(_("Give at least a name, NIK, KK, phone or birth date to look for."), field="name")
    return _candidates(request.user, unit.institution_id, probe)


# --- writes -----------------------------------------------------------------------------------


@router.post(
    "",
    response={201: BeneficiaryDetailOut, **ERRORS},
    summary="Register a beneficiary",
    operation_id="satuatap_beneficiaries_api_create_beneficiary",
)
def create_beneficiary(request, payload: BeneficiaryIn):
    unit = acting_unit(request.user, payload.unit_id, "beneficiaries.manage")
    fields = payload.dict(exclude={"unit_id", "consent"})
    consent = payload.consent.dict() if payload.consent is not None else None
    beneficiary = services.beneficiary_register(actor=request.user, unit=unit, consent=consent, **fields)
    return Status(201, _detail(request.user, selectors.beneficiary_for(request.user, beneficiary.pk)))


# Fields a null may not clear: a null there means "leave as it is".
NOT_CLEARED = ("full_name", "has_disability", "is_orphan", "chronic_illness", "single_parent")


@router.patch(
    "/{int:beneficiary_id}",
    response={200: BeneficiaryDetailOut, **ERRORS},
    summary="Change a beneficiary",
    operation_id="satuatap_beneficiaries_api_update_beneficiary",
)
def update_beneficiary(request, beneficiary_id: int, payload: BeneficiaryPatch):
    beneficiary = selectors.beneficiary_for(request.user, beneficiary_id)
    fields = payload.dict(exclude_unset=True)
    for key, value in list(fields.items()):
        if value is None and key not in ("birth_date", "latitude", "longitude"):
            if key in NOT_CLEARED:
                del fields[key]
            else:
                fields[key] = ""
    beneficiary = services.beneficiary_update(actor=request.user, beneficiary=beneficiary, **fields)
    return _detail(request.user, selectors.beneficiary_for(request.user, beneficiary.pk))


@router.post(
    "/{int:beneficiary_id}/status",
    response={201: StatusChangeOut, **ERRORS},
    summary="Move a beneficiary along the lifecycle, with the reason",
    operation_id="satuatap_beneficiaries_api_change_status",
)
def change_status(request, beneficiary_id: int, payload: StatusIn):
    beneficiary = selectors.beneficiary_for(request.user, beneficiary_id)
    change = services.status_change(
        actor=request.user, beneficiary=beneficiary, to_status=payload.to_status, reason=payload.reason
    )
    return Status(201, change)


@router.post(
    "/{int:beneficiary_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="Record a field assessment; returns the need score, the minimum needs and how they came about",
    operation_id="satuatap_beneficiaries_api_create_assessment",
)
def create_assessment(request, beneficiary_id: int, payload: AssessmentIn):
    beneficiary = selectors.beneficiary_for(request.user, beneficiary_id)
    if payload.unit_id is None:
        unit = beneficiary.registered_unit
    else:
        unit = unit_for(request.user, payload.unit_id, capability="beneficiaries.view")
    fields = payload.dict(exclude={"unit_id", "assessed_on"})
    assessment = services.assessment_record(
        actor=request.user, beneficiary=beneficiary, unit=unit, assessed_on=payload.assessed_on, **fields
    )
    return Status(201, assessment)


# --- needs standard (had kifayah), as the standards page shows and sets it ---------------------------


def _standard_out(standard: NeedsStandard, in_force: NeedsStandard | None) -> NeedsStandard:
    standard.in_force = in_force is not None and standard.pk == in_force.pk
    standard.family_of_four = scoring.need_amount(standard.amounts, 4)[0]
    return standard


@router.get(
    "/standards",
    response={200: list[NeedsStandardOut], **ERRORS},
    summary="The needs standards that apply at a unit (its own and those above) and those set below it",
    operation_id="satuatap_beneficiaries_api_list_standards",
)
def list_standards(request, unit_id: int | None = Query(None, description="Default: your first unit.")):
    unit = acting_unit(request.user, unit_id, "beneficiaries.view")
    in_force = selectors.standard_for(unit, timezone.localdate())
    return [_standard_out(standard, in_force) for standard in selectors.standards_at(unit)]


@router.post(
    "/standards",
    response={201: NeedsStandardOut, **ERRORS},
    summary="Set a unit's needs standard from a date (admins and heads; replaces one of the same date)",
    operation_id="satuatap_beneficiaries_api_set_standard",
)
def set_standard(request, payload: NeedsStandardIn):
    unit = acting_unit(request.user, payload.unit_id, "beneficiaries.configure")
    amounts = payload.amounts.dict(exclude_none=True)
    try:
        standard = services.standard_save(
            actor=request.user,
            unit=unit,
            name=payload.name,
            region=payload.region,
            valid_from=payload.valid_from,
            amounts=amounts,
        )
    except BeneficiaryRefused as exc:
        if not _about_amounts(exc):
            raise
        # The page names one input per amount (food_base); the request nests them under ``amounts``.
        raise BeneficiaryRefused(" ".join(exc.messages), field="amounts") from exc
    return Status(201, _standard_out(standard, selectors.standard_for(unit, timezone.localdate())))


def _about_amounts(exc: BeneficiaryRefused) -> bool:
    return hasattr(exc, "error_dict") and any(field.endswith(("_base", "_per_member")) for field in exc.error_dict)
