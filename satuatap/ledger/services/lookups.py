"""Finding the accounts and funds the ledger's own services post to."""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from satuatap.ledger.chart import cash_key
from satuatap.ledger.errors import ChartMissing, EntryRefused
from satuatap.ledger.models import Account, AccountRole, Fund, FundKind
from satuatap.organizations.models import Unit


@dataclass(frozen=True)
class ChartSnapshot:
    accounts: dict[str, Account]  # by code
    funds: dict[str, Fund]  # by kind
    system: dict[str, Account] = field(default_factory=dict)  # by system_key
    receipts: dict[tuple[str, str], Account] = field(default_factory=dict)  # see receipt_accounts


def cached_chart_usable() -> bool:
    """The cached chart may be used only where posting re-checks it (PostgreSQL's posting statement)."""
    return connection.vendor == "postgresql"


# This process's copy of each institution's chart. Posting on PostgreSQL reads it instead of
# querying accounts and funds every time; the posting statement re-checks every account it
# writes (same id and code, still active), and a mismatch drops the copy and posts again from
# fresh look-ups. So a change made by any process takes effect at once.
_charts: dict[int, ChartSnapshot] = {}


def chart_snapshot(institution_id: int) -> ChartSnapshot:
    chart = _charts.get(institution_id)
    if chart is None:
        accounts = list(Account.objects.filter(institution_id=institution_id))
        chart = ChartSnapshot(
            accounts={a.code: a for a in accounts},
            funds={f.kind: f for f in Fund.objects.filter(institution_id=institution_id)},
            system={a.system_key: a for a in accounts if a.system_key},
            receipts=_receipt_map(accounts),
        )
        _charts[institution_id] = chart
    return chart


def chart_forget(institution_id: int | None = None) -> None:
    """Drop the cached chart of one institution (or all)."""
    if institution_id is None:
        _charts.clear()
    else:
        _charts.pop(institution_id, None)


def system_accounts(institution_id: int, keys) -> dict[str, Account]:
    """The accounts with these ``system_key``s; refused with a clear message if one is missing."""
    keys = set(keys)
    found = {a.system_key: a for a in Account.objects.filter(institution_id=institution_id, system_key__in=keys)}
    missing = keys - set(found)
    if missing:
        raise ChartMissing(
            _("The chart of accounts lacks %(keys)s; ask finance to set up the chart of accounts.")
            % {"keys": ", ".join(sorted(missing))}
        )
    return found


def cash_account(unit: Unit) -> Account:
    key = cash_key(unit.pk)
    if cached_chart_usable():
        account = chart_snapshot(unit.institution_id).system.get(key)
        if account is not None:
            return account
    return system_accounts(unit.institution_id, [key])[key]


def fund_of(institution_id: int, fund) -> Fund:
    """A ``Fund`` from a ``Fund`` or a ``FundKind`` value, checked to be the institution's."""
    if isinstance(fund, Fund):
        if fund.institution_id != institution_id:
            raise EntryRefused(_("This fund belongs to another institution."), field="fund")
        return fund
    found = Fund.objects.filter(institution_id=institution_id, kind=fund).first()
    if found is None:
        raise EntryRefused(_("This institution has no such fund."), field="fund")
    return found


def check_money_account(account: Account, unit: Unit, field: str) -> Account:
    if account.role not in (AccountRole.CASH, AccountRole.BANK) or account.unit_id != unit.pk:
        raise EntryRefused(_("Choose a cash or bank account of %(unit)s.") % {"unit": unit.name}, field=field)
    return account


def _receipt_map(accounts) -> dict[tuple[str, str], Account]:
    found: dict[tuple[str, str], Account] = {}
    for account in sorted(accounts, key=lambda a: a.code, reverse=True):  # the lowest code wins
        if account.role == AccountRole.RECEIPT and account.is_active:
            found[(account.fund_kind, account.receipt_kind)] = account
    return found


def receipt_accounts(institution_id: int) -> dict[tuple[str, str], Account]:
    """The active receipt account for each (fund kind, receipt kind) of the chart; the lowest code
    wins when finance added several."""
    if cached_chart_usable():
        return chart_snapshot(institution_id).receipts
    return _receipt_map(Account.objects.filter(institution_id=institution_id))


def _first_of_role(institution_id: int, role: str, missing: str) -> Account:
    account = Account.objects.filter(institution_id=institution_id, role=role, is_active=True).order_by("code").first()
    if account is None:
        raise ChartMissing(missing)
    return account


def inventory_account(institution_id: int) -> Account:
    """Where goods received for distribution are held (the lowest-coded active inventory account)."""
    return _first_of_role(
        institution_id,
        AccountRole.INVENTORY,
        _("The chart of accounts has no account for goods held for distribution."),
    )


def receivable_account(institution_id: int) -> Account:
    """Where interest-free loans (qardhul hasan) are held until repaid (the lowest-coded receivable)."""
    return _first_of_role(
        institution_id, AccountRole.RECEIVABLE, _("The chart of accounts has no receivable account for loans.")
    )


def distribution_account(institution_id: int, fund_kind: str, *, asnaf: str = "", pillar: str = "") -> Account:
    """Where a disbursement from a fund is recorded: for zakat the account of the recipient's asnaf,
    for the other funds the account of the program's pillar (the lowest-coded active one)."""
    query = Account.objects.filter(
        institution_id=institution_id, role=AccountRole.DISTRIBUTION, fund_kind=fund_kind, is_active=True
    )
    query = query.filter(asnaf=asnaf) if fund_kind == FundKind.ZAKAT else query.filter(pillar=pillar)
    account = query.order_by("code").first()
    if account is None:
        raise ChartMissing(
            _("The chart of accounts has no distribution account for this fund and %(what)s; ask finance to add one.")
            % {"what": _("asnaf") if fund_kind == FundKind.ZAKAT else _("pillar")}
        )
    return account
