"""Recording and voiding donations: one ledger entry and one gapless receipt per donation."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.collection import hooks
from satuatap.collection.errors import DonationConflict, DonationRefused, VoidRefused
from satuatap.collection.models import (
    BANK_CHANNELS,
    DONATION_KINDS,
    Campaign,
    Donation,
    DonationLine,
    DonationStatus,
    PaymentChannel,
    Receipt,
)
from satuatap.collection.services.setup import accepted_kinds, fitrah_rate_for
from satuatap.core.errors import combined
from satuatap.core.formatting import format_date, rupiah
from satuatap.core.models import Sequence
from satuatap.donors.models import Donor
from satuatap.ledger import services as ledger
from satuatap.ledger.errors import IdempotencyConflict
from satuatap.ledger.hooks import purpose_for_unit, purpose_resolve
from satuatap.ledger.models import Account, FundKind, ReceiptKind, Source
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

MAX_LINES = 20
MAX_AMOUNT = 10**13  # ten trillion rupiah: a typo guard, far above any real gift
MAX_BACKDATE_DAYS = 366 * 2
MAX_GOODS_QUANTITY = Decimal("1e10")  # DonationLine.goods_quantity: 12 digits, 2 decimals
MAX_ID = 2**63 - 1  # the largest primary key the database holds: a larger one names nothing


@dataclass
class DonationLineSpec:
    """One line as a clerk or an API client gives it. ``amount`` is whole rupiah; for zakat fitrah
    give ``persons`` and the amount follows from the unit's rate."""

    kind: str
    amount: int | None = None
    campaign: Campaign | int | None = None
    # A restricted-infak program: its id, its code (any case) or its restriction key.
    program: str | int | None = ""
    persons: int | None = None
    goods_description: str = ""
    goods_quantity: Decimal | str | None = None
    goods_unit: str = ""


def _raise_all(refusals: list[DonationRefused]) -> None:
    """Raise every refusal found, together (the one alone as it is)."""
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        raise DonationRefused(combined(refusals))


def _line_error(number: int, message: str, field: str = "lines") -> DonationRefused:
    return DonationRefused(_("Line %(number)s: %(message)s") % {"number": number, "message": message}, field=field)


def _is_rupiah(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value) -> bool:
    """An int that can be a primary key; a larger one would overflow the database's integer."""
    return _is_rupiah(value) and 1 <= value <= MAX_ID


def _fingerprint(**content) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _unit_today(unit: Unit) -> date:
    return timezone.localdate(timezone=unit.tzinfo)


def purpose_refusal(unit: Unit, program) -> str:
    """Why ``unit`` may not receive restricted infak for ``program`` (``ledger.hooks.purpose_for_unit``)."""
    if purpose_resolve(unit.institution_id, program) is None:
        return _("there is no restricted-infak program %(program)s in this institution.") % {"program": program}
    return _(
        "%(unit)s does not receive infak for program %(program)s: only for the programs of this office and "
        "the offices above it."
    ) % {"unit": unit.name, "program": program}


