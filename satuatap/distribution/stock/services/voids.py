"""A receipt of goods voided in collection: its goods are taken back out of the stock, and only
while they are all still on hand (``StockVoidHook``, registered with ``collection.hooks``)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from satuatap.core.formatting import rupiah
from satuatap.distribution.models import StockMove, StockMoveKind
from satuatap.distribution.stock.selectors import held, quantity_text
from satuatap.distribution.stock.services.goods import audit_move, lock_item


def _received_moves(donation) -> list[StockMove]:
    """The moves that took the goods of ``donation``'s lines into a stock."""
    return list(
        StockMove.objects.filter(kind=StockMoveKind.DONATION, donation_line__donation=donation)
        .select_related("unit", "item")
        .order_by("item_id", "pk")
    )


def _shortfall(moves: list[StockMove]) -> str:
    """Why ``moves`` (of one unit, item and fund) cannot all be taken back out of what is on hand, or ""."""
    first = moves[0]
    quantity, value = sum((m.quantity for m in moves), Decimal(0)), sum(m.value for m in moves)
    on_hand = held(first.unit, first.item, first.fund_kind)
    params = {
        "quantity": quantity_text(quantity),
        "measure": first.item.measure,
        "item": first.item.name,
        "unit": first.unit.name,
        "held": quantity_text(on_hand.quantity),
        "value": rupiah(value),
        "held_value": rupiah(on_hand.value),
    }
    if on_hand.quantity < quantity:
        return (
            _(
                "The goods of this receipt (%(quantity)s %(measure)s %(item)s) were received into the stock of "
                "%(unit)s; only %(held)s %(measure)s of the %(quantity)s %(measure)s are still on hand, so the "
                "receipt cannot be voided: goods already given out cannot be taken back."
            )
            % params
        )
    if on_hand.value < value:
        return (
            _(
                "The goods of this receipt (%(quantity)s %(measure)s %(item)s worth %(value)s) were received into "
                "the stock of %(unit)s; what is on hand there is worth only %(held_value)s, so the receipt cannot "
                "be voided: goods already given out cannot be taken back."
            )
            % params
        )
    return ""


def void_refusal(donation) -> str:
    """A check of ``donation_void``: goods of the donation received into a stock must all still be on
    hand there (quantity and value per unit, item and fund) to be taken back out. Their items are
    locked as when goods go out, so nothing leaves between this check and ``void_take_back``.
    "" when none of its lines was received, or all can be taken back."""
    moves = _received_moves(donation)
    for item in sorted({m.item_id: m.item for m in moves}.values(), key=lambda i: i.pk):
        lock_item(item)
    groups: dict[tuple, list[StockMove]] = {}
    for move in moves:
        groups.setdefault((move.unit_id, move.item_id, move.fund_kind), []).append(move)
    return next((refusal for refusal in map(_shortfall, groups.values()) if refusal), "")


def void_take_back(donation, actor) -> None:
    """An action of ``donation_void`` (after ``void_refusal`` passed and the entry was reversed): each
    move that received the donation's goods is cancelled by a ``voided`` move of the same line, with
    the opposite quantity and value. Nothing is posted: the reversal already took the goods' value
    out of the inventory account, so the move links it."""
    for move in _received_moves(donation):
        voided = StockMove.objects.create(
            institution_id=move.institution_id,
            unit=move.unit,
            item=move.item,
            kind=StockMoveKind.VOIDED,
            fund_kind=move.fund_kind,
            quantity=-move.quantity,
            value=-move.value,
            moved_on=donation.void_entry.entry_date,
            donation_line_id=move.donation_line_id,
            entry_id=donation.void_entry_id,
            note=donation.void_reason[:300],
            created_by=actor,
        )
        audit_move(actor, voided)


class StockVoidHook:
    """Collection's void hook: a receipt of goods is voided only while they are all on hand, and
    they then leave the stock (``void_refusal``, ``void_take_back``)."""

    def refusal(self, donation) -> str:
        return void_refusal(donation)

    def voided(self, donation, actor) -> None:
        void_take_back(donation, actor)
