"""Goods held for distribution: a simple stock per unit, valued in rupiah (issue 6, part 5).

Goods come into a unit's stock as an in-kind donation or as a purchase with a fund's money, and go
out to a person under an approved goods program. Each move is a ``StockMove`` (+ in, − out), so the
quantity and value on hand are plain sums per unit, item and fund, and goods go out at the moving
average value of what the unit holds (value on hand ÷ quantity on hand, split with
``core.money.allocate`` so the last unit out takes the exact value left).

The books (PSAK 109) hold the same value in the inventory account of the unit and fund:

- an in-kind donation was posted by collection at fair value (Dr inventory / Cr receipt of the
  fund) at the donation's unit, so receiving its goods posts nothing: the move links the line;
- a purchase posts Dr inventory / Cr cash or bank of the unit, in the same fund;
- goods given out post Dr distribution / Cr inventory through ``services.disbursement_post``,
  which also keeps the person's aid history;
- voiding an in-kind receipt reverses the donation's entry (collection), which takes the goods'
  value back out of inventory, so the goods leave the stock with it (a ``voided`` move, posting
  nothing) — allowed only while all of them are still on hand.

Who acts: moves that touch the books (purchase, handing goods out, and receiving a donation's
goods into the stock finance keeps) need ``distribution.pay`` — finance holds it. The catalogue of
items is shared by the whole institution: an item may be added by whoever keeps stock or sets
distribution up at a unit (``distribution.pay`` or ``distribution.configure``: finance, heads,
admins), so a branch that receives a new kind of goods is not stuck; renaming or closing an item
changes it for every office and is done at the institution.

Restricted infak/sedekah is not kept in this stock: a ``StockMove`` records the fund but not the
campaign or program the money is tied to, so the stock could not say whose goods it holds.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.collection.models import DonationLine, PaymentChannel
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.formatting import format_date, rupiah
from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused, clean_text, whole_rupiah
from satuatap.distribution.models import (
    AidKind,
    Application,
    AppStatus,
    Disbursement,
    StockItem,
    StockMove,
    StockMoveKind,
)
from satuatap.distribution.stock.selectors import (
    CENT,
    STOCK_FUNDS,
    fund_name,
    goods_value,
    may_keep_catalogue,
    quantity_text,
)
from satuatap.ledger import services as ledger
from satuatap.ledger.models import AccountRole, FundKind, LedgerBalance, Source
from satuatap.ledger.services import EXTERNAL_SOURCES
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

# A quantity has two decimals (2.5 kg) and stays below the column's 12 digits.
MAX_QUANTITY = Decimal("9999999999.99")
# The ledger source of a purchase: "goods stock" once the ledger lets other apps post it (see
# ``ledger.services.EXTERNAL_SOURCES``), until then a disbursement-side entry.
PURCHASE_SOURCE = Source.STOCK if Source.STOCK in EXTERNAL_SOURCES else Source.DISBURSEMENT


# --- small checks -----------------------------------------------------------------------------------


def quantity_of(value, field: str = "quantity") -> Decimal:
    """A quantity of goods: more than zero, at most two decimals. Accepts 2.5, "2,5" and "2.5"."""
    if isinstance(value, bool) or value is None:
        raise DistributionRefused(_("Enter how many (more than zero)."), field=field)
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(" ", "")
    if isinstance(value, str):
        # A comma is the Indonesian decimal mark; a dot or comma before three digits groups thousands.
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text) and not re.fullmatch(r"\d+[.,]\d{1,2}", text):
            text = re.sub(r"[.,]", "", text)
        text = text.replace(",", ".")
    try:
        quantity = Decimal(text)
    except (InvalidOperation, ValueError):
        raise DistributionRefused(_("Enter how many (more than zero)."), field=field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise DistributionRefused(_("Enter how many (more than zero)."), field=field)
    if quantity != quantity.quantize(CENT):
        raise DistributionRefused(_("A quantity has at most two decimals."), field=field)
    if quantity > MAX_QUANTITY:
        raise DistributionRefused(_("This quantity is too large."), field=field)
    return quantity.quantize(CENT)


def day_of(value, field: str, *, default: date, not_before: date | None = None) -> date:
    if value is None:
        return default
    if not isinstance(value, date):
        raise DistributionRefused(_("Enter a valid date."), field=field)
    if value > timezone.localdate():
        raise DistributionRefused(_("The date cannot be in the future."), field=field)
    if not_before is not None and value < not_before:
        raise DistributionRefused(
            _("Goods cannot come in before they were given (%(day)s).") % {"day": format_date(not_before)}, field=field
        )
    return value


def _stock_fund(fund_kind, field: str = "fund_kind") -> str:
    if fund_kind == FundKind.INFAK_RESTRICTED:
        raise DistributionRefused(
            _(
                "Goods of restricted infak/sedekah are not kept in the stock: "
                "it cannot tell which program they are for."
            ),
            field=field,
        )
    if fund_kind not in STOCK_FUNDS:
        raise DistributionRefused(_("Choose the fund the goods belong to (zakat, infak or DSKL)."), field=field)
    return fund_kind


def item_of(item, institution_id: int, field: str = "item") -> StockItem:
    """The item, re-read: of this institution and still in use."""
    pk = item.pk if isinstance(item, StockItem) else item
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise DistributionRefused(_("Choose the goods from the catalogue."), field=field)
    found = StockItem.objects.filter(pk=pk, institution_id=institution_id).first()
    if found is None:
        raise DistributionRefused(_("Choose the goods from the catalogue."), field=field)
    if not found.is_active:
        raise DistributionRefused(
            _("%(item)s is closed in the catalogue; open it again first.") % {"item": found.name}, field=field
        )
    return found


def lock_item(item: StockItem) -> StockItem:
    """Serialise every move of ``item`` (two clerks cannot give out the same last sack): taken before
    the application's row and the ledger's rows, always in this order."""
    return StockItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def stock_item_check(*, unit: Unit, item: StockItem | None = None, **fields) -> None:
    """Refuse, naming both at once, the ``name`` (empty, too long, taken in the catalogue) and the
    ``measure`` (empty, too long, changed after the goods moved) of an item; a field left out is not
    checked (a form has refused it already)."""
    refusals = Refusals()
    if "name" in fields:
        with refusals.check():
            name = clean_text(
                fields["name"], "name", 200, required=True, message=_("Name the goods (for example Beras 5 kg).")
            )
            taken = StockItem.objects.filter(institution_id=unit.institution_id, name__iexact=name)
            if item is not None:
                taken = taken.exclude(pk=item.pk)
            if taken.exists():
                raise DistributionRefused(_("The catalogue already has goods of this name."), field="name")
    if "measure" in fields:
        with refusals.check():
            measure = clean_text(
                fields["measure"],
                "measure",
                20,
                required=True,
                message=_("Give the unit of measure (kg, sack, box, package)."),
            )
            if item is not None and measure != item.measure and item.moves.exists():
                raise DistributionRefused(
                    _("%(item)s has moved in and out in %(measure)s; its unit of measure cannot change now.")
                    % {"item": item.name, "measure": item.measure},
                    field="measure",
                )
    refusals.raise_any(DistributionRefused)


def stock_item_save(
    *, actor, unit: Unit, item: StockItem | None = None, name: str, measure: str, is_active: bool = True
) -> StockItem:
    """Add an item to the institution's catalogue (or change one). Anyone who keeps stock or sets
    distribution up at ``unit`` adds an item; changing one (it changes for every office) needs that
    role at the institution itself. Names are unique in the institution, whatever their case."""
    if not may_keep_catalogue(actor, unit):
        raise NotAllowed(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})
    institution = Unit.objects.get(pk=unit.institution_id)
    if item is not None:
        if item.institution_id != unit.institution_id:
            raise NotAllowed(_("This item belongs to another institution."))
        if not may_keep_catalogue(actor, institution):
            raise NotAllowed(
                _("An item is shared by every office; it is changed at %(institution)s.")
                % {"institution": institution.name}
            )
    stock_item_check(unit=unit, item=item, name=name, measure=measure)
    name, measure = clean_text(name, "name", 200), clean_text(measure, "measure", 20)
    before = None if item is None else {"name": item.name, "measure": item.measure, "active": item.is_active}
    if item is None:
        item = StockItem(institution_id=unit.institution_id)
    item.name, item.measure, item.is_active = name, measure, bool(is_active)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # the same name saved a moment ago by someone else
        raise DistributionRefused(_("The catalogue already has goods of this name."), field="name") from None
    audit_record(
        actor=actor,
        action=AuditAction.STOCK_MOVED,
        target=item,
        unit=unit,
        changes={
            key: [None if before is None else before[key], value]
            for key, value in (("name", item.name), ("measure", item.measure), ("active", item.is_active))
            if before is None or before[key] != value
        },
        note=_("Catalogue of goods"),
    )
    return item


# --- goods coming in ----------------------------------------------------------------------------------


def audit_move(actor, move: StockMove) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.STOCK_MOVED,
        target=move.item,
        unit=move.unit,
        changes={
            "kind": [None, move.kind],
            "fund": [None, move.fund_kind],
            "quantity": [None, str(move.quantity)],
            "value": [None, move.value],
            "entry": [None, move.entry_id],
        },
        note=move.note,
    )


def stock_receive_check(line: DonationLine, **fields) -> None:
    """Refuse, naming every bad field at once, the ``item``, ``quantity`` and ``moved_on`` (not in the
    future, not before the donation) of goods received from ``line``; a field left out is not checked."""
    refusals = Refusals()
    if "item" in fields:
        with refusals.check():
            item_of(fields["item"], line.donation.institution_id)
    if fields.get("quantity") not in (None, ""):
        with refusals.check():
            quantity_of(fields["quantity"])
    if "moved_on" in fields:
        with refusals.check():
            day = line.donation.donation_date
            day_of(fields["moved_on"], "moved_on", default=day, not_before=day)
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def stock_receive_donation(
    *, actor, unit: Unit, donation_line: DonationLine, item: StockItem, quantity=None, moved_on: date | None = None
) -> StockMove:
    """Take the goods of an in-kind donation line into the stock of the donation's own unit (where the
    donation put their value in the books), at the value the donation recorded; nothing is posted.
    A line is received once. ``quantity`` is in the item's unit of measure (default: the line's)."""
    require(actor, "distribution.pay", unit)
    line = DonationLine.objects.select_related("donation", "donation__unit").filter(pk=donation_line.pk).first()
    if line is None or line.donation.institution_id != unit.institution_id:
        raise DistributionRefused(_("Choose an in-kind donation of this institution."), field="donation_line")
    donation = line.donation
    if donation.channel != PaymentChannel.IN_KIND:
        raise DistributionRefused(_("This donation was not given in goods."), field="donation_line")
    if donation.is_void:
        raise DistributionRefused(_("This donation is void; its goods are not in the books."), field="donation_line")
    if donation.unit_id != unit.pk:
        # The donation's entry holds the goods' value at its own unit: stock kept elsewhere would no
        # longer match the books (moving goods between offices is a transfer).
        raise DistributionRefused(
            _("These goods were given at %(unit)s and are received into its stock there.")
            % {"unit": donation.unit.name},
            field="donation_line",
        )
    fund_kind = _stock_fund(line.fund_kind, "donation_line")
    stock_receive_check(line, item=item, quantity=quantity, moved_on=moved_on)
    item = lock_item(item_of(item, unit.institution_id))
    if StockMove.objects.filter(donation_line=line).exists():
        raise DistributionRefused(_("The goods of this donation are already in the stock."), field="donation_line")
    quantity = quantity_of(line.goods_quantity if quantity in (None, "") else quantity)
    moved_on = day_of(moved_on, "moved_on", default=donation.donation_date, not_before=donation.donation_date)
    move = StockMove(
        institution_id=unit.institution_id,
        unit=unit,
        item=item,
        kind=StockMoveKind.DONATION,
        fund_kind=fund_kind,
        quantity=quantity,
        value=line.amount,
        moved_on=moved_on,
        donation_line=line,
        entry_id=donation.entry_id,
        note=(line.goods_description or "")[:300],
        created_by=actor,
    )
    try:
        with transaction.atomic():
            move.save()
    except IntegrityError:  # received a moment ago by someone else
        raise DistributionRefused(
            _("The goods of this donation are already in the stock."), field="donation_line"
        ) from None
    audit_move(actor, move)
    return move


def _money_held(unit: Unit, fund_kind: str) -> int:
    """The fund's cash and bank at ``unit`` (what a purchase may spend)."""
    totals = LedgerBalance.objects.filter(
        unit=unit,
        fund__kind=fund_kind,
        restriction="",
        account__role__in=(AccountRole.CASH, AccountRole.BANK),
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or 0) - (totals["credit"] or 0)


