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

import contextlib
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.schemas import ErrorOut
from satuatap.beneficiaries.selectors import beneficiaries_for, beneficiary_for
from satuatap.core.asnaf import Asnaf
from satuatap.distribution import batches, services
from satuatap.distribution.api_schemas import (
    ApplicationDetailOut,
    ApplicationFilter,
    ApplicationIn,
    ApplicationOut,
    AssessIn,
    BatchDecideIn,
    BatchDetailOut,
    BatchFilter,
    BatchIn,
    BatchOut,
    BatchPayIn,
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
from satuatap.distribution.evidence import evidence_add
from satuatap.distribution.models import (
    OPEN_STATUSES,
    Application,
    AppStatus,
    Batch,
    Disbursement,
    EvidenceKind,
    Program,
)
from satuatap.distribution.reports import distribution_report, regency_breakdown
from satuatap.distribution.selectors import overdue_q
from satuatap.ledger.models import Account
from satuatap.ledger.pillars import pillar_labels, pillars_of
from satuatap.ledger.reports import MonthRange
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require, units_where
from satuatap.organizations.selectors import subtree_q, unit_for

router = Router(tags=["distribution"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
VIEW = "distribution.view"

# Service field names -> the names of the request body.
_FIELDS = {
    "program": "program_id",
    "beneficiary": "beneficiary_id",
    "money_account": "money_account_id",
    "rows": "recipients",
    "disbursement": "disbursement_id",
}

# Statuses before the decision: when the fair-share rules and the authority limit still matter.
UNDECIDED = (AppStatus.SUBMITTED, AppStatus.SCREENED, AppStatus.ASSESSED, AppStatus.RECOMMENDED)


# --- scope ------------------------------------------------------------------------------------


def programs_for(user) -> QuerySet[Program]:
    return Program.objects.filter(subtree_q(user, VIEW)).select_related("unit")


def program_for(user, program_id) -> Program:
    """One program the user may see; 404 otherwise (no hint that it exists)."""
    program = programs_for(user).filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def applications_for(user) -> QuerySet[Application]:
    return Application.objects.filter(subtree_q(user, VIEW)).select_related("unit", "program", "beneficiary")


def application_for(user, application_id) -> Application:
    application = applications_for(user).select_related("assessment").filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def disbursements_for(user) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(subtree_q(user, VIEW)).select_related(
        "unit", "money_account", "application__beneficiary"
    )


def _unit(user, unit_id: int | None, capability: str) -> Unit:
    """The unit asked for (404 outside the user's units; 403 without ``capability`` there), else the
    user's first unit with ``capability``."""
    if unit_id is None:
        units = units_where(user, capability)
        if not units:
            raise PermissionDenied(_("Your role does not allow this action."))
        return units[0]
    unit = unit_for(user, unit_id, capability=VIEW)
    require(user, capability, unit)
    return unit


def _program_at(user, program_id: int, unit: Unit) -> Program:
    """A program the user sees, or one run by an office above ``unit`` (open to the units below it)."""
    program = (
        Program.objects.filter(subtree_q(user, VIEW) | Q(unit__path__in=unit.lineage_paths))
        .select_related("unit")
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    return program


def _acting_on(user, application_id: int, capability: str) -> Application:
    """The application (404 outside the user's units) once the user's role on its unit allows the step:
    a role that may not act learns nothing of the application's state."""
    application = application_for(user, application_id)
    require(user, capability, application.unit)
    return application


@contextlib.contextmanager
def _refusals(names: dict | None = None) -> Iterator[None]:
    """The service's refusal with the field names of the request body (``names``: service field ->
    body field; the application endpoints' by default)."""
    try:
        yield
    except FairShareWarning:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        fields: dict[str, list] = {}
        for field, errors in exc.error_dict.items():
            fields.setdefault((names or _FIELDS).get(field, field), []).extend(errors)
        raise ValidationError(fields) from exc


def _detail(user, application: Application) -> Application:
    """The application re-read in scope, with what the person deciding needs to know."""
    application = application_for(user, application.pk)
    application.eligibility_problems = (
        services.eligibility_problems(application) if application.status in OPEN_STATUSES else []
    )
    application.fair_share_warnings = []
    application.approval_limit = services.approval_limit(user, application.unit)
    application.above_my_limit = False
    application.approver_unit = None
    if application.status in UNDECIDED:
        amount = application.recommended_amount or application.requested_amount
        application.fair_share_warnings = services.fair_share_warnings(application, amount)
        if amount > application.approval_limit:
            application.above_my_limit = True
            application.approver_unit = services.approver_unit(application.unit, amount)
    return application


# --- programs ---------------------------------------------------------------------------------


@router.get("/programs", response={200: list[ProgramOut], **ERRORS}, summary="Programs of your units")
@paginate(LimitOffsetPagination)
def list_programs(request, filters: Query[ProgramFilter]):
    programs = programs_for(request.user)
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability=VIEW)
        programs = programs.filter(unit__path__startswith=unit.path)
    if filters.fund_kind:
        programs = programs.filter(fund_kind=filters.fund_kind)
    if filters.active is not None:
        programs = programs.filter(is_active=filters.active)
    return programs.order_by("name", "id")


@router.get("/programs/{int:program_id}", response={200: ProgramOut, **ERRORS}, summary="One program")
def get_program(request, program_id: int):
    return program_for(request.user, program_id)


@router.post("/programs", response={201: ProgramOut, **ERRORS}, summary="Create a program (heads and admins)")
def create_program(request, payload: ProgramIn):
    unit = _unit(request.user, payload.unit_id, "distribution.configure")
    program = services.program_save(actor=request.user, unit=unit, **payload.dict(exclude={"unit_id"}))
    return Status(201, program_for(request.user, program.pk))


# The rules a null removes; for any other field a null means "leave as it is".
CLEARABLE = ("min_score", "once_per_months", "household_yearly_cap")
PROGRAM_FIELDS = (
    "code", "name", "pillar", "fund_kind", "asnaf", "aid_kind", "budget", "target_people", "start_date", "end_date",
    "min_score", "once_per_months", "household_yearly_cap", "step_days", "regions", "required_documents",
    "is_public", "installments", "is_active",
)  # fmt: skip


@router.patch("/programs/{int:program_id}", response={200: ProgramOut, **ERRORS}, summary="Change a program")
def update_program(request, program_id: int, payload: ProgramPatch):
    program = program_for(request.user, program_id)
    require(request.user, "distribution.configure", program.unit)
    fields = {name: getattr(program, name) for name in PROGRAM_FIELDS}
    for key, value in payload.dict(exclude_unset=True).items():
        if value is not None or key in CLEARABLE:
            fields[key] = value
    program = services.program_save(actor=request.user, unit=program.unit, program=program, **fields)
    return program_for(request.user, program.pk)


# --- applications -----------------------------------------------------------------------------


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS}, summary="Aid applications in your units")
@paginate(LimitOffsetPagination)
def list_applications(request, filters: Query[ApplicationFilter]):
    applications = applications_for(request.user)
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
)
def get_application(request, application_id: int):
    return _detail(request.user, application_for(request.user, application_id))


