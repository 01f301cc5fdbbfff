"""Batch disbursement: many recipients of one program (200 scholarships, a Ramadan food package
for every household of a list), prepared once, approved once, paid in one journal entry.

``batch_prepare`` (a program officer) turns a list of (person, amount, need) into applications of
the batch, recommended; any refused row refuses the list, with every row's reason. ``batch_decide``
(an approver within their authority limit for the batch total, never its preparer) checks every
recipient's eligibility and the fair-share rules (warnings are overridden for the batch with one
audited reason) and the fund's available balance for the total. ``batch_pay`` (finance) posts one
entry through ``ledger.services.entry_post``: a debit line per recipient on the distribution
account of their asnaf (zakat) or of the program's pillar, one credit on the money account; then
the disbursements, the aid-history rows and the steps are written in bulk. The entry's key is the
batch's, so a retried payment posts nothing twice.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.models import AidRecord, Beneficiary
from satuatap.beneficiaries.selectors import beneficiaries_for
from satuatap.core.errors import NotAllowed
from satuatap.core.formatting import rupiah
from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import (
    Application,
    ApplicationStep,
    AppStatus,
    Batch,
    Channel,
    Disbursement,
    Program,
)
from satuatap.ledger import services as ledger
from satuatap.ledger.models import FundKind, Source
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

MAX_RECIPIENTS = 4000  # one journal entry holds a line per recipient, and the ledger takes 5,000 lines


def _row_refusal(number: int, person: Beneficiary | None, message: str) -> str:
    who = person.number if person is not None else "?"
    return _("Row %(row)s (%(who)s): %(message)s") % {"row": number, "who": who, "message": message}


@transaction.atomic
def batch_prepare(*, actor, unit: Unit, program: Program, name: str, rows: list[tuple]) -> Batch:
    """A batch of ``rows`` = [(beneficiary, amount, need), ...]: each becomes an application of the
    batch, recommended by ``actor``. Nothing is saved when a row is refused; the refusal lists them."""
    require(actor, "distribution.recommend", unit)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise DistributionRefused(_("Name the batch."), field="name")
    if not rows:
        raise DistributionRefused(_("A batch needs at least one recipient."), field="rows")
    if len(rows) > MAX_RECIPIENTS:
        raise DistributionRefused(
            _("A batch holds at most %(max)s recipients; split the list.") % {"max": MAX_RECIPIENTS}, field="rows"
        )
    if program.institution_id != unit.institution_id:
        raise DistributionRefused(_("The program belongs to another institution."), field="program")
    if not program.is_active or not (program.start_date <= timezone.localdate() <= program.end_date):
        raise DistributionRefused(_("This program is not open for applications now."), field="program")
    if not program.unit.contains(unit):
        raise DistributionRefused(_("This program is run by another office; choose one of this office or above it."))
    visible = set(
        beneficiaries_for(actor).filter(pk__in=[person.pk for person, _a, _n in rows]).values_list("pk", flat=True)
    )
    problems, seen = [], set()
    for number, (person, amount, need) in enumerate(rows, start=1):
        if person.pk not in visible:
            problems.append(_row_refusal(number, person, _("this person is not registered in your units.")))
        if person.pk in seen:
            problems.append(_row_refusal(number, person, _("this person is already in the batch.")))
        seen.add(person.pk)
        if person.institution_id != unit.institution_id or person.is_merged or person.erased_at:
            problems.append(_row_refusal(number, person, _("the record is closed or of another institution.")))
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            problems.append(_row_refusal(number, person, _("enter a positive amount in whole rupiah.")))
        if not " ".join(str(need or "").split()):
            problems.append(_row_refusal(number, person, _("describe the need.")))
    if problems:
        raise DistributionRefused(" ".join(problems[:20]), field="rows")
    batch = Batch.objects.create(
        institution_id=unit.institution_id,
        unit=unit,
        program=program,
        name=name,
        total=sum(amount for _p, amount, _n in rows),
        count=len(rows),
        prepared_by=actor,
    )
    today = timezone.localdate()
    applications = [
        Application(
            institution_id=unit.institution_id,
            unit=unit,
            program=program,
            batch=batch,
            beneficiary=person,
            tracking_code=services.tracking_code(),
            channel=Channel.BATCH,
            need=" ".join(str(need).split())[:5000],
            requested_amount=amount,
            recommended_amount=amount,
            recommended_by=actor,
            status=AppStatus.RECOMMENDED,
            created_by=actor,
            due_on=today,
        )
        for person, amount, need in rows
    ]
    applications = bulk_create_with_history(applications, Application, batch_size=500, default_user=actor)
    _steps(applications, actor, "", AppStatus.RECOMMENDED, _("In batch %(name)s") % {"name": name})
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_STEP,
        target=batch,
        unit=unit,
        changes={"status": [None, batch.status], "recipients": [None, batch.count], "total": [None, batch.total]},
    )
    return batch


def _steps(applications, actor, from_status: str, to_status: str, note: str) -> None:
    ApplicationStep.objects.bulk_create(
        [
            ApplicationStep(application=a, from_status=from_status, to_status=to_status, actor=actor, note=note)
            for a in applications
        ],
        batch_size=1000,
    )


def _update(applications: list[Application], fields: list[str], actor) -> None:
    bulk_update_with_history(applications, Application, fields, batch_size=500, default_user=actor)


def _locked(batch: Batch, expected: str) -> Batch:
    locked = Batch.objects.select_for_update(of=("self",)).select_related("program", "unit").get(pk=batch.pk)
    if locked.status != expected:
        raise DistributionRefused(
            _("This batch is %(status)s; this step is not possible now.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _recipients(batch: Batch) -> list[Application]:
    return list(
        batch.applications.select_related("beneficiary", "beneficiary__household", "program", "assessment").order_by(
            "pk"
        )
    )


@transaction.atomic
def batch_decide(*, actor, batch: Batch, approve: bool, note: str = "", override_reason: str = "") -> Batch:
    """Approve the whole batch (or reject it with a reason), as ``services.application_decide``
    approves one application, for the batch's total."""
    require(actor, "distribution.approve", batch.unit)
    batch = _locked(batch, Batch.BatchStatus.PREPARED)
    if batch.prepared_by_id == actor.pk:
        raise NotAllowed(_("You prepared this batch; another person approves it."))
    recipients = _recipients(batch)
    note = " ".join((note or "").split())[:2000]
    if not approve:
        if not note:
            raise DistributionRefused(_("Give the reason for rejecting."), field="note")
        batch.status = Batch.BatchStatus.REJECTED
        batch.approved_by = actor
        batch.save(update_fields=["status", "approved_by"])
        for application in recipients:
            application.status, application.decided_by, application.due_on = AppStatus.REJECTED, actor, None
        _update(recipients, ["status", "decided_by", "due_on"], actor)
        _steps(recipients, actor, AppStatus.RECOMMENDED, AppStatus.REJECTED, note)
        return batch
    problems, warnings = [], []
    for number, application in enumerate(recipients, start=1):
        person = application.beneficiary
        problems += [_row_refusal(number, person, p) for p in services.eligibility_problems(application)]
        warnings += [
            _row_refusal(number, person, w)
            for w in services.fair_share_warnings(application, application.recommended_amount)
        ]
    if problems:
        raise DistributionRefused(" ".join(problems[:20]))
    limit = services.approval_limit(actor, batch.unit)
    if batch.total > limit:
        higher = services.approver_unit(batch.unit, batch.total)
        where = _("an approver at %(unit)s") % {"unit": higher.name} if higher else _("no office (set a higher limit)")
        raise NotAllowed(
            _("%(amount)s is above your authority limit of %(limit)s; it goes to %(where)s.")
            % {"amount": rupiah(batch.total), "limit": rupiah(limit), "where": where}
        )
    program = batch.program
    available = fund_available(
        batch.unit, fund_of(batch.institution_id, program.fund_kind), program.restriction or None
    )
    if batch.total > available:
        raise DistributionRefused(
            _("The fund has %(available)s available at %(unit)s; the batch needs %(total)s.")
            % {"available": rupiah(available), "unit": batch.unit.name, "total": rupiah(batch.total)}
        )
    override_reason = " ".join((override_reason or "").split())[:2000]
    if warnings and not override_reason:
        raise FairShareWarning(" ".join(warnings[:20]), field="override_reason")
    batch.status = Batch.BatchStatus.APPROVED
    batch.approved_by = actor
    batch.override_reason = override_reason if warnings else ""
    batch.save(update_fields=["status", "approved_by", "override_reason"])
    for application in recipients:
        application.status, application.decided_by = AppStatus.APPROVED, actor
        application.approved_amount = application.recommended_amount
        application.override_reason = batch.override_reason
    _update(recipients, ["status", "decided_by", "approved_amount", "override_reason"], actor)
    _steps(recipients, actor, AppStatus.RECOMMENDED, AppStatus.APPROVED, note)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_STEP,
        target=batch,
        unit=batch.unit,
        changes={"status": [Batch.BatchStatus.PREPARED, batch.status], "total": [None, batch.total]},
        note=batch.override_reason,
    )
    return batch


