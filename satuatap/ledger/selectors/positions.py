"""What each office's funds hold now: ``fund_positions`` (per office and fund: net assets and what
is available to distribute) and ``fund_totals`` (summed per fund)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from satuatap.ledger.hooks import purpose_names
from satuatap.ledger.models import FundKind, FundPosition, JournalLine, LedgerBalance
from satuatap.ledger.selectors.figures import EQUITY_TYPES, accounts_by_pk, funds_by_pk, scoped_unit
from satuatap.organizations.models import Unit

# --- fund positions --------------------------------------------------------------------------


@dataclass
class FundPositionRow:
    unit_id: int
    unit_code: str
    unit_name: str
    fund_kind: str
    balance: int  # net assets of the fund at the unit (all its assets less liabilities)
    available: int  # what the unit may still distribute (see selectors.fund_available)
    available_by_restriction: dict[str, int] = field(default_factory=dict)
    # The name of each restriction key (the program's, ``hooks.purpose_names``).
    restriction_names: dict[str, str] = field(default_factory=dict)


def fund_positions(user, unit: Unit, *, consolidated: bool = True) -> list[FundPositionRow]:
    """Current balance and available-to-distribute per unit (of the subtree) and fund.

    Rows are per unit, never netted across units: what one office may spend is its own.
    """
    unit = scoped_unit(user, unit)
    funds = funds_by_pk(unit.institution_id)
    units_q = Unit.objects.filter(path__startswith=unit.path) if consolidated else Unit.objects.filter(pk=unit.pk)
    units = {u.pk: u for u in units_q}
    accounts = accounts_by_pk(unit.institution_id)
    balances: dict[tuple, int] = defaultdict(int)
    equity_ids = [a.pk for a in accounts.values() if a.type in EQUITY_TYPES]
    rows = (
        LedgerBalance.objects.filter(unit__in=units_q, account_id__in=equity_ids)
        .values("unit_id", "fund_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for row in rows:
        balances[(row["unit_id"], row["fund_id"])] += (row["c"] or 0) - (row["d"] or 0)
    available: dict[tuple, dict[str, int]] = defaultdict(dict)
    for position in FundPosition.objects.filter(unit__in=units_q):
        available[(position.unit_id, position.fund_id)][position.restriction] = position.available
    names = purpose_names(r for by_restriction in available.values() for r in by_restriction)
    result = []
    for key in sorted(set(balances) | set(available), key=lambda k: (units[k[0]].path, k[1])):
        by_restriction = available.get(key, {})
        result.append(
            FundPositionRow(
                unit_id=key[0],
                unit_code=units[key[0]].code,
                unit_name=units[key[0]].name,
                fund_kind=funds[key[1]].kind,
                balance=balances.get(key, 0),
                available=sum(by_restriction.values()),
                available_by_restriction={r: v for r, v in by_restriction.items() if r},
                restriction_names={r: names[r] for r in by_restriction if r},
            )
        )
    return result


@dataclass
class FundTotal:
    fund_kind: str
    label: str
    balance: int = 0
    available: int = 0


def fund_totals(user, unit: Unit) -> list[FundTotal]:
    """The PSAK 109 funds of ``unit``'s subtree, each summed over its offices: net assets and what
    is available to distribute (``fund_positions`` added up by fund, in the chart's fund order)."""
    totals = {kind: FundTotal(kind, str(label)) for kind, label in FundKind.choices}
    for row in fund_positions(user, unit):
        total = totals[row.fund_kind]
        total.balance += row.balance
        total.available += row.available
    return list(totals.values())


def fund_positions_figures(alias: str) -> dict[str, int]:
    """The available amount per unit, fund kind and restriction: a section of the figures a restore
    must reproduce (registered with ``core.backup``)."""
    return {
        f"{unit}/{fund}/{restriction}": available
        for unit, fund, restriction, available in FundPosition.objects.using(alias)
        .order_by("unit_id", "fund__kind", "restriction")
        .values_list("unit_id", "fund__kind", "restriction", "available")
    }


def journal_figures(alias: str) -> dict[str, int]:
    """The journal's line count and its debit and credit totals (backup figures)."""
    journal = JournalLine.objects.using(alias).aggregate(lines=Count("id"), debit=Sum("debit"), credit=Sum("credit"))
    return {key: value or 0 for key, value in journal.items()}
