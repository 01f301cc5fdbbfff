"""Every write to the fund ledger. Import services from here.

Posting (for other apps): ``entry_post``, ``LineSpec``, ``EXTERNAL_SOURCES`` (the sources they may
post), ``fund_positions_hold`` (see the lock order in ``services.posting``); for imports
``entries_post_bulk``, ``BulkEntry``, ``allocate_ids``, ``insert_rows``, ``check_period_open``.
Journal: ``entry_reverse`` (its form asks ``reversal_fields_check``), ``manual_entry_draft``,
``manual_entry_update``, ``manual_entry_approve``, ``manual_entry_discard``.
Setup: ``chart_create_default``, ``account_create``, ``account_update``, ``amil_rate_set`` (their forms
ask ``account_fields_check`` and ``amil_rate_check`` to show every bad field at once).
Amil share: ``amil_share_allocate`` (periodic batch), ``amil_share_allocate_receipt``.
Transfers: ``transfer_post``. Periods: ``period_close``, ``opening_balance_import`` (its form asks
``opening_balance_check``).
Everyday entries without account codes (drafts, approved like manual entries):
``bank_interest_draft``, ``non_halal_use_draft``, ``amil_cost_draft``; their forms ask
``everyday_fields_check`` to show every bad field at once.
"""

from satuatap.ledger.services.amil import amil_share_allocate, amil_share_allocate_receipt
from satuatap.ledger.services.chart import (
    account_create,
    account_fields_check,
    account_update,
    amil_rate_check,
    amil_rate_set,
    chart_create_default,
)
from satuatap.ledger.services.everyday import (
    AmilCostCategory,
    amil_cost_account,
    amil_cost_draft,
    bank_interest_draft,
    everyday_fields_check,
    non_halal_use_draft,
)
from satuatap.ledger.services.journal import (
    entry_reverse,
    manual_entry_approve,
    manual_entry_discard,
    manual_entry_draft,
    manual_entry_update,
    reversal_fields_check,
)
from satuatap.ledger.services.lookups import (
    cash_account,
    check_money_account,
    distribution_account,
    inventory_account,
    receipt_accounts,
    receivable_account,
)
from satuatap.ledger.services.periods import opening_balance_check, opening_balance_import, period_close
from satuatap.ledger.services.pillars import PILLAR_FUNDS, pillar_save
from satuatap.ledger.services.posting import (
    EXTERNAL_SOURCES,
    BulkEntry,
    LineSpec,
    allocate_ids,
    check_period_open,
    entries_post_bulk,
    entry_post,
    fund_positions_hold,
    insert_rows,
)
from satuatap.ledger.services.transfers import TransferKind, transfer_post

__all__ = [
    "PILLAR_FUNDS",
    "pillar_save",
    "EXTERNAL_SOURCES",
    "AmilCostCategory",
    "BulkEntry",
    "LineSpec",
    "TransferKind",
    "account_create",
    "account_fields_check",
    "account_update",
    "allocate_ids",
    "amil_cost_account",
    "amil_cost_draft",
    "amil_rate_check",
    "amil_rate_set",
    "amil_share_allocate",
    "amil_share_allocate_receipt",
    "bank_interest_draft",
    "cash_account",
    "check_period_open",
    "chart_create_default",
    "check_money_account",
    "distribution_account",
    "insert_rows",
    "inventory_account",
    "receivable_account",
    "reversal_fields_check",
    "receipt_accounts",
    "entries_post_bulk",
    "entry_post",
    "fund_positions_hold",
    "everyday_fields_check",
    "entry_reverse",
    "manual_entry_approve",
    "manual_entry_discard",
    "manual_entry_draft",
    "manual_entry_update",
    "non_halal_use_draft",
    "opening_balance_check",
    "opening_balance_import",
    "period_close",
    "transfer_post",
]
