"""Distribution over the REST API: programs, aid applications and their workflow, disbursements.

A user sees the programs, applications and disbursements of the units in whose subtree they hold
``distribution.view``; an id outside them answers 404. Each workflow step checks the role it
needs on the application's unit before anything else (403), then goes through
``distribution.services``; their refusals become the API's one error shape (400 with the message
and the field). Approving past a fair-share warning without ``override_reason`` answers 409 with
the warnings. Of a beneficiary, answers carry only the number, the full name and the masked NIK.
"""

import contextlib
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from satuatap.api.schemas import ErrorOut
from satuatap.beneficiaries.selectors import beneficiary_for
from satuatap.distribution import services
from satuatap.distribution.api_schemas import (
    ApplicationDetailOut,
    ApplicationFilter,
    ApplicationIn,
    ApplicationOut,
    AssessIn,
    DecideIn,
    DisbursementFilter,
    DisbursementOut,
    PayIn,
    ProgramFilter,
    ProgramIn,
    ProgramOut,
    ProgramPatch,
    RecommendIn,
    ScreenIn,
)
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import OPEN_STATUSES, Application, AppStatus, Disbursement, Program
from satuatap.ledger.models import Account
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require, units_where
from satuatap.organizations.selectors import subtree_q, unit_for

router = Router(tags=["distribution"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
VIEW = "distribution.view"

# Service field names -> the names of the request body.
_FIELDS = {"program": "program_id", "beneficiary": "beneficiary_id", "money_account": "money_account_id"}

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
def _refusals() -> Iterator[None]:
    """The service's refusal with the field names of the request body."""
    try:
        yield
    except FairShareWarning:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        fields: dict[str, list] = {}
        for field, errors in exc.error_dict.items():
            fields.setdefault(_FIELDS.get(field, field), []).extend(errors)
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
    "min_score", "once_per_months", "household_yearly_cap", "step_days", "is_active",
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
        late = Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
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
        message = " ".join(exc.messages)
        body = {"code": "fair_share_warning", "message": message, "fields": {"override_reason": [message]}}
        return Status(409, {"error": body})
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
