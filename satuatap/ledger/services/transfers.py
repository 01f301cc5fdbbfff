"""Moving a fund between offices: a branch remits up, a regional office allocates down."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.errors import combined
from satuatap.ledger.chart import INTER_OFFICE_RECEIVED, INTER_OFFICE_SENT
from satuatap.ledger.errors import LedgerError, TransferRefused
from satuatap.ledger.models import Account, JournalEntry, Source
from satuatap.ledger.services.lookups import cash_account, check_money_account, fund_of, system_accounts
from satuatap.ledger.services.posting import ResolvedLine, check_period_open, post_lines
from satuatap.ledger.services.restrictions import restriction_checked
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


class TransferKind(models.TextChoices):
    REMIT = "remit", gettext_lazy("Remit to a higher office")
    ALLOCATE = "allocate", gettext_lazy("Allocate to a lower office")


@transaction.atomic
def transfer_post(
    *,
    actor,
    from_unit: Unit,
    to_unit: Unit,
    fund,
    amount: int,
    kind: str,
    memo: str = "",
    idempotency_key: str,
    entry_date: date | None = None,
    restriction: str = "",
    from_account: Account | None = None,
    to_account: Account | None = None,
) -> JournalEntry:
    """Move ``amount`` of a fund from one office to another, in one entry with both sides.

    A remittance goes up to an office above the sender, an allocation down to an
    office below it; finance of the sending office posts it. The entry (unit =
    sender) has four lines, balanced per unit and per fund:

        sender:    Dr RAK sent (counterparty = receiver)   / Cr sender's cash or bank
        receiver:  Dr receiver's cash or bank              / Cr RAK received (counterparty = sender)

    The RAK (inter-office) accounts are fund-balance accounts, so the sender's
    fund really shrinks and the receiver's grows; consolidating a subtree that
    holds both offices eliminates the RAK lines. Refused if the sender has less
    of the fund available than ``amount``.
    """
    require(actor, "ledger.post", from_unit)
    if entry_date is None:
        entry_date = timezone.localdate(timezone=from_unit.tzinfo)
    # Every bad field at once: the receiving office, the amount and the day.
    refusals: list[ValidationError] = []
    for check in (
        lambda: _check_direction(from_unit, to_unit, kind),
        lambda: _check_amount(amount),
        lambda: check_period_open(from_unit.institution_id, entry_date),
    ):
        try:
            check()
        except LedgerError as exc:
            refusals.append(exc)
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        raise TransferRefused(combined(refusals))
    fund = fund_of(from_unit.institution_id, fund)
    rak = system_accounts(from_unit.institution_id, [INTER_OFFICE_SENT, INTER_OFFICE_RECEIVED])
    source_money = check_money_account(from_account or cash_account(from_unit), from_unit, "from_account")
    target_money = check_money_account(to_account or cash_account(to_unit), to_unit, "to_account")
    restriction = restriction_checked(from_unit.institution_id, restriction)

    def line(account, unit, counterparty=None, debit=0, credit=0):
        return ResolvedLine(account, fund, unit, restriction, counterparty, debit, credit, "")

    lines = [
        line(rak[INTER_OFFICE_SENT], from_unit, counterparty=to_unit, debit=amount),
        line(source_money, from_unit, credit=amount),
        line(target_money, to_unit, debit=amount),
        line(rak[INTER_OFFICE_RECEIVED], to_unit, counterparty=from_unit, credit=amount),
    ]
    return post_lines(
        actor=actor,
        unit=from_unit,
        entry_date=entry_date,
        source=Source.TRANSFER,
        source_ref=f"{kind}:{from_unit.code}>{to_unit.code}",
        idempotency_key=idempotency_key,
        memo=memo or "",
        lines=lines,
        inter_office=True,
    )


def _check_direction(from_unit: Unit, to_unit: Unit, kind: str) -> None:
    if kind not in TransferKind.values:
        raise TransferRefused(_("Choose whether funds are remitted up or allocated down."), field="kind")
    if from_unit.institution_id != to_unit.institution_id:
        raise TransferRefused(_("Funds cannot move to another institution."), field="to_unit")
    if from_unit.pk == to_unit.pk:
        raise TransferRefused(_("Choose another office to receive the funds."), field="to_unit")
    if kind == TransferKind.REMIT and not to_unit.contains(from_unit):
        raise TransferRefused(_("Funds are remitted only to an office above the sender."), field="to_unit")
    if kind == TransferKind.ALLOCATE and not from_unit.contains(to_unit):
        raise TransferRefused(_("Funds are allocated only to an office below the sender."), field="to_unit")


def _check_amount(amount) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TransferRefused(_("Enter a positive whole number of rupiah."), field="amount")
