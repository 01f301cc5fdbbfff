"""Writes of distribution: programs, authority limits, the application workflow and disbursements.

Each step checks the acting user's role on the application's unit, keeps a row of
``ApplicationStep``, and leaves an audit event. The approval checks eligibility (status,
asnaf, need score), the approver's authority limit, that nobody approves their own
recommendation, the fund's available balance, and the program's fair-share rules against
the person's and household's aid history across the whole institution. A disbursement posts
one balanced entry to the ledger and one aid-history row, in one transaction.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.models import Beneficiary, Status
from satuatap.beneficiaries.selectors import beneficiaries_for
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.formatting import rupiah
from satuatap.core.identifiers import clean_phone
from satuatap.core.tracking import code_make
from satuatap.distribution.errors import DistributionRefused, FairShareWarning, clean_text, whole_rupiah
from satuatap.distribution.models import (
    Application,
    ApplicationStep,
    AppStatus,
    Channel,
    Program,
)
from satuatap.distribution.selectors import (
    BATCH_STEPS,
    approval_limit,
    approver_unit,
    eligibility_problems,
    fair_share_warnings,
)
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

# --- the application workflow -------------------------------------------------------------------


def step_record(application: Application, actor, to_status: str, note: str = "") -> None:
    """Move a saved application to ``to_status`` (the caller saves it): the step row, the audit event
    and the next deadline."""
    ApplicationStep.objects.create(
        application=application, from_status=application.status, to_status=to_status, actor=actor, note=note
    )
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_STEP,
        target=application,
        unit=application.unit,
        changes={"status": [application.status, to_status]},
        note=note,
    )
    application.status = to_status
    application.due_on = timezone.localdate() + timedelta(days=application.program.step_days)


def locked_for_step(application: Application, *expected: str) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("program", "unit").get(pk=application.pk)
    )
    if expected and locked.status not in expected:
        raise DistributionRefused(
            _("This application is %(status)s; this step is not possible now.")
            % {"status": locked.get_status_display().lower()}
        )
    if locked.batch_id is not None and BATCH_STEPS.intersection(expected):
        raise DistributionRefused(
            _("This application is part of a batch; it is approved and paid with the batch, not on its own.")
        )
    return locked


def tracking_code() -> str:
    """A code the applicant can type on the status page (``core.tracking``: 10 characters without
    look-alikes)."""
    return code_make()


@transaction.atomic
def application_submit(
    *,
    actor,
    unit: Unit,
    program: Program,
    beneficiary: Beneficiary,
    need: str,
    requested_amount: int,
    channel: str = Channel.COUNTER,
    referrer_name: str = "",
    referrer_organisation: str = "",
    referrer_phone: str = "",
) -> Application:
    """Take an application for help for a registered person under a program of the institution;
    a referral names who sent the person (a partner, a mosque, a village office)."""
    require(actor, "distribution.apply", unit)
    if program.institution_id != unit.institution_id or beneficiary.institution_id != unit.institution_id:
        raise DistributionRefused(_("The program and the person must belong to this institution."))
    if not program.unit.contains(unit):
        raise DistributionRefused(_("This program is run by another office; choose one of this office or above it."))
    if not beneficiaries_for(actor).filter(pk=beneficiary.pk).exists():
        raise NotAllowed(_("This person is not registered in your units."))
    refusals = Refusals()
    with refusals.check():
        if not program.is_active or not (program.start_date <= timezone.localdate() <= program.end_date):
            raise DistributionRefused(_("This program is not open for applications now."), field="program")
    with refusals.check():
        if beneficiary.is_merged or beneficiary.erased_at or beneficiary.status == Status.DECEASED:
            raise DistributionRefused(_("This person cannot apply: the record is closed."), field="beneficiary")
    with refusals.check():
        if channel not in Channel.values:
            raise DistributionRefused(_("Choose how the application came in."), field="channel")
    with refusals.check():
        need = clean_text(need, "need", 5000, required=True, message=_("Describe the need."))
    with refusals.check():
        requested_amount = whole_rupiah(requested_amount, "requested_amount")
    referral = {}
    with refusals.check():
        referral["referrer_name"] = clean_text(referrer_name, "referrer_name", 200)
        if channel == Channel.REFERRAL and not referral["referrer_name"]:
            raise DistributionRefused(
                _("Name the person or partner who referred the applicant."), field="referrer_name"
            )
    with refusals.check():
        referral["referrer_organisation"] = clean_text(referrer_organisation, "referrer_organisation", 200)
    with refusals.check():
        referral["referrer_phone"] = clean_phone(referrer_phone, DistributionRefused, "referrer_phone")
    refusals.raise_any(DistributionRefused)
    if channel != Channel.REFERRAL:
        referral = {}
    application = Application(
        institution_id=unit.institution_id,
        unit=unit,
        program=program,
        beneficiary=beneficiary,
        channel=channel,
        need=need,
        requested_amount=requested_amount,
        created_by=actor if actor.is_authenticated else None,
        due_on=timezone.localdate() + timedelta(days=program.step_days),
        **referral,
    )
    for _attempt in range(5):
        application.tracking_code = tracking_code()
        if not Application.objects.filter(tracking_code=application.tracking_code).exists():
            break
    application.save()
    ApplicationStep.objects.create(application=application, to_status=AppStatus.SUBMITTED, actor=application.created_by)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_STEP,
        target=application,
        unit=unit,
        changes={"status": [None, AppStatus.SUBMITTED], "amount": [None, application.requested_amount]},
    )
    return application


@transaction.atomic
def application_screen(*, actor, application: Application, note: str = "", reject: bool = False) -> Application:
    """First look: complete and within the program (or rejected with the reason)."""
    require(actor, "distribution.assess", application.unit)
    application = locked_for_step(application, AppStatus.SUBMITTED)
    if reject:
        return _reject(actor, application, note)
    step_record(application, actor, AppStatus.SCREENED, clean_text(note, "note", 2000))
    application.save()
    return application


@transaction.atomic
def application_assess(*, actor, application: Application, note: str = "") -> Application:
    """Link the person's latest field assessment (made in the registry) to the application."""
    require(actor, "distribution.assess", application.unit)
    application = locked_for_step(application, AppStatus.SCREENED)
    latest = application.beneficiary.assessments.order_by("-assessed_on", "-id").first()
    if latest is None:
        raise DistributionRefused(_("Assess the person first (on their page in the registry)."))
    application.assessment = latest
    step_record(application, actor, AppStatus.ASSESSED, clean_text(note, "note", 2000))
    application.save()
    return application