def _clean_lines(
    unit: Unit,
    donation_date: date,
    channel: str,
    specs,
    *,
    accepted_for=accepted_kinds,
    rate_for=fitrah_rate_for,
    purpose_for=purpose_for_unit,
    max_lines: int = MAX_LINES,
) -> list[DonationLine]:
    """Check a donation's lines and build them (unsaved). An import checks many one-line
    donations in one call: it lifts ``max_lines`` and passes memoised ``accepted_for``,
    ``rate_for`` and ``purpose_for`` look-ups."""
    if not isinstance(specs, (list, tuple)) or not specs:
        raise DonationRefused(_("Add at least one line (zakat, infak, ...)."), field="lines")
    if len(specs) > max_lines:
        raise DonationRefused(_("A donation may have at most %(max)s lines.") % {"max": max_lines}, field="lines")
    accepted = set(accepted_for(unit))
    campaign_ids = {s.campaign for s in specs if _is_id(s.campaign)}
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=campaign_ids, institution_id=unit.institution_id)}
    fitrah_rate = None
    lines = []
    refusals: list[DonationRefused] = []  # every bad line at once, the first mistake of each
    for number, spec in enumerate(specs, start=1):
        try:
            if not isinstance(spec, DonationLineSpec):
                raise DonationRefused(_("The lines of a donation must be given as a list of lines."), field="lines")
            if spec.kind not in DONATION_KINDS:
                raise _line_error(number, _("choose what is given (zakat maal, infak, fidyah, ...)."))
            if spec.kind not in accepted:
                raise _line_error(
                    number,
                    _("%(unit)s does not accept %(kind)s.") % {"unit": unit.name, "kind": ReceiptKind(spec.kind).label},
                )
            fund_kind = DONATION_KINDS[spec.kind]
            line = DonationLine(kind=spec.kind, fund_kind=fund_kind, position=number)
            # Restricted infak: for a campaign or a named program.
            campaign = spec.campaign
            if isinstance(campaign, int) and not isinstance(campaign, bool):
                campaign = campaigns.get(campaign)
                if campaign is None:
                    raise _line_error(number, _("there is no such campaign in this institution."))
            if campaign is not None:
                if not isinstance(campaign, Campaign) or campaign.institution_id != unit.institution_id:
                    raise _line_error(number, _("there is no such campaign in this institution."))
                if spec.kind != ReceiptKind.INFAK:
                    raise _line_error(number, _("a campaign collects infak/sedekah only."))
                if not campaign.start_date <= donation_date <= campaign.end_date:
                    raise _line_error(
                        number,
                        _("campaign %(name)s runs from %(start)s to %(end)s.")
                        % {
                            "name": campaign.name,
                            "start": format_date(campaign.start_date),
                            "end": format_date(campaign.end_date),
                        },
                    )
                line.campaign = campaign
                line.fund_kind = FundKind.INFAK_RESTRICTED
            program = spec.program.strip() if isinstance(spec.program, str) else spec.program
            if program not in ("", None):
                if campaign is not None:
                    raise _line_error(number, _("name either a campaign or a program, not both."))
                if spec.kind != ReceiptKind.INFAK:
                    raise _line_error(number, _("only infak/sedekah can be restricted to a program."))
                purpose = purpose_for(unit, program)
                if purpose is None:
                    raise _line_error(number, purpose_refusal(unit, program), "program")
                line.program = purpose.key
                line.fund_kind = FundKind.INFAK_RESTRICTED
            if spec.kind == ReceiptKind.ZAKAT_FITRAH:
                if not _is_rupiah(spec.persons) or spec.persons <= 0 or spec.persons > 1000:
                    raise _line_error(number, _("zakat fitrah needs the number of persons (1 to 1000)."), "persons")
                if fitrah_rate is None:
                    fitrah_rate = rate_for(unit, donation_date)
                if fitrah_rate is None:
                    raise _line_error(
                        number,
                        _("no zakat fitrah rate is set for this Ramadan at %(unit)s; ask finance to set it first.")
                        % {"unit": unit.name},
                    )
                line.persons, line.fitrah_rate = spec.persons, fitrah_rate.per_person
                expected = spec.persons * fitrah_rate.per_person
                if spec.amount not in (None, expected):
                    raise _line_error(
                        number,
                        _("zakat fitrah for %(persons)s persons is %(amount)s at this unit's rate.")
                        % {"persons": spec.persons, "amount": rupiah(expected)},
                    )
                line.amount = expected
            else:
                if spec.persons not in (None, 0):
                    raise _line_error(number, _("the number of persons is only for zakat fitrah."))
                if not _is_rupiah(spec.amount):
                    raise _line_error(number, _("enter the amount in whole rupiah."), "amount")
                line.amount = spec.amount
            if line.amount <= 0:
                raise _line_error(number, _("the amount must be more than zero."), "amount")
            if line.amount > MAX_AMOUNT:
                raise _line_error(number, _("the amount is too large."), "amount")
            if channel == PaymentChannel.IN_KIND:
                description = " ".join((spec.goods_description or "").split())
                if not description or len(description) > 200:
                    raise _line_error(number, _("describe the goods (at most 200 characters)."), "goods_description")
                try:
                    quantity = Decimal(str(spec.goods_quantity))
                except (InvalidOperation, ValueError):
                    quantity = None
                if quantity is None or not quantity.is_finite() or quantity <= 0:
                    raise _line_error(number, _("enter how many (more than zero)."), "goods_quantity")
                # The column keeps 12 digits, 2 of them decimals: refuse what it would round or cannot hold.
                if quantity >= MAX_GOODS_QUANTITY:
                    raise _line_error(number, _("the quantity is too large."), "goods_quantity")
                if quantity != quantity.quantize(Decimal("0.01")):
                    raise _line_error(number, _("give the quantity with at most two decimals."), "goods_quantity")
                line.goods_description, line.goods_quantity = description, quantity
                line.goods_unit = " ".join((spec.goods_unit or "").split())[:20]
            elif spec.goods_description:
                raise _line_error(number, _("goods are recorded with the channel Goods (in kind)."))
        except DonationRefused as exc:
            refusals.append(exc)
            continue
        lines.append(line)
    _raise_all(refusals)
    return lines


