"""Distribution over the REST API: the goods stock.

Scoped like ``distribution.api``: moves and stock on hand of the units in whose subtree the user
holds ``distribution.view`` (another unit's id answers 404), the catalogue of the institutions the
user works in. A write checks the role it needs on its unit first (403), then goes through
``distribution.stock``, whose refusals become the API's one error shape (400 with the field).
Quantities are decimals with two places, given and answered as strings ("2.50") or numbers.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.scoping import acting_unit
from satuatap.distribution import selectors
from satuatap.distribution.api.common import APPLICATION_FIELDS, ERRORS, VIEW, acting_on, refusals
from satuatap.distribution.api.schemas import DisbursementOut
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import StockItem, StockMove, StockMoveKind
from satuatap.distribution.stock import selectors as stock_selectors
from satuatap.distribution.stock import services as stock_services
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require, units_where
from satuatap.organizations.selectors import unit_for

router = Router(tags=["distribution"])

# Service field names -> the names of the request body.
APPLICATION_FIELDS = {
    **APPLICATION_FIELDS,
    "item": "item_id",
    "donation_line": "donation_line_id",
    "money_account": "money_account_id",
}


def _choices(values) -> str:
    return "One of: " + ", ".join(str(v) for v in values) + "."


# --- schemas --------------------------------------------------------------------------------------


class StockItemOut(Schema):
    id: int
    name: str
    measure: str = Field(description="The unit of measure quantities are counted in (kg, sack, box).")
    is_active: bool


class StockOnHandOut(Schema):
    unit_id: int
    unit_name: str
    item_id: int
    item_name: str
    measure: str
    fund_kind: str
    quantity: Decimal = Field(description="Quantity on hand, in the item's unit of measure.")
    value: int = Field(description="Value on hand in whole rupiah (equal to the ledger's goods of the fund).")
    average: int = Field(description="Value of one unit of measure, rounded to whole rupiah.")

    @staticmethod
    def resolve_unit_id(obj):
        return obj.unit.pk

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_item_id(obj):
        return obj.item.pk

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_measure(obj):
        return obj.item.measure


class StockMoveOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    item_id: int
    item_name: str = Field(alias="item.name")
    measure: str = Field(alias="item.measure")
    kind: StockMoveKind
    fund_kind: str
    quantity: Decimal = Field(description="Positive coming in, negative going out.")
    value: int = Field(description="Whole rupiah; positive coming in, negative going out.")
    moved_on: date
    donation_line_id: int | None = Field(description="The in-kind donation line the goods came from.")
    disbursement_id: int | None = Field(description="The disbursement the goods went out with.")
    entry_id: int | None = Field(description="The journal entry (the donation's for donated goods).")
    note: str
    created_at: datetime


class StockFilter(Schema):
    unit_id: int | None = Field(None, description="Stock of this unit's subtree.")
    fund_kind: str | None = Field(None, description=_choices(stock_selectors.STOCK_FUNDS))
    item_id: int | None = None


class MoveFilter(Schema):
    unit_id: int | None = Field(None, description="Moves of this unit's subtree.")
    item_id: int | None = None
    kind: StockMoveKind | None = None
    start: date | None = Field(None, description="Moves on or after this day.")
    end: date | None = Field(None, description="Moves on or before this day.")


class ItemFilter(Schema):
    active: bool | None = None


class StockItemIn(Schema):
    unit_id: int | None = Field(None, description="The unit adding the item; default: your first unit for this.")
    name: str = Field(max_length=200)
    measure: str = Field(max_length=20, description="kg, sack, box, package ...")


class StockItemPatch(Schema):
    name: str | None = Field(None, max_length=200)
    measure: str | None = Field(None, max_length=20, description="Only while the item has never moved.")
    is_active: bool | None = None


class ReceiveIn(Schema):
    unit_id: int | None = Field(None, description="The donation's unit (where its goods are received); default: it.")
    donation_line_id: int = Field(description="A line of an in-kind donation, received once.")
    item_id: int = Field(description="The goods of the catalogue the line is.")
    quantity: Decimal | None = Field(None, description="In the item's unit of measure; default: the line's quantity.")
    moved_on: date | None = Field(None, description="Default: the donation's date.")


class PurchaseIn(Schema):
    unit_id: int | None = Field(None, description="The unit buying; default: your first unit where you pay.")
    item_id: int
    fund_kind: str = Field(max_length=20, description=_choices(stock_selectors.STOCK_FUNDS))
    quantity: Decimal
    value: int = Field(description="The whole price, in rupiah.")
    money_account_id: int = Field(description="A cash or bank account of the unit.")
    moved_on: date | None = Field(None, description="Default: today; never in the future.")
    note: str = Field("", max_length=300)


class GoodsIn(Schema):
    item_id: int = Field(description="Goods the application's unit holds in the program's fund.")
    quantity: Decimal
    paid_on: date | None = Field(None, description="Default: today; never in the future.")
    reference: str = Field("", max_length=100, description="Handover note or receipt.")


class GoodsDisbursementOut(DisbursementOut):
    stock_move: StockMoveOut


# --- scope ----------------------------------------------------------------------------------------


def _moves_for(user) -> QuerySet[StockMove]:
    return stock_selectors.moves_for(user)


def _within(user, unit_id: int | None) -> Unit | None:
    return None if unit_id is None else unit_for(user, unit_id, capability=VIEW)


def _item(user, item_id: int, institution_id: int) -> StockItem:
    """An item of the unit's institution; a 400 on the body's field otherwise."""
    item = stock_selectors.items_for(user).filter(pk=item_id, institution_id=institution_id).first()
    if item is None:
        raise DistributionRefused(_("Choose the goods from the catalogue."), field="item_id")
    return item


# --- stock on hand and moves ----------------------------------------------------------------------


@router.get(
    "/stock",
    response={200: list[StockOnHandOut], **ERRORS},
    summary="Goods on hand in your units",
    operation_id="satuatap_distribution_api_stock_list_stock",
)
@paginate(LimitOffsetPagination)
def list_stock(request, filters: Query[StockFilter]):
    moves = _moves_for(request.user)
    within = _within(request.user, filters.unit_id)
    if within is not None:
        moves = moves.filter(unit__path__startswith=within.path)
    if filters.fund_kind:
        moves = moves.filter(fund_kind=filters.fund_kind)
    if filters.item_id is not None:
        moves = moves.filter(item_id=filters.item_id)
    return stock_selectors.on_hand_rows(moves)


@router.get(
    "/stock/moves",
    response={200: list[StockMoveOut], **ERRORS},
    summary="Stock movements in your units",
    operation_id="satuatap_distribution_api_stock_list_moves",
)
@paginate(LimitOffsetPagination)
def list_moves(request, filters: Query[MoveFilter]):
    moves = _moves_for(request.user)
    within = _within(request.user, filters.unit_id)
    if within is not None:
        moves = moves.filter(unit__path__startswith=within.path)
    if filters.item_id is not None:
        moves = moves.filter(item_id=filters.item_id)
    if filters.kind:
        moves = moves.filter(kind=filters.kind)
    if filters.start:
        moves = moves.filter(moved_on__gte=filters.start)
    if filters.end:
        moves = moves.filter(moved_on__lte=filters.end)
    return moves


# --- the catalogue ----------------------------------------------------------------------------------


@router.get(
    "/stock/items",
    response={200: list[StockItemOut], **ERRORS},
    summary="The catalogue of goods",
    operation_id="satuatap_distribution_api_stock_list_items",
)
@paginate(LimitOffsetPagination)
def list_items(request, filters: Query[ItemFilter]):
    items = stock_selectors.items_for(request.user)
    if filters.active is not None:
        items = items.filter(is_active=filters.active)
    return items


@router.post(
    "/stock/items",
    response={201: StockItemOut, **ERRORS},
    summary="Add goods to the catalogue (finance, heads, admins)",
    operation_id="satuatap_distribution_api_stock_create_item",
)
def create_item(request, payload: StockItemIn):
    if payload.unit_id is None:
        keeping = units_where(request.user, "distribution.pay") + units_where(request.user, "distribution.configure")
        if not keeping:
            raise PermissionDenied(_("Your role does not allow this action."))
        unit = keeping[0]
    else:
        unit = unit_for(request.user, payload.unit_id, capability=VIEW)
    with refusals(APPLICATION_FIELDS):
        item = stock_services.stock_item_save(actor=request.user, unit=unit, name=payload.name, measure=payload.measure)
    return Status(201, item)


@router.patch(
    "/stock/items/{int:item_id}",
    response={200: StockItemOut, **ERRORS},
    summary="Rename or close goods of the catalogue (at the institution)",
    operation_id="satuatap_distribution_api_stock_update_item",
)
def update_item(request, item_id: int, payload: StockItemPatch):
    item = stock_selectors.item_for(request.user, item_id)
    institution = stock_selectors.institution_of(item)
    changes = payload.dict(exclude_unset=True)
    with refusals(APPLICATION_FIELDS):
        item = stock_services.stock_item_save(
            actor=request.user,
            unit=institution,
            item=item,
            name=item.name if changes.get("name") is None else changes["name"],
            measure=item.measure if changes.get("measure") is None else changes["measure"],
            is_active=item.is_active if changes.get("is_active") is None else changes["is_active"],
        )
    return item


# --- goods in -----------------------------------------------------------------------------------------


@router.post(
    "/stock/receive",
    response={201: StockMoveOut, **ERRORS},
    summary="Receive the goods of an in-kind donation line into the stock (posts nothing)",
    operation_id="satuatap_distribution_api_stock_receive_donation",
)
def receive_donation(request, payload: ReceiveIn):
    if payload.unit_id is not None:
        unit = acting_unit(request.user, payload.unit_id, "distribution.pay")
        line = stock_selectors.donation_line_at(unit, payload.donation_line_id)
        if line is None:
            raise DistributionRefused(
                _("Choose an in-kind donation of %(unit)s.") % {"unit": unit.name}, field="donation_line_id"
            )
    else:
        line = stock_selectors.donation_line_for(request.user, payload.donation_line_id)
        unit = line.donation.unit
        require(request.user, "distribution.pay", unit)
    item = _item(request.user, payload.item_id, unit.institution_id)
    with refusals(APPLICATION_FIELDS):
        move = stock_services.stock_receive_donation(
            actor=request.user,
            unit=unit,
            donation_line=line,
            item=item,
            quantity=payload.quantity,
            moved_on=payload.moved_on,
        )
    return Status(201, _moves_for(request.user).get(pk=move.pk))


@router.post(
    "/stock/purchase",
    response={201: StockMoveOut, **ERRORS},
    summary="Buy goods for the stock with a fund's money; posts one journal entry",
    operation_id="satuatap_distribution_api_stock_purchase",
)
def purchase(request, payload: PurchaseIn):
    unit = acting_unit(request.user, payload.unit_id, "distribution.pay")
    item = _item(request.user, payload.item_id, unit.institution_id)
    money_account = selectors.money_account_of(unit.institution_id, payload.money_account_id)
    if money_account is None:
        raise DistributionRefused(
            _("Choose a cash or bank account of %(unit)s.") % {"unit": unit.name}, field="money_account_id"
        )
    with refusals(APPLICATION_FIELDS):
        move = stock_services.stock_purchase(
            actor=request.user,
            unit=unit,
            item=item,
            fund_kind=payload.fund_kind,
            quantity=payload.quantity,
            value=payload.value,
            money_account=money_account,
            moved_on=payload.moved_on,
            note=payload.note,
        )
    return Status(201, _moves_for(request.user).get(pk=move.pk))


# --- goods out ----------------------------------------------------------------------------------------


@router.post(
    "/applications/{int:application_id}/goods",
    response={201: GoodsDisbursementOut, **ERRORS},
    summary="Give goods from the stock to an approved goods application; posts one journal entry",
    operation_id="satuatap_distribution_api_stock_give_goods",
)
def give_goods(request, application_id: int, payload: GoodsIn):
    application = acting_on(request.user, application_id, "distribution.pay")
    item = _item(request.user, payload.item_id, application.institution_id)
    with refusals(APPLICATION_FIELDS):
        disbursement = stock_services.goods_disburse(
            actor=request.user,
            application=application,
            item=item,
            quantity=payload.quantity,
            paid_on=payload.paid_on,
            reference=payload.reference,
        )
    found = selectors.disbursements_for(request.user).select_related("stock_move__unit", "stock_move__item")
    return Status(201, found.get(pk=disbursement.pk))
