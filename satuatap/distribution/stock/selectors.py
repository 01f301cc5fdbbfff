"""Reads of the goods stock, always scoped.

Moves and stock on hand are visible to a user who holds ``distribution.view`` on a unit whose subtree
contains the move's unit. The catalogue of items belongs to the institution: a user sees the items of
the institutions they work in. In-kind donations waiting to be received are those of the units where
the user keeps stock (``distribution.pay``).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from satuatap.collection.models import DonationLine, DonationStatus, PaymentChannel
from satuatap.core.money import allocate
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import (
    PROGRAM_FUNDS,
    StockItem,
    StockMove,
)
from satuatap.ledger.models import FundKind
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, units_where
from satuatap.organizations.selectors import subtree_q

# The funds whose goods the stock keeps (see the module docstring for restricted infak).
STOCK_FUNDS = tuple(k for k in PROGRAM_FUNDS if k != FundKind.INFAK_RESTRICTED)
CENT = Decimal("0.01")


def fund_name(fund_kind: str) -> str:
    return str(FundKind(fund_kind).label) if fund_kind in FundKind.values else fund_kind


def quantity_text(quantity: Decimal) -> str:
    """2.50 -> "2.5", 100.00 -> "100": for descriptions kept in the aid history."""
    text = format(abs(quantity).normalize(), "f")
    return ("-" if quantity < 0 else "") + text


# --- what is on hand --------------------------------------------------------------------------------


@dataclass
class OnHand:
    quantity: Decimal
    value: int

    @property
    def average(self) -> int:
        """The value of one unit of measure, half a rupiah and up rounded up: what is shown. What goes
        out is valued by ``value_out``, which splits the value on hand exactly."""
        if self.quantity <= 0:
            return 0
        return int((Decimal(self.value) / self.quantity).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def held(unit: Unit, item: StockItem, fund_kind: str) -> OnHand:
    """What ``unit`` itself holds of ``item`` in the fund (not its sub-units: goods are where they are)."""
    totals = StockMove.objects.filter(unit=unit, item=item, fund_kind=fund_kind).aggregate(
        quantity=Sum("quantity"), value=Sum("value")
    )
    return OnHand(Decimal(totals["quantity"] or 0).quantize(CENT), totals["value"] or 0)


def value_out(on_hand: OnHand, quantity: Decimal) -> int:
    """The value of ``quantity`` at the moving average of what is on hand: the value on hand split
    between what goes and what stays with the project's one rounding rule, so all of it going out
    takes exactly the value left and nothing is left behind."""
    if quantity >= on_hand.quantity:
        return on_hand.value
    return allocate(on_hand.value, [quantity, on_hand.quantity - quantity])[0]


def goods_value(unit: Unit, item: StockItem, fund_kind: str, quantity: Decimal) -> int:
    """What ``quantity`` of ``item`` given out at ``unit`` from the fund is worth now; refused when the
    unit holds less (the message says what it holds)."""
    on_hand = held(unit, item, fund_kind)
    if quantity > on_hand.quantity:
        raise DistributionRefused(
            _("%(unit)s holds %(held)s %(measure)s of %(item)s in the %(fund)s fund; %(asked)s cannot be given out.")
            % {
                "unit": unit.name,
                "held": quantity_text(on_hand.quantity),
                "measure": item.measure,
                "item": item.name,
                "fund": fund_name(fund_kind),
                "asked": quantity_text(quantity),
            },
            field="quantity",
        )
    return value_out(on_hand, quantity)


# --- the catalogue ------------------------------------------------------------------------------------


def may_keep_catalogue(user, unit: Unit) -> bool:
    """Who adds goods to the catalogue at ``unit``: those who keep stock or set distribution up there."""
    return can(user, "distribution.pay", unit) or can(user, "distribution.configure", unit)


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


def institution_of(item: StockItem) -> Unit:
    """The institution whose catalogue holds ``item``."""
    return Unit.objects.get(pk=item.institution_id)


def donation_line_at(unit: Unit, pk) -> DonationLine | None:
    """The donation line ``pk`` of a donation received at ``unit``, if there is one."""
    return DonationLine.objects.filter(pk=pk, donation__unit=unit).first()
