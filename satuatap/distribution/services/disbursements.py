"""Writes of distribution: disbursements, then the evidence and the follow-up after the payment."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries import services as registry
from satuatap.core.errors import Refusals
from satuatap.core.formatting import rupiah
from satuatap.distribution.errors import DistributionRefused, clean_text, whole_rupiah
from satuatap.distribution.models import (
    AidKind,
    Application,
    AppStatus,
    Disbursement,
)
from satuatap.distribution.selectors import eligibility_problems
from satuatap.distribution.services.applications import locked_for_step, step_record
from satuatap.distribution.services.schedule import loan_open
from satuatap.ledger import services as ledger
from satuatap.ledger.models import AccountRole, FundKind, Source
from satuatap.organizations.permissions import require

# --- disbursements --------------------------------------------------------------------------------


def disbursement_post(
    *,
    actor,
    application: Application,
    amount: int,
    credit_account,
    kind: str,
    paid_on: date | None = None,
    debit_account=None,
    reference: str = "",
    payee_name: str = "",
    payee_account: str = "",
    description: str = "",
) -> Disbursement:
    """The one way help is given out, whatever its kind: checks the amount against what is left of
    the approval and the person's eligibility, posts Dr ``debit_account`` (default: the distribution
    account of the asnaf for zakat, of the pillar otherwise) / Cr ``credit_account`` (cash, bank,
    inventory), keeps the disbursement and the aid-history row, and marks the application disbursed
    once fully paid. The caller holds ``distribution.pay`` and runs inside a transaction."""
    require(actor, "distribution.pay", application.unit)
    application = locked_for_step(application, AppStatus.APPROVED)
    person, program = application.beneficiary, application.program
    amount = _payable(application, amount)
    problems = eligibility_problems(application)
    if problems:
        raise DistributionRefused(" ".join(problems))
    paid_on = _payment_day(paid_on)
    if debit_account is None:
        debit_account = ledger.distribution_account(
            application.institution_id, program.fund_kind, asnaf=person.asnaf, pillar=program.pillar
        )
    number = application.disbursements.count() + 1
    entry = ledger.entry_post(
        actor=actor,
        unit=application.unit,
        entry_date=paid_on,
        source=Source.DISBURSEMENT,
        source_ref=f"{application.tracking_code}/{number}",
        idempotency_key=f"disbursement:{application.tracking_code}:{number}",
        memo=_("%(program)s: %(name)s") % {"program": program.name, "name": person.number},
        lines=[
            ledger.LineSpec(debit_account, program.fund_kind, debit=amount, restriction=program.restriction),
            ledger.LineSpec(credit_account, program.fund_kind, credit=amount, restriction=program.restriction),
        ],
    )
    disbursement = Disbursement.objects.create(
        application=application,
        institution_id=application.institution_id,
        unit=application.unit,
        program=program,
        beneficiary=person,
        household_id=person.household_id,
        amount=amount,
        paid_on=paid_on,
        money_account=credit_account,
        reference=clean_text(reference, "reference", 100),
        kind=kind,
        payee_name=clean_text(payee_name, "payee_name", 200),
        payee_account=clean_text(payee_account, "payee_account", 200),
        entry=entry,
        created_by=actor,
    )
    registry.aid_record(
        actor=actor,
        beneficiary=person,
        unit=application.unit,
        given_on=paid_on,
        program=program.name,
        amount=amount,
        description=(description or application.need)[:300],
        asnaf=person.asnaf if program.fund_kind == FundKind.ZAKAT else "",
        source=f"program:{program.pk}:disbursement:{disbursement.pk}",
        capability="distribution.pay",
    )
    application.paid_amount += amount
    if application.left_to_pay == 0:
        step_record(application, actor, AppStatus.DISBURSED)  # the evidence is due next
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.DISBURSEMENT_PAID,
        target=application,
        unit=application.unit,
        changes={"amount": [None, amount], "entry": [None, entry.pk], "kind": [None, kind]},
    )
    return disbursement


def _payable(application: Application, amount) -> int:
    amount = whole_rupiah(amount, "amount")
    if amount > application.left_to_pay:
        raise DistributionRefused(
            _("Only %(left)s of the approved %(approved)s is left to pay.")
            % {"left": rupiah(application.left_to_pay), "approved": rupiah(application.approved_amount)},
            field="amount",
        )
    return amount


def _payment_day(paid_on: date | None) -> date:
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise DistributionRefused(_("A payment cannot be dated in the future."), field="paid_on")
    return paid_on


def disbursement_fields_check(application: Application, **fields) -> None:
    """Refuse, naming every bad field, what ``disbursement_pay`` would refuse in these fields alone
    (``amount``, ``paid_on``, ``payee_name``): the payment form calls it with its well-formed
    fields, so these refusals come in the same round as the form's own."""
    refusals = Refusals()
    if "amount" in fields:
        with refusals.check():
            _payable(application, fields["amount"])
    if "paid_on" in fields:
        with refusals.check():
            _payment_day(fields["paid_on"])
    if "payee_name" in fields:
        with refusals.check():
            payee_name = clean_text(fields["payee_name"], "payee_name", 200)
            if application.program.aid_kind == AidKind.THIRD_PARTY and not payee_name:
                raise DistributionRefused(
                    _("Name the school, hospital or shop paid on the person's behalf."), field="payee_name"
                )
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def disbursement_pay(
    *,
    actor,
    application: Application,
    amount: int,
    money_account,
    paid_on: date | None = None,
    reference: str = "",
    payee_name: str = "",
    payee_account: str = "",
) -> Disbursement:
    """Pay (part of) an approved application from a cash or bank account of its unit: to the person,
    or to a third party on their behalf (a school, a hospital: named with their account). A loan
    program's payment is a receivable of the fund, repaid by installments (``loans``)."""
    require(actor, "distribution.pay", application.unit)
    application = locked_for_step(application, AppStatus.APPROVED)
    program = application.program
    if program.aid_kind == AidKind.GOODS:
        raise DistributionRefused(_("This program gives goods; give them out from the stock."))
    # Every bad field at once; ``disbursement_post`` checks the amount and the day again, under the lock.
    refusals = Refusals()
    with refusals.check():
        ledger.check_money_account(money_account, application.unit, "money_account")
    with refusals.check():
        disbursement_fields_check(application, amount=amount, paid_on=paid_on, payee_name=payee_name)
    refusals.raise_any(DistributionRefused)
    payee_name = clean_text(payee_name, "payee_name", 200)
    is_loan = program.aid_kind == AidKind.LOAN
    if payee_name and program.aid_kind != AidKind.LOAN:
        kind: str = AidKind.THIRD_PARTY
    elif program.aid_kind in (AidKind.CASH, AidKind.TRANSFER):
        kind = AidKind.TRANSFER if money_account.role == AccountRole.BANK else AidKind.CASH
    else:
        kind = program.aid_kind
    disbursement = disbursement_post(
        actor=actor,
        application=application,
        amount=amount,
        credit_account=money_account,
        debit_account=ledger.receivable_account(application.institution_id) if is_loan else None,
        kind=kind,
        paid_on=paid_on,
        reference=reference,
        payee_name=payee_name,
        payee_account=payee_account,
    )
    if is_loan:
        loan_open(actor=actor, disbursement=disbursement)
    return disbursement