def _money_account(unit: Unit, channel: str, bank_account) -> Account:
    if channel not in PaymentChannel.values:
        raise DonationRefused(_("Choose how the donation was paid."), field="channel")
    if channel == PaymentChannel.IN_KIND:
        if bank_account is not None:
            raise DonationRefused(_("Goods do not go to a bank account."), field="bank_account")
        return ledger.inventory_account(unit.institution_id)
    if channel in BANK_CHANNELS:
        if bank_account is None:
            raise DonationRefused(_("Choose the bank account the money arrived in."), field="bank_account")
        if _is_rupiah(bank_account):  # out of the database's range, Django's exact lookup finds nothing
            bank_account = Account.objects.filter(pk=bank_account, institution_id=unit.institution_id).first()
        if not isinstance(bank_account, Account) or bank_account.role != "bank" or bank_account.unit_id != unit.pk:
            raise DonationRefused(_("Choose a bank account of %(unit)s.") % {"unit": unit.name}, field="bank_account")
        if not bank_account.is_active:
            raise DonationRefused(_("This bank account is no longer in use."), field="bank_account")
        return bank_account
    if bank_account is not None:
        raise DonationRefused(_("Cash and pick-up donations do not name a bank account."), field="bank_account")
    return ledger.cash_account(unit)


def _journal_lines(institution_id: int, money: Account, lines: list[DonationLine]) -> list:
    receipts = ledger.receipt_accounts(institution_id)
    specs = []
    for line in lines:
        account = receipts.get((line.fund_kind, line.kind))
        if account is None:
            raise DonationRefused(
                _("The chart of accounts has no active receipt account for %(kind)s; ask finance.")
                % {"kind": ReceiptKind(line.kind).label},
                field="lines",
            )
        restriction = line.restriction
        specs.append(ledger.LineSpec(money, line.fund_kind, debit=line.amount, restriction=restriction))
        specs.append(ledger.LineSpec(account, line.fund_kind, credit=line.amount, restriction=restriction))
    return specs


def header_problems(today: date, donation_date, bank_reference: str, note: str) -> list[tuple[str, str]]:
    """What is wrong with a donation's date, bank reference and note, as (field, message) pairs;
    ``donation_record`` refuses the first, an import lists them all."""
    problems = []
    if not isinstance(donation_date, date):
        problems.append(("donation_date", _("Enter a valid date.")))
    elif donation_date > today:
        problems.append(("donation_date", _("The date cannot be in the future.")))
    elif donation_date < today - timedelta(days=MAX_BACKDATE_DAYS):
        problems.append(("donation_date", _("The date is more than two years ago.")))
    if len(bank_reference) > 100:
        problems.append(("bank_reference", _("The bank reference is longer than 100 characters.")))
    if len(note) > 300:
        problems.append(("note", _("The note is longer than 300 characters.")))
    return problems