@transaction.atomic
def application_recommend(*, actor, application: Application, amount: int, note: str = "") -> Application:
    """The program officer's recommendation: how much, with the reason."""
    require(actor, "distribution.recommend", application.unit)
    application = locked_for_step(application, AppStatus.ASSESSED)
    application.recommended_amount = whole_rupiah(amount, "amount")
    application.recommended_by = actor
    step_record(application, actor, AppStatus.RECOMMENDED, clean_text(note, "note", 2000))
    application.save()
    return application


def _reject(actor, application: Application, note: str) -> Application:
    note = clean_text(note, "note", 2000, required=True, message=_("Give the reason for rejecting."))
    application.decided_by = actor
    step_record(application, actor, AppStatus.REJECTED, note)
    application.due_on = None
    application.save()
    return application


@transaction.atomic
def application_decide(
    *,
    actor,
    application: Application,
    approve: bool,
    amount: int | None = None,
    note: str = "",
    override_reason: str = "",
) -> Application:
    """Approve (within the approver's authority limit, never one's own recommendation, the person
    eligible, the fund able to pay, the fair-share rules kept or overridden with a reason) or reject."""
    require(actor, "distribution.approve", application.unit)
    application = locked_for_step(application, AppStatus.RECOMMENDED)
    if application.recommended_by_id == actor.pk:
        raise NotAllowed(_("You recommended this application; another person approves it."))
    if not approve:
        return _reject(actor, application, note)
    amount = whole_rupiah(application.recommended_amount if amount is None else amount, "amount")
    problems = eligibility_problems(application)
    if problems:
        raise DistributionRefused(" ".join(problems))
    limit = approval_limit(actor, application.unit)
    if amount > limit:
        higher = approver_unit(application.unit, amount)
        where = _("an approver at %(unit)s") % {"unit": higher.name} if higher else _("no office (set a higher limit)")
        raise NotAllowed(
            _("%(amount)s is above your authority limit of %(limit)s; it goes to %(where)s.")
            % {"amount": rupiah(amount), "limit": rupiah(limit), "where": where}
        )
    program = application.program
    fund = fund_of(application.institution_id, program.fund_kind)
    available = fund_available(application.unit, fund, program.restriction or None)
    if amount > available:
        raise DistributionRefused(
            _("%(fund)s of %(unit)s has %(available)s available; %(amount)s cannot be approved.")
            % {
                "fund": fund.name,
                "unit": application.unit.name,
                "available": rupiah(available),
                "amount": rupiah(amount),
            }
        )
    warnings = fair_share_warnings(application, amount)
    override_reason = clean_text(override_reason, "override_reason", 2000)
    if warnings and not override_reason:
        raise FairShareWarning(" ".join(warnings), field="override_reason")
    application.approved_amount = amount
    application.decided_by = actor
    application.override_reason = override_reason if warnings else ""
    note = clean_text(note, "note", 2000)
    if warnings:
        note = " ".join([note, _("Fair-share rule overridden: %(reason)s") % {"reason": override_reason}]).strip()
    step_record(application, actor, AppStatus.APPROVED, note)
    application.save()
    return application
