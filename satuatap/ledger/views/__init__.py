"""Staff pages of the fund ledger: thin views over ``ledger.services`` and ``ledger.selectors``.

Chart (``chart``): ``overview``, ``chart_setup``, ``accounts``, ``account_create``, ``account_edit``.
Journal (``journal``): ``entries``, ``entry_detail``, ``entry_create``, ``everyday_entry``,
``entry_approve``, ``entry_discard``, ``entry_reverse``.
Funds and periods (``funds``): ``transfer_create``, ``amil``, ``periods``, ``opening_import``.
Statements (``reports``, laid out for XLSX by ``sheets``): ``report``.
"""

from satuatap.ledger.views.chart import account_create, account_edit, accounts, chart_setup, overview
from satuatap.ledger.views.funds import amil, opening_import, periods, transfer_create
from satuatap.ledger.views.journal import (
    entries,
    entry_approve,
    entry_create,
    entry_detail,
    entry_discard,
    entry_reverse,
    everyday_entry,
)
from satuatap.ledger.views.reports import report

__all__ = [
    "account_create",
    "account_edit",
    "accounts",
    "amil",
    "chart_setup",
    "entries",
    "entry_approve",
    "entry_create",
    "entry_detail",
    "entry_discard",
    "entry_reverse",
    "everyday_entry",
    "opening_import",
    "overview",
    "periods",
    "report",
    "transfer_create",
]