@router.post("/applications", response={201: ApplicationDetailOut, **ERRORS}, summary="Take an application for help")
def create_application(request, payload: ApplicationIn):
    unit = _unit(request.user, payload.unit_id, "distribution.apply")
    beneficiary = beneficiary_for(request.user, payload.beneficiary_id)
    program = _program_at(request.user, payload.program_id, unit)
    with _refusals():
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
)
def screen_application(request, application_id: int, payload: ScreenIn):
    application = _acting_on(request.user, application_id, "distribution.assess")
    application = services.application_screen(
        actor=request.user, application=application, note=payload.note, reject=payload.reject
    )
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/assess",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Link the person's latest field assessment to a screened application",
)
def assess_application(request, application_id: int, payload: AssessIn):
    application = _acting_on(request.user, application_id, "distribution.assess")
    application = services.application_assess(actor=request.user, application=application, note=payload.note)
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/recommend",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Recommend an amount for an assessed application",
)
def recommend_application(request, application_id: int, payload: RecommendIn):
    application = _acting_on(request.user, application_id, "distribution.recommend")
    application = services.application_recommend(
        actor=request.user, application=application, amount=payload.amount, note=payload.note
    )
    return _detail(request.user, application)


def _fair_share_conflict(exc: FairShareWarning) -> Status:
    """409 with the fair-share warnings: the approver sends ``override_reason`` to approve anyway."""
    message = " ".join(exc.messages)
    body = {"code": "fair_share_warning", "message": message, "fields": {"override_reason": [message]}}
    return Status(409, {"error": body})


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
)
def decide_application(request, application_id: int, payload: DecideIn):
    application = _acting_on(request.user, application_id, "distribution.approve")
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
        return _fair_share_conflict(exc)
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/pay",
    response={201: DisbursementOut, **ERRORS},
    summary="Pay (part of) an approved application; posts one journal entry",
)
def pay_application(request, application_id: int, payload: PayIn):
    application = _acting_on(request.user, application_id, "distribution.pay")
    money_account = Account.objects.filter(
        pk=payload.money_account_id, institution_id=application.institution_id
    ).first()
    if money_account is None:
        raise DistributionRefused(
            _("Choose a cash or bank account of %(unit)s.") % {"unit": application.unit.name},
            field="money_account_id",
        )
    with _refusals():
        disbursement = services.disbursement_pay(
            actor=request.user,
            application=application,
            amount=payload.amount,
            money_account=money_account,
            paid_on=payload.paid_on,
            reference=payload.reference,
        )
    return Status(201, disbursements_for(request.user).get(pk=disbursement.pk))


