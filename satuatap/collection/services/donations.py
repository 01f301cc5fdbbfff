"""Recording and voiding donations: one ledger entry and one gapless receipt per donation.

The checks, the fingerprint and the receipt number are ``services.preparation``'s, shared with the import.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.collection import hooks
from satuatap.collection.errors import DonationConflict, DonationRefused, VoidRefused
from satuatap.collection.models import Donation, DonationLine, DonationStatus, Receipt
from satuatap.collection.services.preparation import (
    DonationLineSpec,
    donation_fields_clean,
    donation_fingerprint,
    entry_memo,
    journal_lines,
    receipt_number_take,
    refusals_raise,
)
from satuatap.core.text import squash
from satuatap.donors.models import Donor
from satuatap.ledger import services as ledger
from satuatap.ledger.errors import IdempotencyConflict
from satuatap.ledger.models import Account, Source
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


def key_conflict_message(existing: Donation) -> str:
    """Why a request key that ``existing`` already used cannot record another donation."""
    return _("This request key was already used for a different donation (receipt %(number)s); nothing was saved.") % {
        "number": existing.receipt.number
    }


def _key_holders(idempotency_key: str) -> list[Donation]:
    """The donations recorded under ``idempotency_key``, one per institution at most: a single look-up on
    the key's unique index, which answers both "replayed here?" and "used in another institution?"."""
    return list(Donation.objects.filter(idempotency_key=idempotency_key).select_related("receipt").order_by())


def _replay(holders: list[Donation], institution_id: int, fingerprint: str) -> Donation:
    """The first donation again if this request repeats it; a conflict if its key recorded something
    else, here or in another institution (a request key names one request wherever it is sent)."""
    existing = next((d for d in holders if d.institution_id == institution_id), holders[0])
    if existing.institution_id != institution_id or existing.fingerprint != fingerprint:
        raise DonationConflict(key_conflict_message(existing), field="idempotency_key")
    existing.replayed = True
    return existing


def donation_record(
    *,
    actor,
    unit: Unit,
    donor: Donor,
    donation_date: date,
    channel: str,
    lines: list[DonationLineSpec],
    idempotency_key: str,
    bank_account: Account | int | None = None,
    bank_reference: str = "",
    note: str = "",
) -> Donation:
    """Record a donation at ``unit``: its lines, one ledger entry (Dr cash/bank/goods, Cr receipts per
    fund) and a receipt numbered gapless per unit and year, all in one transaction.

    Replaying ``idempotency_key`` with the same content returns the first donation
    (``donation.replayed`` True); with other content, or a key already used in another institution,
    it raises ``DonationConflict``.
    """
    require(actor, "collection.record", unit)
    if not isinstance(idempotency_key, str) or not idempotency_key.strip() or len(idempotency_key) > 150:
        raise DonationRefused(_("A request key of 1 to 150 characters is required."), field="idempotency_key")
    if not isinstance(donation_date, date):
        raise DonationRefused(_("Enter a valid date."), field="donation_date")
    fingerprint = donation_fingerprint(
        unit=unit,
        donor=donor,
        donation_date=donation_date,
        channel=channel,
        bank_account=bank_account,
        bank_reference=bank_reference,
        note=note,
        lines=lines,
    )
    holders = _key_holders(idempotency_key)
    if holders:
        return _replay(holders, unit.institution_id, fingerprint)
    # Every bad field at once: the donor, the date, bank reference and note, the channel and bank
    # account, and the lines (the first mistake of each).
    refusals: list[DonationRefused] = []
    if not isinstance(donor, Donor) or donor.institution_id != unit.institution_id:
        refusals.append(DonationRefused(_("Choose a donor of this institution."), field="donor"))
    elif donor.merged_into is not None:
        refusals.append(
            DonationRefused(
                _("This donor was merged into %(number)s; record the donation there.")
                % {"number": donor.merged_into.number},
                field="donor",
            )
        )
    bank_reference = squash(bank_reference)
    note = squash(note)
    try:
        money, donation_lines = donation_fields_clean(
            unit, donation_date, channel, bank_account, lines, bank_reference=bank_reference, note=note
        )
    except DonationRefused as exc:
        refusals.append(exc)
    refusals_raise(refusals)
    specs = journal_lines(unit.institution_id, money, donation_lines)
    total = sum(line.amount for line in donation_lines)
    memo = entry_memo(donor.full_name)
    try:
        with transaction.atomic():
            entry = ledger.entry_post(
                actor=actor,
                unit=unit,
                entry_date=donation_date,
                source=Source.DONATION,
                source_ref=f"donation:{idempotency_key}"[:100],
                idempotency_key=f"donation:{idempotency_key}",
                memo=memo,
                lines=specs,
                savepoint=False,
            )
            if getattr(entry, "replayed", False):
                # The ledger has this key but collection does not: only a concurrent first
                # request can be in this state; it commits the donation, this one stands back.
                raise IntegrityError("donation key taken concurrently")
            donation = Donation(
                institution_id=unit.institution_id,
                unit=unit,
                donor=donor,
                donation_date=donation_date,
                channel=channel,
                bank_account=money if money.role == "bank" else None,
                bank_reference=bank_reference,
                collector=actor,
                note=note,
                total=total,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                entry=entry,
            )
            donation.save(force_insert=True)
            for line in donation_lines:
                line.donation = donation
            DonationLine.objects.bulk_create(donation_lines)
            # Last, so the sequence row is locked for as short a time as possible.
            sequence, number = receipt_number_take(unit, donation_date.year)
            donation.receipt = Receipt.objects.create(
                donation=donation, unit=unit, year=donation_date.year, sequence=sequence, number=number
            )
    except (IntegrityError, IdempotencyConflict):
        # A concurrent request with this key committed first: the ledger refuses this one's entry (its
        # key is taken, for other content if the body differs). Answer as a sequential retry would.
        holders = _key_holders(idempotency_key)
        if not holders:
            raise
        return _replay(holders, unit.institution_id, fingerprint)
    donation.replayed = False
    return donation


