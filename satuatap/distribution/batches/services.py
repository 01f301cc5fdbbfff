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

Goods and interest-free loans are not paid in batches: goods leave the stock one handover at a
time, and every loan has its own repayment schedule. A list of recipients comes from the staff
pages' picker or from a spreadsheet (``batch_rows_read``: NIK or beneficiary number, amount), whose
rows are checked all at once, with the file's row numbers, before anything is saved.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import cast

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.models import AidRecord
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.formatting import rupiah
from satuatap.core.text import squash
from satuatap.distribution import selectors, services
from satuatap.distribution.batches.selectors import (
    MAX_RECIPIENTS,
    NOT_IN_BATCHES,
    program_check,
    row_refusal,
    rows_checked,
)
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import (
    AidKind,
    Application,
    ApplicationStep,
    AppStatus,
    Batch,
    Channel,
    Disbursement,
    Program,
)
from satuatap.ledger import services as ledger
from satuatap.ledger.models import Account, AccountRole, FundKind, Source
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


@transaction.atomic
def batch_prepare(*, actor, unit: Unit, program: Program, name: str, rows: list[tuple]) -> Batch:
    """A batch of ``rows`` = [(beneficiary, amount, need), ...]: each becomes an application of the
    batch, recommended by ``actor``, linked to the person's latest assessment. Nothing is saved when
    a row is refused; the refusal lists them."""
    require(actor, "distribution.recommend", unit)
    name = squash(name)[:200]
    refusals = Refusals()  # the name, the program and the size of the list at once
    with refusals.check():
        if not name:
            raise DistributionRefused(_("Name the batch."), field="name")
    with refusals.check():
        program_check(unit, program)
    with refusals.check():
        if not rows:
            raise DistributionRefused(_("A batch needs at least one recipient."), field="rows")
        if len(rows) > MAX_RECIPIENTS:
            raise DistributionRefused(
                _("A batch holds at most %(max)s recipients; split the list.") % {"max": MAX_RECIPIENTS}, field="rows"
            )
    refusals.raise_any(DistributionRefused)
    problems, latest = rows_checked(actor, unit, program, rows)
    if problems:
        people = [person for person, _a, _n in rows]
        messages = [row_refusal(number, people[number - 1], message) for number, message in problems[:20]]
        if len(problems) > 20:
            messages.append(_("And %(count)s more.") % {"count": len(problems) - 20})
        raise DistributionRefused(" ".join(messages), field="rows")
    batch = Batch.objects.create(
        institution_id=unit.institution_id,
        unit=unit,
        program=program,
        name=name,
        total=sum(amount for _p, amount, _n in rows),
        count=len(rows),
        prepared_by=actor,
    )
    due = timezone.localdate() + timedelta(days=program.step_days)
    applications = [
        Application(
            institution_id=unit.institution_id,
            unit=unit,
            program=program,
            batch=batch,
            beneficiary=person,
            tracking_code=services.tracking_code(),
            channel=Channel.BATCH,
            need=squash(str(need))[:5000],
            requested_amount=amount,
            recommended_amount=amount,
            recommended_by=actor,
            assessment=latest.get(person.pk),
            status=AppStatus.RECOMMENDED,
            created_by=actor,
            due_on=due,
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


def _update(batch: Batch, applications: list[Application], fields: list[str], actor) -> None:
    """Write ``fields`` of every application of ``batch`` (set alike on each in memory by the caller,
    or, for the amounts, copied from another column of the same row) with their history rows: one
    UPDATE, where ``bulk_update`` would write a CASE per row and field."""
    copied = {"approved_amount": F("recommended_amount"), "paid_amount": F("approved_amount")}
    first = applications[0]
    values = {name: copied.get(name, getattr(first, name)) for name in fields}
    Application.objects.filter(batch=batch).update(**values)
    Application.history.bulk_history_create(applications, batch_size=500, update=True, default_user=actor)


def _locked(batch: Batch, expected: str) -> Batch:
    locked = Batch.objects.select_for_update(of=("self",)).select_related("program", "unit").get(pk=batch.pk)
    if locked.status != expected:
        raise DistributionRefused(
            _("This batch is %(status)s; this step is not possible now.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _recipients(batch: Batch, expected: str) -> list[Application]:
    """The batch's applications, locked, every one still at ``expected`` and unpaid (a batch's
    applications are decided and paid only with it: ``services`` refuses them one by one)."""
    recipients = list(
        batch.applications.select_for_update(of=("self",))
        .select_related("beneficiary", "beneficiary__household", "program", "assessment")
        .order_by("pk")
    )
    if any(a.status != expected or a.paid_amount for a in recipients):
        raise DistributionRefused(
            _("Some applications of this batch were moved on one by one; the batch cannot go on. Prepare a new one.")
        )
    return recipients


def _check_eligible(recipients: list[Application]) -> None:
    """Refuse the batch if any recipient is not eligible under its program now (each row named)."""
    problems = [
        row_refusal(number, application.beneficiary, problem)
        for number, application in enumerate(recipients, start=1)
        for problem in selectors.eligibility_problems(application)
    ]
    if problems:
        raise DistributionRefused(" ".join(problems[:20]))


@transaction.atomic
def batch_decide(*, actor, batch: Batch, approve: bool, note: str = "", override_reason: str = "") -> Batch:
    """Approve the whole batch (or reject it with a reason), as ``services.application_decide``
    approves one application, for the batch's total."""
    require(actor, "distribution.approve", batch.unit)
    batch = _locked(batch, Batch.BatchStatus.PREPARED)
    if batch.prepared_by_id == actor.pk:
        raise NotAllowed(_("You prepared this batch; another person approves it."))
    recipients = _recipients(batch, AppStatus.RECOMMENDED)
    note = squash(note)[:2000]
    if not approve:
        if not note:
            raise DistributionRefused(_("Give the reason for rejecting."), field="note")
        batch.status = Batch.BatchStatus.REJECTED
        batch.approved_by = actor
        batch.save(update_fields=["status", "approved_by"])
        for application in recipients:
            application.status, application.decided_by, application.due_on = AppStatus.REJECTED, actor, None
        _update(batch, recipients, ["status", "decided_by", "due_on"], actor)
        _steps(recipients, actor, AppStatus.RECOMMENDED, AppStatus.REJECTED, note)
        return batch
    _check_eligible(recipients)
    warnings = [
        row_refusal(number, application.beneficiary, w)
        for number, application in enumerate(recipients, start=1)
        for w in selectors.fair_share_warnings(application, cast(int, application.recommended_amount))
    ]
    limit = selectors.approval_limit(actor, batch.unit)
    if batch.total > limit:
        higher = selectors.approver_unit(batch.unit, batch.total)
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
    override_reason = squash(override_reason)[:2000]
    if warnings and not override_reason:
        raise FairShareWarning(" ".join(warnings[:20]), field="override_reason")
    batch.status = Batch.BatchStatus.APPROVED
    batch.approved_by = actor
    batch.override_reason = override_reason if warnings else ""
    batch.save(update_fields=["status", "approved_by", "override_reason"])
    due = timezone.localdate() + timedelta(days=program.step_days)
    for application in recipients:
        application.status, application.decided_by, application.due_on = AppStatus.APPROVED, actor, due
        application.approved_amount = application.recommended_amount
        application.override_reason = batch.override_reason
    _update(batch, recipients, ["status", "decided_by", "approved_amount", "override_reason", "due_on"], actor)
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


def batch_pay_check(batch: Batch, **fields) -> None:
    """Refuse, naming every bad field at once, what ``batch_pay`` refuses of ``paid_on`` (not in the
    future), ``money_account`` (of the batch's unit), ``payee_name`` (named for a program paying a
    third party) and ``payee_account``; a field left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    if fields.get("paid_on") is not None:
        with refusals.check():
            if fields["paid_on"] > timezone.localdate():
                raise DistributionRefused(_("A payment cannot be dated in the future."), field="paid_on")
    if "money_account" in fields:
        with refusals.check():
            ledger.check_money_account(fields["money_account"], batch.unit, "money_account")
    if "payee_name" in fields:
        with refusals.check():
            payee_name = squash(fields["payee_name"])
            if len(payee_name) > 200:
                raise DistributionRefused(
                    _("This text is too long (at most %(max)s characters).") % {"max": 200}, field="payee_name"
                )
            if batch.program.aid_kind == AidKind.THIRD_PARTY and not payee_name:
                raise DistributionRefused(
                    _("Name the school, hospital or shop paid on the recipients' behalf."), field="payee_name"
                )
    if "payee_account" in fields:
        with refusals.check():
            if len(squash(fields["payee_account"])) > 200:
                raise DistributionRefused(
                    _("This text is too long (at most %(max)s characters).") % {"max": 200}, field="payee_account"
                )
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def batch_pay(
    *,
    actor,
    batch: Batch,
    money_account,
    paid_on: date | None = None,
    reference: str = "",
    payee_name: str = "",
    payee_account: str = "",
) -> Batch:
    """Pay every recipient of an approved batch in one journal entry, with their aid-history rows. A
    program that pays a third party (a school for 200 scholarships) names it once for the batch."""
    require(actor, "distribution.pay", batch.unit)
    batch = _locked(batch, Batch.BatchStatus.APPROVED)
    paid_on = paid_on or timezone.localdate()
    batch_pay_check(
        batch, paid_on=paid_on, money_account=money_account, payee_name=payee_name, payee_account=payee_account
    )
    payee_name = squash(payee_name)
    payee_account = squash(payee_account)
    if batch.program.aid_kind in NOT_IN_BATCHES:  # prepared before the program's kind was changed
        raise DistributionRefused(_("Goods and loans are given one by one, not in a batch."))
    if payee_name:
        kind: str = AidKind.THIRD_PARTY
    elif batch.program.aid_kind in (AidKind.CASH, AidKind.TRANSFER):
        kind = AidKind.TRANSFER if money_account.role == AccountRole.BANK else AidKind.CASH
    else:
        kind = batch.program.aid_kind
    program = batch.program
    recipients = _recipients(batch, AppStatus.APPROVED)
    _check_eligible(recipients)  # as a single payment checks again: the person may have changed since
    accounts: dict[str, Account] = {}
    debits: dict[Account, int] = defaultdict(int)
    for application in recipients:
        key = application.beneficiary.asnaf if program.fund_kind == FundKind.ZAKAT else program.pillar
        if key not in accounts:
            accounts[key] = ledger.distribution_account(
                batch.institution_id, program.fund_kind, asnaf=key, pillar=program.pillar
            )
        debits[accounts[key]] += cast(int, application.approved_amount)
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
    reference = squash(reference)[:100]
    disbursements = bulk_create_with_history(
        [
            Disbursement(
                application=a,
                institution_id=batch.institution_id,
                unit=batch.unit,
                program=program,
                beneficiary=a.beneficiary,
                household_id=a.beneficiary.household_id,
                amount=cast(int, a.approved_amount),
                paid_on=paid_on,
                money_account=money_account,
                reference=reference,
                kind=kind,
                payee_name=payee_name,
                payee_account=payee_account,
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
                amount=cast(int, a.approved_amount),
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
    due = timezone.localdate() + timedelta(days=program.step_days)  # the evidence is due next
    for application in recipients:
        application.status, application.due_on = AppStatus.DISBURSED, due
        application.paid_amount = cast(int, application.approved_amount)
    _update(batch, recipients, ["status", "paid_amount", "due_on"], actor)
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
