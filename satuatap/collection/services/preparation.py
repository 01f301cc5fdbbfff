"""Preparing a donation: every check, its fingerprint and its receipt number, the one recipe of
``donation_record`` and of the import (``collection.imports.donations``), which differ only in how
they store what these give (one donation in a transaction, or a whole file set-wise).

``donation_fields_clean`` checks a request (date, reference, note, channel, bank account, lines) and
gives the money account and the built lines; its parts (``header_problems``, ``money_account``,
``lines_clean``, ``journal_lines``) serve the import, which checks many rows per call.
``donation_fingerprint`` and ``receipt_number`` are the formats both write.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeGuard

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.collection.errors import DonationRefused
from satuatap.collection.models import (
    BANK_CHANNELS,
    DONATION_KINDS,
    Campaign,
    DonationLine,
    PaymentChannel,
)
from satuatap.collection.services.setup import accepted_kinds, fitrah_rate_for
from satuatap.core.errors import combined
from satuatap.core.formatting import format_date, rupiah
from satuatap.core.models import Sequence
from satuatap.core.money import MAX_RUPIAH
from satuatap.core.text import squash
from satuatap.ledger import services as ledger
from satuatap.ledger.hooks import purpose_for_unit, purpose_resolve
from satuatap.ledger.models import Account, FundKind, ReceiptKind
from satuatap.organizations.models import Unit

MAX_LINES = 20
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


def refusals_raise(refusals: list[DonationRefused]) -> None:
    """Raise every refusal found, together (the one alone as it is)."""
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        raise DonationRefused(combined([*refusals]))


def _line_error(number: int, message: str, field: str = "lines") -> DonationRefused:
    return DonationRefused(_("Line %(number)s: %(message)s") % {"number": number, "message": message}, field=field)


def _is_rupiah(value) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value) -> bool:
    """An int that can be a primary key; a larger one would overflow the database's integer."""
    return _is_rupiah(value) and 1 <= value <= MAX_ID


def donation_fingerprint(
    *, unit: Unit, donor, donation_date, channel, bank_account, bank_reference, note, lines
) -> str:
    """What a request to record a donation asks, as one digest: a replay of its request key must ask the
    same. ``donation_record`` and the import compute it alike (from what the request gave, before any
    check), so a row imported and then sent again through the counter or the API is a replay."""
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
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def unit_today(unit: Unit) -> date:
    """Today where ``unit`` is (its time zone): the day a donation's date is checked against."""
    return timezone.localdate(timezone=unit.tzinfo)


def purpose_refusal(unit: Unit, program) -> str:
    """Why ``unit`` may not receive restricted infak for ``program`` (``ledger.hooks.purpose_for_unit``)."""
    if purpose_resolve(unit.institution_id, program) is None:
        return _("there is no restricted-infak program %(program)s in this institution.") % {"program": program}
    return _(
        "%(unit)s does not receive infak for program %(program)s: only for the programs of this office and "
        "the offices above it."
    ) % {"unit": unit.name, "program": program}


def lines_clean(
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
            if line.amount > MAX_RUPIAH:
                raise _line_error(number, _("the amount is too large."), "amount")
            if channel == PaymentChannel.IN_KIND:
                description = squash(spec.goods_description)
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
                line.goods_unit = squash(spec.goods_unit)[:20]
            elif spec.goods_description:
                raise _line_error(number, _("goods are recorded with the channel Goods (in kind)."))
        except DonationRefused as exc:
            refusals.append(exc)
            continue
        lines.append(line)
    refusals_raise(refusals)
    return lines


def money_account(unit: Unit, channel: str, bank_account) -> Account:
    """The account a donation paid by ``channel`` (into ``bank_account``) is debited to: cash, the
    goods stock or one of the unit's bank accounts; refused when the two do not go together."""
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


def journal_lines(institution_id: int, money: Account, lines: list[DonationLine]) -> list[ledger.LineSpec]:
    """Two ledger lines per donation line: Dr ``money``, Cr the receipt account of its fund and kind."""
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


def donation_fields_clean(unit: Unit, donation_date, channel, bank_account, lines, *, bank_reference: str, note: str):
    """The money account and the built lines of a donation, or one refusal naming every bad field."""
    refusals = [
        DonationRefused(message, field=field)
        for field, message in header_problems(unit_today(unit), donation_date, bank_reference, note)
    ]
    money = donation_lines = None
    try:
        money = money_account(unit, channel, bank_account)
    except DonationRefused as exc:
        refusals.append(exc)
    if lines is not None and isinstance(donation_date, date):
        try:
            donation_lines = lines_clean(unit, donation_date, channel, lines)
        except DonationRefused as exc:
            refusals.append(exc)
    refusals_raise(refusals)
    return money, donation_lines


def donation_fields_check(
    *, unit: Unit, donation_date, channel, bank_account=None, lines=None, bank_reference: str = "", note: str = ""
) -> None:
    """Refuse, naming every bad field, what ``donation_record`` would refuse in these fields (the lines
    only when given): the counter asks it when its form has mistakes of its own, so the service's
    (a date in the future, a missing bank account, a kind the office does not accept) come in the
    same round."""
    donation_fields_clean(
        unit,
        donation_date,
        channel,
        bank_account,
        lines,
        bank_reference=squash(bank_reference),
        note=squash(note),
    )


def receipt_number(unit: Unit, year: int, sequence: int) -> str:
    """Receipt number ``sequence`` of ``unit`` in ``year``: ``<unit code>-<year>-<6 digits>``."""
    return f"{unit.code}-{year}-{sequence:06d}"


def receipt_number_take(unit: Unit, year: int) -> tuple[int, str]:
    """The next receipt number of ``unit`` in ``year``: ``<unit code>-<year>-<6 digits>``.

    Taken under the sequence row's lock in the caller's transaction, so numbers are
    unique and gapless per unit and year: a failed donation gives its number back.
    """
    sequence = Sequence.next_value("receipt", f"{unit.pk}:{year}")
    return sequence, receipt_number(unit, year, sequence)


def entry_memo(donor_name: str) -> str:
    """The memo of a donation's ledger entry. It is part of the entry's fingerprint, so it is written
    in the site's language, not the request's: one donation sent twice, from two browsers in two
    languages (or recorded by an import and again at the counter), is still one entry."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Donation from %(donor)s") % {"donor": donor_name}