@transaction.atomic
def donation_void(*, actor, donation: Donation, reason: str) -> Donation:
    """Void a donation and its receipt (finance only): its ledger entry is reversed, the receipt
    keeps its number and shows as void. Each of ``hooks.VOID_HOOKS`` may refuse it first and acts
    after it, in the same transaction."""
    require(actor, "collection.void", donation.unit)
    donation = (
        Donation.objects.select_for_update(of=("self",)).select_related("unit", "receipt", "entry").get(pk=donation.pk)
    )
    if donation.status == DonationStatus.VOID:
        raise VoidRefused(
            _("Receipt %(number)s is already void.") % {"number": donation.receipt.number}, field="reason"
        )
    reason = squash(reason)
    if not reason:
        raise VoidRefused(_("Say why the receipt is voided."), field="reason")
    if len(reason) > 300:
        raise VoidRefused(_("The reason is longer than 300 characters."), field="reason")
    for hook in hooks.VOID_HOOKS:
        refusal = hook.refusal(donation)
        if refusal:
            raise VoidRefused(refusal, field="reason")
    reversal = ledger.entry_reverse(
        actor=actor,
        entry=donation.entry,
        reason=_("Receipt %(number)s voided: %(reason)s") % {"number": donation.receipt.number, "reason": reason},
        by_owner=True,
    )
    donation.status = DonationStatus.VOID
    donation.void_entry = reversal
    donation.void_reason = reason
    donation.voided_at = timezone.now()
    donation.voided_by = actor
    donation.save(update_fields=["status", "void_entry", "void_reason", "voided_at", "voided_by"])
    audit_record(
        actor=actor,
        action=AuditAction.RECEIPT_VOIDED,
        target=donation.receipt,
        unit=donation.unit,
        changes={"status": [DonationStatus.RECORDED, DonationStatus.VOID]},
        note=reason,
    )
    for hook in hooks.VOID_HOOKS:
        hook.voided(donation, actor)
    return donation
