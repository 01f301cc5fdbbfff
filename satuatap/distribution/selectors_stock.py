"""Reads of the goods stock, always scoped.

Moves and stock on hand are visible to a user who holds ``distribution.view`` on a unit whose subtree
contains the move's unit. The catalogue of items belongs to the institution: a user sees the items of
the institutions they work in. In-kind donations waiting to be received are those of the units where
the user keeps stock (``distribution.pay``).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from satuatap.collection.models import DonationLine, DonationStatus, PaymentChannel
from satuatap.distribution.models import StockItem, StockMove
from satuatap.distribution.stock import CENT, STOCK_FUNDS, OnHand
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import subtree_q

VIEW = "distribution.view"


# --- the catalogue ------------------------------------------------------------------------------------


def items_for(user, *, capability: str = VIEW) -> QuerySet[StockItem]:
    """The items of the institutions where the user holds ``capability`` somewhere."""
    institutions = {unit.institution_id for unit in units_where(user, capability)}
    return StockItem.objects.filter(institution_id__in=institutions).order_by("name", "pk")


def item_for(user, pk) -> StockItem:
    """The item with ``pk`` if it belongs to an institution the user works in; 404 otherwise."""
    try:
        return items_for(user).get(pk=pk)
    except (StockItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def active_items(unit: Unit) -> QuerySet[StockItem]:
    return StockItem.objects.filter(institution_id=unit.institution_id, is_active=True).order_by("name", "pk")


# --- moves and what is on hand --------------------------------------------------------------------------


def moves_for(user, *, within: Unit | None = None) -> QuerySet[StockMove]:
    rows = StockMove.objects.filter(subtree_q(user, VIEW))
    if within is not None:
        rows = rows.filter(unit__path__startswith=within.path)
    return rows.select_related(
        "unit",
        "item",
        "created_by",
        "donation_line__donation__receipt",
        "disbursement__application",
    ).order_by("-moved_on", "-pk")


@dataclass
class OnHandRow(OnHand):
    unit: Unit
    item: StockItem
    fund_kind: str

    @property
    def fund_label(self) -> str:
        from satuatap.ledger.models import FundKind

        return str(FundKind(self.fund_kind).label)


def on_hand_rows(moves: QuerySet[StockMove]) -> list[OnHandRow]:
    """What ``moves`` leave on hand, per unit, item and fund (rows with nothing left are dropped),
    ordered by unit, item and fund."""
    totals = list(
        moves.order_by()
        .values("unit_id", "item_id", "fund_kind")
        .annotate(quantity=Sum("quantity"), value=Sum("value"))
        .filter(~Q(quantity=0) | ~Q(value=0))
    )
    units = Unit.objects.in_bulk({row["unit_id"] for row in totals})
    items = StockItem.objects.in_bulk({row["item_id"] for row in totals})
    rows = [
        OnHandRow(
            quantity=Decimal(row["quantity"] or 0).quantize(CENT),
            value=row["value"] or 0,
            unit=units[row["unit_id"]],
            item=items[row["item_id"]],
            fund_kind=row["fund_kind"],
        )
        for row in totals
    ]
    return sorted(rows, key=lambda r: (r.unit.path, r.item.name.lower(), r.item.pk, r.fund_kind))


def stock_on_hand(
    unit: Unit, *, subtree: bool = True, fund_kind: str | None = None, item: StockItem | None = None
) -> list[OnHandRow]:
    """What ``unit`` (and, with ``subtree``, each unit below it) holds, per item and fund: quantity,
    value and average value. Unscoped: the caller has checked the user may see ``unit``."""
    moves = StockMove.objects.filter(unit__path__startswith=unit.path) if subtree else unit_moves(unit)
    if fund_kind:
        moves = moves.filter(fund_kind=fund_kind)
    if item is not None:
        moves = moves.filter(item=item)
    return on_hand_rows(moves)


def unit_moves(unit: Unit) -> QuerySet[StockMove]:
    return StockMove.objects.filter(unit=unit)


def goods_to_give(unit: Unit, fund_kind: str) -> list[OnHandRow]:
    """The active items ``unit`` itself holds some of in the fund: what a goods payment there may give."""
    return [
        row
        for row in stock_on_hand(unit, subtree=False, fund_kind=fund_kind)
        if row.quantity > 0 and row.item.is_active
    ]


# --- in-kind donations waiting to be received -------------------------------------------------------------


def donation_lines_for(user) -> QuerySet[DonationLine]:
    """In-kind donation lines given at units where the user keeps stock (``distribution.pay``)."""
    return DonationLine.objects.filter(
        subtree_q(user, "distribution.pay", "donation__unit"), donation__channel=PaymentChannel.IN_KIND
    ).select_related("donation__unit", "donation__receipt")


def waiting_lines(user, *, within: Unit) -> QuerySet[DonationLine]:
    """In-kind donation lines (of the funds the stock keeps) given at units where the user keeps stock,
    within ``within``, whose goods are not in the stock yet. Voided donations are left out."""
    received = StockMove.objects.filter(donation_line=OuterRef("pk"))
    return (
        donation_lines_for(user)
        .filter(
            donation__unit__path__startswith=within.path,
            donation__status=DonationStatus.RECORDED,
            fund_kind__in=STOCK_FUNDS,
        )
        .exclude(Exists(received))
        .order_by("-donation__donation_date", "-pk")
    )


def donation_line_for(user, pk) -> DonationLine:
    """One in-kind donation line of the units where the user keeps stock; 404 otherwise."""
    try:
        return donation_lines_for(user).get(pk=pk)
    except (DonationLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
