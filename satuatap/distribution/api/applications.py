"""Distribution over the REST API: programs and pillars, aid applications and their workflow to the
follow-up, evidence, batches of many recipients, disbursements and the distribution report.

A user sees the programs, applications and disbursements of the units in whose subtree they hold
``distribution.view``; an id outside them answers 404. Each workflow step checks the role it
needs on the application's unit before anything else (403), then goes through
``distribution.services``; their refusals become the API's one error shape (400 with the message
and the field). Approving past a fair-share warning without ``override_reason`` answers 409 with
the warnings. Of a beneficiary, answers carry only the number, the full name and the masked NIK.
Evidence is uploaded as multipart form data (``kind``, ``file``); auditors may read it but keep none.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.api.scoping import acting_unit
from satuatap.beneficiaries.selectors import beneficiary_for
from satuatap.core.asnaf import Asnaf
from satuatap.distribution import selectors, services
from satuatap.distribution.api.common import ERRORS, VIEW, acting_on, fair_share_conflict, refusals
from satuatap.distribution.api.schemas import (
    ApplicationDetailOut,
    ApplicationFilter,
    ApplicationIn,
    ApplicationOut,
    AssessIn,
    DecideIn,
    DisbursementFilter,
    DisbursementOut,
    DistributionReportQuery,
    EvidenceCompleteIn,
    EvidenceOut,
    FollowUpIn,
    PayIn,
    PillarOut,
    ProgramFilter,
    ProgramIn,
    ProgramOut,
    ProgramPatch,
    RecommendIn,
    ReportOut,
    ScreenIn,
)
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import (
    OPEN_STATUSES,
    Application,
    AppStatus,
    EvidenceKind,
)
from satuatap.distribution.selectors import distribution_report, overdue_q, regency_breakdown
from satuatap.distribution.services import evidence_add
from satuatap.ledger.selectors import MonthRange, pillar_labels, pillars_of
from satuatap.organizations.permissions import require
from satuatap.organizations.selectors import unit_for

router = Router(tags=["distribution"])

# Statuses before the decision: when the fair-share rules and the authority limit still matter.
UNDECIDED = (AppStatus.SUBMITTED, AppStatus.SCREENED, AppStatus.ASSESSED, AppStatus.RECOMMENDED)


def _detail(user, application: Application) -> Application:
    """The application re-read in scope, with what the person deciding needs to know."""
    application = selectors.application_for(user, application.pk)
    application.eligibility_problems = (
        selectors.eligibility_problems(application) if application.status in OPEN_STATUSES else []
    )
    application.fair_share_warnings = []
    application.approval_limit = selectors.approval_limit(user, application.unit)
    application.above_my_limit = False
    application.approver_unit = None
    if application.status in UNDECIDED:
        amount = application.recommended_amount or application.requested_amount
        application.fair_share_warnings = selectors.fair_share_warnings(application, amount)
        if amount > application.approval_limit:
            application.above_my_limit = True
            application.approver_unit = selectors.approver_unit(application.unit, amount)
    return application


# --- programs ---------------------------------------------------------------------------------


@router.get(
    "/programs",
    response={200: list[ProgramOut], **ERRORS},
    summary="Programs of your units",
    operation_id="satuatap_distribution_api_list_programs",
)
@paginate(LimitOffsetPagination)
def list_programs(request, filters: Query[ProgramFilter]):
    programs = selectors.programs_for(request.user).select_related("unit")
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability=VIEW)
        programs = programs.filter(unit__path__startswith=unit.path)
    if filters.fund_kind:
        programs = programs.filter(fund_kind=filters.fund_kind)
    if filters.active is not None:
        programs = programs.filter(is_active=filters.active)
    return programs.order_by("name", "id")


@router.get(
    "/programs/{int:program_id}",
    response={200: ProgramOut, **ERRORS},
    summary="One program",
    operation_id="satuatap_distribution_api_get_program",
)
def get_program(request, program_id: int):
    return selectors.program_for(request.user, program_id)


@router.post(
    "/programs",
    response={201: ProgramOut, **ERRORS},
    summary="Create a program (heads and admins)",
    operation_id="satuatap_distribution_api_create_program",
)
def create_program(request, payload: ProgramIn):
    unit = acting_unit(request.user, payload.unit_id, "distribution.configure")
    program = services.program_save(actor=request.user, unit=unit, **payload.dict(exclude={"unit_id"}))
    return Status(201, selectors.program_for(request.user, program.pk))


# The rules a null removes; for any other field a null means "leave as it is".
CLEARABLE = ("min_score", "once_per_months", "household_yearly_cap")
PROGRAM_FIELDS = (
    "code", "name", "pillar", "fund_kind", "asnaf", "aid_kind", "budget", "target_people", "start_date", "end_date",
    "min_score", "once_per_months", "household_yearly_cap", "step_days", "regions", "required_documents",
    "is_public", "installments", "is_active",
)  # fmt: skip


@router.patch(
    "/programs/{int:program_id}",
    response={200: ProgramOut, **ERRORS},
    summary="Change a program",
    operation_id="satuatap_distribution_api_update_program",
)
def update_program(request, program_id: int, payload: ProgramPatch):
    program = selectors.program_for(request.user, program_id)
    require(request.user, "distribution.configure", program.unit)
    fields = {name: getattr(program, name) for name in PROGRAM_FIELDS}
    for key, value in payload.dict(exclude_unset=True).items():
        if value is not None or key in CLEARABLE:
            fields[key] = value
    program = services.program_save(actor=request.user, unit=program.unit, program=program, **fields)
    return selectors.program_for(request.user, program.pk)


# --- applications -----------------------------------------------------------------------------


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="Aid applications in your units",
    operation_id="satuatap_distribution_api_list_applications",
)
@paginate(LimitOffsetPagination)
def list_applications(request, filters: Query[ApplicationFilter]):
    applications = selectors.applications_for(request.user).select_related("unit", "program", "beneficiary")
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability=VIEW)
        applications = applications.filter(unit__path__startswith=unit.path)
    if filters.status:
        applications = applications.filter(status=filters.status)
    if filters.program_id is not None:
        applications = applications.filter(program_id=filters.program_id)
    if filters.overdue is not None:
        late = overdue_q(timezone.localdate())
        applications = applications.filter(late) if filters.overdue else applications.exclude(late)
    return applications.order_by("-created_at", "-id")


@router.get(
    "/applications/{int:application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="One application: its steps, eligibility, fair-share warnings and who may approve it",
    operation_id="satuatap_distribution_api_get_application",
)
def get_application(request, application_id: int):
    return _detail(request.user, selectors.application_for(request.user, application_id))


@router.post(
    "/applications",
    response={201: ApplicationDetailOut, **ERRORS},
    summary="Take an application for help",
    operation_id="satuatap_distribution_api_create_application",
)
def create_application(request, payload: ApplicationIn):
    unit = acting_unit(request.user, payload.unit_id, "distribution.apply")
    beneficiary = beneficiary_for(request.user, payload.beneficiary_id)
    program = selectors.program_at(request.user, payload.program_id, unit)
    with refusals():
        application = services.application_submit(
            actor=request.user,
            unit=unit,
            program=program,
            beneficiary=beneficiary,
            need=payload.need,
            requested_amount=payload.requested_amount,
            channel=payload.channel,
        )
    return Status(201, _detail(request.user, application))


@router.post(
    "/applications/{int:application_id}/screen",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Screen a submitted application (or reject it with the reason)",
    operation_id="satuatap_distribution_api_screen_application",
)
def screen_application(request, application_id: int, payload: ScreenIn):
    application = acting_on(request.user, application_id, "distribution.assess")
    application = services.application_screen(
        actor=request.user, application=application, note=payload.note, reject=payload.reject
    )
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/assess",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Link the person's latest field assessment to a screened application",
    operation_id="satuatap_distribution_api_assess_application",
)
def assess_application(request, application_id: int, payload: AssessIn):
    application = acting_on(request.user, application_id, "distribution.assess")
    application = services.application_assess(actor=request.user, application=application, note=payload.note)
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/recommend",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Recommend an amount for an assessed application",
    operation_id="satuatap_distribution_api_recommend_application",
)
def recommend_application(request, application_id: int, payload: RecommendIn):
    application = acting_on(request.user, application_id, "distribution.recommend")
    application = services.application_recommend(
        actor=request.user, application=application, amount=payload.amount, note=payload.note
    )
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/decide",
    response={200: ApplicationDetailOut, 409: ErrorOut, **ERRORS},
    summary="Approve or reject a recommended application",
    description=(
        "Approval is refused above your authority limit (403, naming the office it goes to), for your own "
        "recommendation (403), for a person not eligible or a fund that cannot pay (400). When the program's "
        "fair-share rules warn, the answer is 409 (code `fair_share_warning`, the warnings in the message, field "
        "`override_reason`): send the request again with an `override_reason` to approve anyway."
    ),
    operation_id="satuatap_distribution_api_decide_application",
)
def decide_application(request, application_id: int, payload: DecideIn):
    application = acting_on(request.user, application_id, "distribution.approve")
    try:
        application = services.application_decide(
            actor=request.user,
            application=application,
            approve=payload.approve,
            amount=payload.amount,
            note=payload.note,
            override_reason=payload.override_reason,
        )
    except FairShareWarning as exc:
        return fair_share_conflict(exc)
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/pay",
    response={201: DisbursementOut, **ERRORS},
    summary="Pay (part of) an approved application; posts one journal entry",
    operation_id="satuatap_distribution_api_pay_application",
)
def pay_application(request, application_id: int, payload: PayIn):
    application = acting_on(request.user, application_id, "distribution.pay")
    money_account = selectors.money_account_of(application.institution_id, payload.money_account_id)
    if money_account is None:
        raise DistributionRefused(
            _("Choose a cash or bank account of %(unit)s.") % {"unit": application.unit.name},
            field="money_account_id",
        )
    with refusals():
        disbursement = services.disbursement_pay(
            actor=request.user,
            application=application,
            amount=payload.amount,
            money_account=money_account,
            paid_on=payload.paid_on,
            reference=payload.reference,
        )
    return Status(201, selectors.disbursements_for(request.user).get(pk=disbursement.pk))


# --- disbursements ----------------------------------------------------------------------------


@router.get(
    "/disbursements",
    response={200: list[DisbursementOut], **ERRORS},
    summary="Disbursements in your units",
    operation_id="satuatap_distribution_api_list_disbursements",
)
@paginate(LimitOffsetPagination)
def list_disbursements(request, filters: Query[DisbursementFilter]):
    disbursements = selectors.disbursements_for(request.user)
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability=VIEW)
        disbursements = disbursements.filter(unit__path__startswith=unit.path)
    if filters.application_id is not None:
        disbursements = disbursements.filter(application_id=filters.application_id)
    return disbursements.order_by("-paid_on", "-id")


@router.get(
    "/pillars",
    response={200: list[PillarOut], **ERRORS},
    summary="The pillars of your institution (the program areas a program is filed under)",
    operation_id="satuatap_distribution_api_list_pillars",
)
def list_pillars(request, unit_id: int | None = None):
    unit = acting_unit(request.user, unit_id, VIEW)
    return [{"code": code, "name": name} for code, name in pillars_of(unit.institution_id)]


# --- after the payment: evidence, evidence complete, follow-up ----------------------------------


def _keeping_evidence(user, application_id: int) -> Application:
    """The application, once the user's role may keep evidence on its unit (auditors open
    evidence; they neither add any nor close the step)."""
    return acting_on(user, application_id, "distribution.evidence_keep")


_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "file"],
                    "properties": {
                        "kind": {"type": "string", "enum": [str(k) for k in EvidenceKind.values]},
                        "file": {"type": "string", "format": "binary", "description": "PDF, JPEG, PNG or WebP."},
                        "disbursement_id": {"type": "integer", "description": "The payment it proves (optional)."},
                    },
                }
            }
        },
    }
}


@router.post(
    "/applications/{int:application_id}/evidence",
    response={201: EvidenceOut, **ERRORS},
    summary="Keep evidence of an approved or paid application (multipart: kind, file)",
    openapi_extra=_MULTIPART,
    operation_id="satuatap_distribution_api_add_evidence",
)
def add_evidence(request, application_id: int):
    application = _keeping_evidence(request.user, application_id)
    # Read here, after the scope and role checks: an outsider learns nothing from how the body is refused.
    disbursement = None
    raw = request.POST.get("disbursement_id", "")
    if raw:
        disbursement = selectors.disbursement_of(int(raw) if raw.isdigit() else 0)
        if disbursement is None or disbursement.application_id != application.pk:
            raise DistributionRefused(_("This payment belongs to another application."), field="disbursement_id")
    with refusals():
        kept = evidence_add(
            actor=request.user,
            application=application,
            kind=request.POST.get("kind", ""),
            upload=request.FILES.get("file"),
            disbursement=disbursement,
        )
    return Status(201, kept)


@router.get(
    "/applications/{int:application_id}/evidence",
    response={200: list[EvidenceOut], **ERRORS},
    summary="The evidence kept for an application",
    operation_id="satuatap_distribution_api_list_evidence",
)
def list_evidence(request, application_id: int):
    application = selectors.application_for(request.user, application_id)
    return list(application.evidence.select_related("uploaded_by").order_by("uploaded_at", "id"))


@router.post(
    "/applications/{int:application_id}/evidence-complete",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Mark a disbursed application's evidence complete (the follow-up is due next)",
    operation_id="satuatap_distribution_api_complete_evidence",
)
def complete_evidence(request, application_id: int, payload: EvidenceCompleteIn):
    application = _keeping_evidence(request.user, application_id)
    application = services.application_evidence_complete(actor=request.user, application=application, note=payload.note)
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/follow-up",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Record the follow-up after the aid (what was found); the application is then done",
    operation_id="satuatap_distribution_api_follow_up",
)
def follow_up(request, application_id: int, payload: FollowUpIn):
    application = acting_on(request.user, application_id, "distribution.assess")
    application = services.application_follow_up(
        actor=request.user, application=application, note=payload.note, on=payload.on
    )
    return _detail(request.user, application)


# --- the report ---------------------------------------------------------------------------------


def _month(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


@router.get(
    "/report",
    response={200: ReportOut, **ERRORS},
    summary="The distribution report of a unit's subtree over whole months (as on the report page)",
    operation_id="satuatap_distribution_api_get_report",
)
def get_report(request, query: Query[DistributionReportQuery]):
    unit = acting_unit(request.user, query.unit_id, VIEW)
    if query.end:
        end = _month(query.end)
    else:
        today = timezone.localdate()
        end = (today.year, today.month)
    start = _month(query.start) if query.start else (end[0], 1)
    if start > end:
        raise DistributionRefused(_("The first month must not be after the last."), field="start")
    period = MonthRange(*start, *end)
    result = distribution_report(unit, period)
    labels = pillar_labels(unit.institution_id)
    return {
        "unit": unit,
        "start": f"{start[0]}-{start[1]:02d}",
        "end": f"{end[0]}-{end[1]:02d}",
        "distributed": result.distributed,
        "payments": result.payments,
        "people": result.people,
        "households": result.households,
        "zakat_held": result.zakat_held,
        "zakat_held_over_a_year": result.zakat_held_over_a_year,
        "open_applications": result.open_applications,
        "overdue_applications": result.overdue_applications,
        "loans": result.loans,
        "loans_outstanding": result.loans_outstanding,
        "funds": [
            {"fund_kind": f.fund_kind, "label": f.label, "collected": f.collected, "distributed": f.distributed,
             "ratio": f.ratio}
            for f in result.funds
        ],
        "pillars": [{"key": k, "label": labels.get(k, k), "amount": a} for k, a in result.pillars],
        "asnaf": [
            {"key": k, "label": str(Asnaf(k).label) if k in Asnaf.values else k, "amount": a} for k, a in result.asnaf
        ],
        "programs": [
            {"program": p.program, "budget": p.program.budget, "paid": p.paid, "used": p.used, "people": p.people}
            for p in result.programs
        ],
        "regions": [
            {
                "unit": r.unit,
                "code": r.unit.code,
                "is_self": r.is_self,
                "distributed": r.distributed,
                "payments": r.payments,
                "people": r.people,
                "households": r.households,
                "open_applications": r.open_applications,
                "overdue_applications": r.overdue_applications,
            }
            for r in result.regions
        ],
        "regencies": [
            {"name": r.name, "distributed": r.distributed, "payments": r.payments, "people": r.people}
            for r in regency_breakdown(unit, period)
        ],
    }  # fmt: skip
