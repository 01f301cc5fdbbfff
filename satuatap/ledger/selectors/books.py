"""Reads of the books: funds, the chart, journal entries, periods, amil rates. User-facing reads
are scoped with ``ledger.view``.

``fund_available`` is an internal, unscoped read used by services (and by
collection/distribution before they post); show it to a user only through a
scoped report (``positions.fund_positions``).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from satuatap.ledger.hooks import purposes_held
from satuatap.ledger.models import (
    Account,
    AmilRate,
    EntryStatus,
    Fund,
    FundPosition,
    JournalEntry,
    JournalLine,
    LedgerBalance,
    Period,
    Source,
)
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import subtree_q, unit_for


def fund_available(unit: Unit, fund: Fund, restriction: str | None = None) -> int:
    """What ``unit`` may still spend from ``fund``: its cash, bank and goods-for-distribution
    of that fund net of the fund's liabilities at that unit (fixed assets, managed assets
    and receivables do not count). For a restricted fund, ``restriction`` narrows it to one
    program; ``None`` sums all. Disbursements and transfers may never take it below zero."""
    positions = FundPosition.objects.filter(unit=unit, fund=fund)
    if restriction is not None:
        positions = positions.filter(restriction=restriction)
    return positions.aggregate(total=Sum("available"))["total"] or 0


def restriction_choices(institution_id: int) -> list[tuple[str, str]]:
    """(key, label) of what a restricted line of the ledger may name in the institution: its
    programs and campaigns by name, then any old tag the ledger still holds (to move it out)."""
    purposes = purposes_held(institution_id)
    known = {purpose.key for purpose in purposes}
    held = (
        LedgerBalance.objects.filter(institution_id=institution_id)
        .exclude(restriction="")
        .values_list("restriction", flat=True)
        .distinct()
    )
    leftovers = sorted(set(held) - known)
    return [(p.key, f"{p.name} ({p.code})") for p in purposes] + [
        (tag, _("%(tag)s (old tag)") % {"tag": tag}) for tag in leftovers
    ]


def _sees_institution(user, institution: Unit) -> bool:
    return any(top.institution_id == institution.institution_id for top in units_where(user, "ledger.view"))


def funds_for(user, institution: Unit) -> QuerySet[Fund]:
    if not _sees_institution(user, institution):
        return Fund.objects.none()
    return Fund.objects.filter(institution_id=institution.institution_id).order_by("pk")


def accounts_for(user, institution: Unit, *, active_only: bool = False) -> QuerySet[Account]:
    """The institution's chart, if the user may read its ledger somewhere in it.

    Shared accounts are the whole institution's; an office's own cash and bank
    accounts appear only to those whose ``ledger.view`` subtree holds that office.
    """
    if not _sees_institution(user, institution):
        return Account.objects.none()
    accounts = (
        Account.objects.filter(institution_id=institution.institution_id)
        .filter(Q(unit__isnull=True) | subtree_q(user, "ledger.view"))
        .select_related("unit")
    )
    if active_only:
        accounts = accounts.filter(is_active=True)
    return accounts.order_by("code")


def chart_for(
    user, institution: Unit, *, active: bool | None = None, role: str | None = None, fund_kind: str | None = None
) -> QuerySet[Account]:
    """``accounts_for`` narrowed as the API's list asks: by state (``active`` True or False), role, fund."""
    accounts = accounts_for(user, institution)
    if active is not None:
        accounts = accounts.filter(is_active=active)
    if role:
        accounts = accounts.filter(role=role)
    if fund_kind:
        accounts = accounts.filter(fund_kind=fund_kind)
    return accounts


def chart_account(user, institution: Unit, pk) -> Account:
    """One account of ``institution``'s chart as ``accounts_for`` shows it to the user; 404 otherwise."""
    account = accounts_for(user, institution).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def chart_fund(user, institution: Unit, kind: str) -> Fund:
    """The fund of ``kind`` of ``institution``, if the user may read its ledger; 404 otherwise."""
    fund = funds_for(user, institution).filter(kind=kind).first()
    if fund is None:
        raise Http404
    return fund


def entries_for(
    user,
    *,
    unit: Unit | None = None,
    status: str | None = EntryStatus.POSTED,
    source: str | None = None,
    date_from=None,
    date_to=None,
) -> QuerySet[JournalEntry]:
    """Entries of units in the user's ``ledger.view`` subtrees, or with a line there
    (a transfer is entered at the sender but the receiver sees it too)."""
    in_scope_lines = JournalLine.objects.filter(subtree_q(user, "ledger.view"), entry=OuterRef("pk"))
    entries = JournalEntry.objects.filter(subtree_q(user, "ledger.view") | Exists(in_scope_lines))
    if unit is not None:
        lines_here = JournalLine.objects.filter(entry=OuterRef("pk"), unit__path__startswith=unit.path)
        entries = entries.filter(Q(unit__path__startswith=unit.path) | Exists(lines_here))
    if status:
        entries = entries.filter(status=status)
    if source:
        entries = entries.filter(source=source)
    if date_from:
        entries = entries.filter(entry_date__gte=date_from)
    if date_to:
        entries = entries.filter(entry_date__lte=date_to)
    return entries.select_related("unit", "created_by", "approved_by").order_by("-entry_date", "-pk")