@transaction.atomic
def batch_pay(*, actor, batch: Batch, money_account, paid_on: date | None = None, reference: str = "") -> Batch:
    """Pay every recipient of an approved batch in one journal entry, with their aid-history rows."""
    require(actor, "distribution.pay", batch.unit)
    batch = _locked(batch, Batch.BatchStatus.APPROVED)
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise DistributionRefused(_("A payment cannot be dated in the future."), field="paid_on")
    ledger.check_money_account(money_account, batch.unit, "money_account")
    program = batch.program
    recipients = _recipients(batch)
    accounts: dict[str, object] = {}
    debits: dict[object, int] = defaultdict(int)
    for application in recipients:
        key = application.beneficiary.asnaf if program.fund_kind == FundKind.ZAKAT else program.pillar
        if key not in accounts:
            accounts[key] = ledger.distribution_account(
                batch.institution_id, program.fund_kind, asnaf=key, pillar=program.pillar
            )
        debits[accounts[key]] += application.approved_amount
    lines = [
        ledger.LineSpec(account, program.fund_kind, debit=amount, restriction=program.restriction)
        for account, amount in debits.items()
    ]
    lines.append(ledger.LineSpec(money_account, program.fund_kind, credit=batch.total, restriction=program.restriction))
    entry = ledger.entry_post(
        actor=actor,
        unit=batch.unit,
        entry_date=paid_on,
        source=Source.DISBURSEMENT,
        source_ref=f"batch/{batch.pk}",
        idempotency_key=f"disbursement-batch:{batch.pk}:{batch.created_at:%Y%m%d%H%M%S%f}",
        memo=_("%(program)s: %(batch)s, %(count)s recipients")
        % {"program": program.name, "batch": batch.name, "count": batch.count},
        lines=lines,
    )
    reference = " ".join((reference or "").split())[:100]
    disbursements = bulk_create_with_history(
        [
            Disbursement(
                application=a,
                institution_id=batch.institution_id,
                unit=batch.unit,
                program=program,
                beneficiary=a.beneficiary,
                household_id=a.beneficiary.household_id,
                amount=a.approved_amount,
                paid_on=paid_on,
                money_account=money_account,
                reference=reference,
                entry=entry,
                created_by=actor,
            )
            for a in recipients
        ],
        Disbursement,
        batch_size=1000,
        default_user=actor,
    )
    bulk_create_with_history(
        [
            AidRecord(
                beneficiary=a.beneficiary,
                household_id=a.beneficiary.household_id,
                unit=batch.unit,
                given_on=paid_on,
                program=program.name,
                amount=a.approved_amount,
                description=a.need[:300],
                asnaf=a.beneficiary.asnaf if program.fund_kind == FundKind.ZAKAT else "",
                source=f"program:{program.pk}:disbursement:{d.pk}",
                created_by=actor,
            )
            for a, d in zip(recipients, disbursements, strict=True)
        ],
        AidRecord,
        batch_size=1000,
        default_user=actor,
    )
    for application in recipients:
        application.status, application.due_on = AppStatus.DISBURSED, None
        application.paid_amount = application.approved_amount
    _update(recipients, ["status", "paid_amount", "due_on"], actor)
    _steps(
        recipients, actor, AppStatus.APPROVED, AppStatus.DISBURSED, _("Paid in batch %(name)s") % {"name": batch.name}
    )
    batch.status = Batch.BatchStatus.PAID
    batch.entry = entry
    batch.save(update_fields=["status", "entry"])
    audit_record(
        actor=actor,
        action=AuditAction.DISBURSEMENT_PAID,
        target=batch,
        unit=batch.unit,
        changes={"total": [None, batch.total], "recipients": [None, batch.count], "entry": [None, entry.pk]},
    )
    return batch