# --- disbursements ----------------------------------------------------------------------------


@router.get("/disbursements", response={200: list[DisbursementOut], **ERRORS}, summary="Disbursements in your units")
@paginate(LimitOffsetPagination)
def list_disbursements(request, filters: Query[DisbursementFilter]):
    disbursements = disbursements_for(request.user)
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
)
def list_pillars(request, unit_id: int | None = None):
    unit = _unit(request.user, unit_id, VIEW)
    return [{"code": code, "name": name} for code, name in pillars_of(unit.institution_id)]


# --- after the payment: evidence, evidence complete, follow-up ----------------------------------


def _keeping_evidence(user, application_id: int) -> Application:
    """The application, once the user's role may keep evidence on its unit (auditors open
    evidence; they neither add any nor close the step)."""
    return _acting_on(user, application_id, "distribution.evidence_keep")


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
)
def add_evidence(request, application_id: int):
    application = _keeping_evidence(request.user, application_id)
    # Read here, after the scope and role checks: an outsider learns nothing from how the body is refused.
    disbursement = None
    raw = request.POST.get("disbursement_id", "")
    if raw:
        disbursement = Disbursement.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if disbursement is None or disbursement.application_id != application.pk:
            raise DistributionRefused(_("This payment belongs to another application."), field="disbursement_id")
    with _refusals():
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
)
def list_evidence(request, application_id: int):
    application = application_for(request.user, application_id)
    return list(application.evidence.select_related("uploaded_by").order_by("uploaded_at", "id"))


@router.post(
    "/applications/{int:application_id}/evidence-complete",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Mark a disbursed application's evidence complete (the follow-up is due next)",
)
def complete_evidence(request, application_id: int, payload: EvidenceCompleteIn):
    application = _keeping_evidence(request.user, application_id)
    application = services.application_evidence_complete(actor=request.user, application=application, note=payload.note)
    return _detail(request.user, application)


@router.post(
    "/applications/{int:application_id}/follow-up",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Record the follow-up after the aid (what was found); the application is then done",
)
def follow_up(request, application_id: int, payload: FollowUpIn):
    application = _acting_on(request.user, application_id, "distribution.assess")
    application = services.application_follow_up(
        actor=request.user, application=application, note=payload.note, on=payload.on
    )
    return _detail(request.user, application)


# --- batches ------------------------------------------------------------------------------------


def _batch(user, batch_id: int, capability: str = VIEW) -> Batch:
    """The batch (404 outside the user's units) once the user's role on its unit allows ``capability``."""
    batch = batches.batch_for(user, batch_id)
    require(user, capability, batch.unit)
    return batch


