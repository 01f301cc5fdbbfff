"""Typed refusals of the fund ledger. Each message is fit to show to a person."""

from django.utils.translation import gettext as _

from satuatap.core.errors import DomainError


class LedgerError(DomainError):
    """Base of every ledger refusal."""


class EntryRefused(LedgerError):
    """The lines of an entry break a bookkeeping rule (unbalanced, unknown account, ...)."""


class EntryUnbalanced(EntryRefused):
    """Debits and credits differ, in total or within one fund."""


class UnknownAccount(EntryRefused):
    """A line names an account the institution does not have (or no longer uses)."""


class PeriodClosed(LedgerError):
    """The date falls in a month or year that has been closed."""


class PeriodRefused(LedgerError):
    """A period cannot be closed as asked."""


class EntryImmutable(LedgerError):
    """Posted entries and their lines are never changed or deleted."""

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("A posted journal entry cannot be changed or deleted; post a reversal instead."))


class EntryAlreadyReversed(LedgerError):
    """An entry can be reversed only once."""


class ReversalRefused(LedgerError):
    """This entry cannot be reversed."""


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for different content (the API answers 409)."""


class ApprovalRefused(LedgerError):
    """Maker-checker: a draft cannot be approved (or changed) as asked."""


class AmilRateAboveCap(LedgerError):
    """An amil share rate above the cap of its fund."""


class InsufficientFunds(LedgerError):
    """A disbursement or transfer would take a fund of a unit below zero."""


class TransferRefused(LedgerError):
    """A transfer between offices cannot be made as asked."""


class OpeningBalanceExists(LedgerError):
    """A unit's opening balances can be imported only once."""


class AccountRefused(LedgerError):
    """An account cannot be created or changed as asked."""


class ChartMissing(LedgerError):
    """The institution's chart of accounts has not been set up (or lacks an account a service needs)."""