def _check_money_held(unit: Unit, fund_kind: str, value: int) -> None:
    money = _money_held(unit, fund_kind)
    if value > money:
        raise DistributionRefused(
            _("%(unit)s holds %(money)s of the %(fund)s fund in cash and bank; goods for %(value)s cannot be bought.")
            % {
                "unit": unit.name,
                "money": rupiah(max(money, 0)),
                "fund": fund_name(fund_kind),
                "value": rupiah(value),
            },
            field="value",
        )


def stock_purchase_check(*, unit: Unit, **fields) -> None:
    """Refuse, naming every bad field at once, a purchase for the stock of ``unit``: the fund, the goods,
    the quantity, a price above what the fund holds in cash and bank, an account not of the unit or no
    longer in use, a day in the future. A field left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    fund_kind = None
    if "fund_kind" in fields:
        with refusals.check():
            fund_kind = _stock_fund(fields["fund_kind"])
    if "item" in fields:
        with refusals.check():
            item_of(fields["item"], unit.institution_id)
    if "quantity" in fields:
        with refusals.check():
            quantity_of(fields["quantity"])
    if "value" in fields:
        with refusals.check():
            value = whole_rupiah(fields["value"], "value")
            if fund_kind is not None:
                _check_money_held(unit, fund_kind, value)
    if "money_account" in fields:
        with refusals.check():
            money_account = fields["money_account"]
            if money_account is None:
                raise DistributionRefused(
                    _("Choose a cash or bank account of %(unit)s.") % {"unit": unit.name}, field="money_account"
                )
            ledger.check_money_account(money_account, unit, "money_account")
            if not money_account.is_active:
                raise DistributionRefused(_("This account is no longer in use."), field="money_account")
    if "moved_on" in fields:
        with refusals.check():
            day_of(fields["moved_on"], "moved_on", default=timezone.localdate())
    if "note" in fields:
        with refusals.check():
            clean_text(fields["note"], "note", 300)
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def stock_purchase(
    *,
    actor,
    unit: Unit,
    item: StockItem,
    fund_kind: str,
    quantity,
    value: int,
    money_account,
    moved_on: date | None = None,
    note: str = "",
) -> StockMove:
    """Buy goods for the stock with a fund's money: Dr inventory / Cr the cash or bank account of
    ``unit``, both in the fund, posted once (idempotent per move). The fund must hold the money in
    cash and bank at the unit."""
    require(actor, "distribution.pay", unit)
    stock_purchase_check(
        unit=unit,
        item=item,
        fund_kind=fund_kind,
        quantity=quantity,
        value=value,
        money_account=money_account,
        moved_on=moved_on,
        note=note,
    )
    item, quantity = item_of(item, unit.institution_id), quantity_of(quantity)
    moved_on = day_of(moved_on, "moved_on", default=timezone.localdate())
    note = clean_text(note, "note", 300)
    inventory = ledger.inventory_account(unit.institution_id)
    # Lock order: the item (as when goods go out), then the fund through the ledger's helper
    # (the month's period row, then its positions), so purchases spend one fund's cash one at a time.
    item = lock_item(item)
    ledger.fund_positions_hold(unit, fund_kind, on=moved_on)
    _check_money_held(unit, fund_kind, value)  # again, under the lock
    move = StockMove.objects.create(
        institution_id=unit.institution_id,
        unit=unit,
        item=item,
        kind=StockMoveKind.PURCHASE,
        fund_kind=fund_kind,
        quantity=quantity,
        value=value,
        moved_on=moved_on,
        note=note,
        created_by=actor,
    )
    entry = ledger.entry_post(
        actor=actor,
        unit=unit,
        entry_date=moved_on,
        source=PURCHASE_SOURCE,
        source_ref=f"stock/{move.pk}",
        idempotency_key=f"stock-purchase:{move.pk}",
        memo=_("Goods bought: %(quantity)s %(measure)s %(item)s")
        % {"quantity": quantity_text(quantity), "measure": item.measure, "item": item.name},
        lines=[
            ledger.LineSpec(inventory, fund_kind, debit=value),
            ledger.LineSpec(money_account, fund_kind, credit=value),
        ],
    )
    move.entry = entry
    move.save(update_fields=["entry"])
    audit_move(actor, move)
    return move


# --- goods going out ----------------------------------------------------------------------------------


def _goods_worth(application: Application, item: StockItem, quantity: Decimal) -> int:
    """The value of goods given at the average, refused when less than Rp1, more than the unit holds or
    more than is left of the approval."""
    value = goods_value(application.unit, item, application.program.fund_kind, quantity)
    description = f"{quantity_text(quantity)} {item.measure} {item.name}"
    if value < 1:
        raise DistributionRefused(
            _("%(goods)s are worth less than Rp1 at the average value; give more at once.") % {"goods": description},
            field="quantity",
        )
    if value > application.left_to_pay:
        raise DistributionRefused(
            _("%(goods)s are worth %(value)s at the average value; only %(left)s of the approval is left to give.")
            % {"goods": description, "value": rupiah(value), "left": rupiah(application.left_to_pay)},
            field="quantity",
        )
    return value


def goods_give_check(application: Application, **fields) -> None:
    """Refuse, naming every bad field at once, goods given to ``application``: the goods, a quantity
    more than on hand or than is left of the approval, a day in the future. A field left out is not
    checked (a form has refused it already)."""
    refusals = Refusals()
    item = quantity = None
    if "item" in fields:
        with refusals.check():
            item = item_of(fields["item"], application.institution_id)
    if "quantity" in fields:
        with refusals.check():
            quantity = quantity_of(fields["quantity"])
    if item is not None and quantity is not None:
        with refusals.check():
            _goods_worth(application, item, quantity)
    if "paid_on" in fields:
        with refusals.check():
            services.disbursement_fields_check(application, paid_on=fields["paid_on"])
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def goods_disburse(
    *, actor, application: Application, item: StockItem, quantity, paid_on: date | None = None, reference: str = ""
) -> Disbursement:
    """Give goods from the stock of the application's unit to the person of an approved goods program:
    at the moving average value of what the unit holds in the program's fund, never more than it
    holds. The payment is an ordinary disbursement (Dr distribution / Cr inventory, aid history, the
    application disbursed once fully given) plus the stock move out, in one transaction."""
    require(actor, "distribution.pay", application.unit)
    program = application.program
    if program.aid_kind != AidKind.GOODS:
        raise DistributionRefused(
            _("This program gives %(kind)s, not goods; pay it from a cash or bank account.")
            % {"kind": program.get_aid_kind_display().lower()}
        )
    unit, fund_kind = application.unit, program.fund_kind
    item = lock_item(item_of(item, application.institution_id))
    application = services.locked_for_step(application, AppStatus.APPROVED)  # after the item: the fixed lock order
    # The quantity and the day at once, under the locks.
    goods_give_check(application, item=item, quantity=quantity, **({} if paid_on is None else {"paid_on": paid_on}))
    quantity = quantity_of(quantity)
    value = _goods_worth(application, item, quantity)
    description = f"{quantity_text(quantity)} {item.measure} {item.name}"
    disbursement = services.disbursement_post(
        actor=actor,
        application=application,
        amount=value,
        credit_account=ledger.inventory_account(application.institution_id),
        kind=AidKind.GOODS,
        paid_on=paid_on,
        reference=reference,
        description=description,
    )
    move = StockMove.objects.create(
        institution_id=application.institution_id,
        unit=unit,
        item=item,
        kind=StockMoveKind.OUT,
        fund_kind=fund_kind,
        quantity=-quantity,
        value=-value,
        moved_on=disbursement.paid_on,
        disbursement=disbursement,
        entry=disbursement.entry,
        note=application.tracking_code,
        created_by=actor,
    )
    audit_move(actor, move)
    return disbursement