@router.get("/batches", response={200: list[BatchOut], **ERRORS}, summary="Disbursement batches in your units")
@paginate(LimitOffsetPagination)
def list_batches(request, filters: Query[BatchFilter]):
    rows = batches.batches_for(request.user)
    if filters.unit_id is not None:
        unit = unit_for(request.user, filters.unit_id, capability=VIEW)
        rows = rows.filter(unit__path__startswith=unit.path)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.program_id is not None:
        rows = rows.filter(program_id=filters.program_id)
    return rows.order_by("-created_at", "-id")


@router.get(
    "/batches/{int:batch_id}", response={200: BatchDetailOut, **ERRORS}, summary="One batch with its recipients"
)
def get_batch(request, batch_id: int):
    return _batch(request.user, batch_id)


@router.post(
    "/batches",
    response={201: BatchDetailOut, **ERRORS},
    summary="Prepare a batch: each recipient becomes an application of it, recommended by you",
    description=(
        "All or nothing: when a recipient is refused (not in your registry, twice in the list, not eligible under "
        "the program, a bad amount), nothing is saved and the answer (400, field `recipients`) names every refused "
        "row by its position in the list. Goods and loan programs are given one by one, not in batches."
    ),
)
def create_batch(request, payload: BatchIn):
    unit = _unit(request.user, payload.unit_id, "distribution.recommend")
    program = _program_at(request.user, payload.program_id, unit)
    wanted = [r.beneficiary_id for r in payload.recipients]
    people = beneficiaries_for(request.user).in_bulk(wanted)
    unknown = [
        _("Row %(row)s: no person with id %(id)s in your registry.") % {"row": n, "id": pk}
        for n, pk in enumerate(wanted, start=1)
        if pk not in people
    ]
    if unknown:
        raise DistributionRefused(" ".join(unknown[:20]), field="recipients")
    rows = [(people[r.beneficiary_id], r.amount, r.need or payload.need) for r in payload.recipients]
    with _refusals():
        batch = batches.batch_prepare(actor=request.user, unit=unit, program=program, name=payload.name, rows=rows)
    return Status(201, _batch(request.user, batch.pk))


@router.post(
    "/batches/{int:batch_id}/decide",
    response={200: BatchDetailOut, 409: ErrorOut, **ERRORS},
    summary="Approve or reject a prepared batch as a whole",
    description=(
        "As for one application: above your authority limit for the batch's total, or your own batch, 403; a "
        "recipient not eligible or a fund that cannot pay the total, 400; fair-share warnings for any recipient, "
        "409 (code `fair_share_warning`): send `override_reason` to approve anyway."
    ),
)
def decide_batch(request, batch_id: int, payload: BatchDecideIn):
    batch = _batch(request.user, batch_id, "distribution.approve")
    try:
        batch = batches.batch_decide(
            actor=request.user,
            batch=batch,
            approve=payload.approve,
            note=payload.note,
            override_reason=payload.override_reason,
        )
    except FairShareWarning as exc:
        return _fair_share_conflict(exc)
    return _batch(request.user, batch.pk)


@router.post(
    "/batches/{int:batch_id}/pay",
    response={200: BatchDetailOut, **ERRORS},
    summary="Pay an approved batch: one journal entry, a disbursement and an aid-history row per recipient",
)
def pay_batch(request, batch_id: int, payload: BatchPayIn):
    batch = _batch(request.user, batch_id, "distribution.pay")
    money_account = Account.objects.filter(pk=payload.money_account_id, institution_id=batch.institution_id).first()
    if money_account is None:
        raise DistributionRefused(
            _("Choose a cash or bank account of %(unit)s.") % {"unit": batch.unit.name}, field="money_account_id"
        )
    with _refusals():
        batch = batches.batch_pay(
            actor=request.user,
            batch=batch,
            money_account=money_account,
            paid_on=payload.paid_on,
            reference=payload.reference,
            payee_name=payload.payee_name,
            payee_account=payload.payee_account,
        )
    return _batch(request.user, batch.pk)


# --- the report ---------------------------------------------------------------------------------


def _month(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


@router.get(
    "/report",
    response={200: ReportOut, **ERRORS},
    summary="The distribution report of a unit's subtree over whole months (as on the report page)",
)
def get_report(request, query: Query[DistributionReportQuery]):
    unit = _unit(request.user, query.unit_id, VIEW)
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