def _fields_clean(unit: Unit, donation_date, channel, bank_account, lines, *, bank_reference: str, note: str):
    """The money account and the built lines of a donation, or one refusal naming every bad field."""
    refusals = [
        DonationRefused(message, field=field)
        for field, message in header_problems(_unit_today(unit), donation_date, bank_reference, note)
    ]
    money = donation_lines = None
    try:
        money = _money_account(unit, channel, bank_account)
    except DonationRefused as exc:
        refusals.append(exc)
    if lines is not None and isinstance(donation_date, date):
        try:
            donation_lines = _clean_lines(unit, donation_date, channel, lines)
        except DonationRefused as exc:
            refusals.append(exc)
    _raise_all(refusals)
    return money, donation_lines


def donation_fields_check(
    *, unit: Unit, donation_date, channel, bank_account=None, lines=None, bank_reference: str = "", note: str = ""
) -> None:
    """Refuse, naming every bad field, what ``donation_record`` would refuse in these fields (the lines
    only when given): the counter asks it when its form has mistakes of its own, so the service's
    (a date in the future, a missing bank account, a kind the office does not accept) come in the
    same round."""
    _fields_clean(
        unit,
        donation_date,
        channel,
        bank_account,
        lines,
        bank_reference=" ".join((bank_reference or "").split()),
        note=" ".join((note or "").split()),
    )


def receipt_number_take(unit: Unit, year: int) -> tuple[int, str]:
    """The next receipt number of ``unit`` in ``year``: ``<unit code>-<year>-<6 digits>``.

    Taken under the sequence row's lock in the caller's transaction, so numbers are
    unique and gapless per unit and year: a failed donation gives its number back.
    """
    sequence = Sequence.next_value("receipt", f"{unit.pk}:{year}")
    return sequence, f"{unit.code}-{year}-{sequence:06d}"


def entry_memo(donor_name: str) -> str:
    """The memo of a donation's ledger entry. It is part of the entry's fingerprint, so it is written
    in the site's language, not the request's: one donation sent twice, from two browsers in two
    languages (or recorded by an import and again at the counter), is still one entry."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Donation from %(donor)s") % {"donor": donor_name}


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
    content = {
        "unit": unit.pk,
        "donor": getattr(donor, "pk", donor),
        "date": donation_date,
        "channel": channel,
        "bank": getattr(bank_account, "pk", bank_account),
        "ref": bank_reference,
        "note": note,
        "lines": [
            [
                s.kind,
                s.amount,
                getattr(s.campaign, "pk", s.campaign),
                s.program,
                s.persons,
                s.goods_description,
                str(s.goods_quantity or ""),
                s.goods_unit,
            ]
            if isinstance(s, DonationLineSpec)
            else repr(s)
            for s in (lines if isinstance(lines, (list, tuple)) else [lines])
        ],
    }
    fingerprint = _fingerprint(**content)
    holders = _key_holders(idempotency_key)
    if holders:
        return _replay(holders, unit.institution_id, fingerprint)
    # Every bad field at once: the donor, the date, bank reference and note, the channel and bank
    # account, and the lines (the first mistake of each).
    refusals: list[DonationRefused] = []
    if not isinstance(donor, Donor) or donor.institution_id != unit.institution_id:
        refusals.append(DonationRefused(_("Choose a donor of this institution."), field="donor"))
    elif donor.is_merged:
        refusals.append(
            DonationRefused(
                _("This donor was merged into %(number)s; record the donation there.")
                % {"number": donor.merged_into.number},
                field="donor",
            )
        )
    bank_reference = " ".join((bank_reference or "").split())
    note = " ".join((note or "").split())
    try:
        money, donation_lines = _fields_clean(
            unit, donation_date, channel, bank_account, lines, bank_reference=bank_reference, note=note
        )
    except DonationRefused as exc:
        refusals.append(exc)
    _raise_all(refusals)
    specs = _journal_lines(unit.institution_id, money, donation_lines)
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
            if entry.replayed:
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
    reason = " ".join((reason or "").split())
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