def entry_for(user, pk, *, status: str | None = None) -> JournalEntry:
    """One entry the user may read (any status unless ``status``); 404 otherwise."""
    try:
        return entries_for(user, status=status).get(pk=pk)
    except (JournalEntry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def account_for(user, account_id: int) -> Account:
    """One account of a chart the user may read (as ``accounts_for`` shows it); 404 otherwise."""
    for top in units_where(user, "ledger.view"):
        account = accounts_for(user, top).filter(pk=account_id).first()
        if account is not None:
            return account
    raise Http404


def entry_with_lines(user, pk) -> JournalEntry:
    """One entry the user may read (404 otherwise) with ``api_lines``: its lines as plain rows, posted
    or (for a draft) proposed, each with its account's id, code and name."""
    entry = entry_for(user, pk)
    if entry.status == EntryStatus.POSTED:
        entry.api_lines = [
            {
                "account_id": line.account_id,
                "account_code": line.account.code,
                "account_name": line.account.name,
                "fund_kind": line.fund.kind,
                "unit_id": line.unit_id,
                "restriction": line.restriction,
                "counterparty_id": line.counterparty_id,
                "debit": line.debit,
                "credit": line.credit,
                "memo": line.memo,
            }
            for line in entry_lines(entry)
        ]
    else:
        codes = {row["account"] for row in entry.draft_lines}
        accounts = {a.code: a for a in accounts_for(user, entry.unit).filter(code__in=codes)}
        entry.api_lines = [
            {
                "account_id": getattr(accounts.get(row["account"]), "pk", None),
                "account_code": row["account"],
                "account_name": getattr(accounts.get(row["account"]), "name", ""),
                "fund_kind": row["fund"],
                "unit_id": row.get("unit"),
                "restriction": row.get("restriction", ""),
                "counterparty_id": None,
                "debit": row["debit"],
                "credit": row["credit"],
                "memo": row.get("memo", ""),
            }
            for row in entry.draft_lines
        ]
    return entry


def books_institution(unit: Unit) -> Unit:
    """The institution whose books ``unit`` keeps (the unit itself at the root): periods close and
    the chart is kept on the institution, never on a branch."""
    return unit if unit.is_institution else Unit.objects.get(pk=unit.institution_id)


def transfer_unit_for(user, from_unit: Unit, unit_id: int) -> Unit:
    """The office a transfer from ``from_unit`` names: one in the user's ledger scope, or an office
    above the sender (remitting up may name one outside the user's units); 404 otherwise."""
    try:
        return unit_for(user, unit_id, capability="ledger.view")
    except Http404:
        above = Unit.objects.get_ancestors(from_unit).filter(pk=unit_id).first()
        if above is None:
            raise
        return above


def entry_lines(entry: JournalEntry) -> QuerySet[JournalLine]:
    return (
        JournalLine.objects.filter(entry=entry).select_related("account", "fund", "unit", "counterparty").order_by("pk")
    )


def drafts_for(user, *, unit: Unit | None = None) -> QuerySet[JournalEntry]:
    """Manual drafts waiting for approval, for finance and heads."""
    return entries_for(user, unit=unit, status=EntryStatus.DRAFT)


def reversals_for(user, *, unit: Unit | None = None, limit: int = 8) -> list[JournalEntry]:
    """The reversing entries posted last in the user's scope (narrowed to ``unit``), newest first,
    with the entry each reverses."""
    reversals = entries_for(user, unit=unit, source=Source.REVERSAL).select_related("reverses")
    return list(reversals.order_by("-posted_at", "-pk")[:limit])


def periods_for(user, institution: Unit, *, year: int | None = None) -> QuerySet[Period]:
    if not _sees_institution(user, institution):
        return Period.objects.none()
    periods = Period.objects.filter(institution_id=institution.institution_id)
    if year is not None:
        periods = periods.filter(year=year)
    return periods.order_by("year", "month")


def amil_rates_for(user, institution: Unit) -> QuerySet[AmilRate]:
    """The institution's amil share rates, if the user may read its ledger somewhere in it."""
    if not _sees_institution(user, institution):
        return AmilRate.objects.none()
    return AmilRate.objects.filter(institution_id=institution.institution_id).order_by("fund_kind")


def amil_rate_for(user, institution: Unit, pk) -> AmilRate:
    """One amil share rate of ``institution``, if the user may read its ledger (``DoesNotExist`` otherwise)."""
    return amil_rates_for(user, institution).get(pk=pk)