# --- after the payment: evidence, follow-up ---------------------------------------------------------


@transaction.atomic
def application_evidence_complete(*, actor, application: Application, note: str = "") -> Application:
    """Mark a disbursed application's evidence complete (at least one piece kept); the follow-up is due next."""
    require(actor, "distribution.evidence_keep", application.unit)
    application = locked_for_step(application, AppStatus.DISBURSED)
    if not application.evidence.exists():
        raise DistributionRefused(
            _("Keep at least one piece of evidence (photo, signed receipt, transfer proof) first.")
        )
    step_record(application, actor, AppStatus.EVIDENCED, clean_text(note, "note", 2000))
    application.save()
    return application


@transaction.atomic
def follow_up_fields_check(**fields) -> None:
    """Refuse, naming both at once, a follow-up's ``note`` (what it found, required) and its day ``on``
    (not in the future); a field left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    if "note" in fields:
        with refusals.check():
            clean_text(fields["note"], "note", 2000, required=True, message=_("Say what the follow-up found."))
    if fields.get("on") is not None:
        with refusals.check():
            if fields["on"] > timezone.localdate():
                raise DistributionRefused(_("A follow-up cannot be dated in the future."), field="on")
    refusals.raise_any(DistributionRefused)


def application_follow_up(*, actor, application: Application, note: str, on: date | None = None) -> Application:
    """Record the follow-up visit or call after the aid: what was found. The application is then done."""
    require(actor, "distribution.assess", application.unit)
    application = locked_for_step(application, AppStatus.EVIDENCED)
    follow_up_fields_check(note=note, on=on)
    note = clean_text(note, "note", 2000)
    on = on or timezone.localdate()
    step_record(application, actor, AppStatus.FOLLOWED_UP, note)
    application.followed_up_on = on
    application.due_on = None
    application.save()
    return application
