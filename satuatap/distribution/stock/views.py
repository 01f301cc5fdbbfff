"""Staff pages of the goods stock: what is on hand at the active unit and below it, in-kind donations
waiting to be received, buying goods, the moves list, the catalogue of items, and giving goods to
the person of an approved goods application.

Thin views over ``distribution.stock`` and ``.selectors_stock``: an application fetched by id goes
through ``selectors.application_for`` (404 outside the user's scope), a donation line through
``stock_selectors.donation_line_for``; refusals show next to the field they name.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exports import table_response
from satuatap.core.formatting import rupiah
from satuatap.core.text import squash
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int
from satuatap.distribution import selectors
from satuatap.distribution.models import AidKind, AppStatus, StockItem, StockMoveKind
from satuatap.distribution.stock import selectors as stock_selectors
from satuatap.distribution.stock import services as stock_services
from satuatap.distribution.stock.forms import GoodsPayForm, PurchaseForm, ReceiveForm, StockItemForm
from satuatap.ledger.models import FundKind
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can, require

PAGE = 50
VIEW = "distribution.view"


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _qty(value) -> str:
    """A quantity for an export cell: 2.5, 100 (no trailing zeros)."""
    return stock_selectors.quantity_text(value)


def _nav(request, unit, section: str) -> dict:
    return {
        "unit": unit,
        "section": section,
        "can_pay": can(request.user, "distribution.pay", unit),
        "can_configure": can(request.user, "distribution.configure", unit),
    }


# --- on hand ----------------------------------------------------------------------------------------------


@login_required
def stock_on_hand(request):
    """What the active unit and each unit below it holds, per item and fund, with its value."""
    unit = active_unit(request, VIEW)
    fund = request.GET.get("fund", "")
    fund = fund if fund in stock_selectors.STOCK_FUNDS else ""
    rows = stock_selectors.stock_on_hand(unit, fund_kind=fund or None)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Unit"),
            _("Goods"),
            _("Unit of measure"),
            _("Fund"),
            _("Quantity"),
            _("Value"),
            _("Average value"),
        ]
        data = (
            [r.unit.code, r.item.name, r.item.measure, r.fund_label, _qty(r.quantity), r.value, r.average] for r in rows
        )
        return table_response(fmt, f"stock-{unit.code}", _("Stock of goods"), header, data, request=request, unit=unit)
    waiting = (
        stock_selectors.waiting_lines(request.user, within=unit).count()
        if can(request.user, "distribution.pay", unit)
        else 0
    )
    return render(
        request,
        "distribution/stock_on_hand.html",
        {
            **_nav(request, unit, "on_hand"),
            "rows": rows,
            "total": sum(r.value for r in rows),
            "fund": fund,
            "funds": [(k, FundKind(k).label) for k in stock_selectors.STOCK_FUNDS],
            "waiting": waiting,
        },
    )


# --- in-kind donations into the stock ------------------------------------------------------------------


def _guess_item(line, items: list[StockItem]) -> StockItem | None:
    """The catalogue item the donation's description names, if one clearly does."""
    text = squash(line.goods_description.lower())
    exact = [i for i in items if i.name.lower() == text]
    if exact:
        return exact[0]
    named = [i for i in items if i.name.lower() in text or text in i.name.lower()]
    return named[0] if len(named) == 1 else None


@login_required
def stock_receive(request):
    """In-kind donations of the active unit and below, waiting for their goods to be put in the stock
    (each into its own unit's stock); one form per donation line."""
    unit = active_unit(request, "distribution.pay")
    items = list(stock_selectors.active_items(unit))
    items_qs = stock_selectors.active_items(unit)
    bound = None
    if request.method == "POST":
        line = stock_selectors.donation_line_for(request.user, request.POST.get("line"))
        bound = ReceiveForm(request.POST, items=items_qs, line=line)
        if bound.is_valid():
            try:
                move = stock_services.stock_receive_donation(
                    actor=request.user,
                    unit=line.donation.unit,
                    donation_line=line,
                    item=bound.cleaned_data["item"],
                    quantity=bound.cleaned_data["quantity"],
                    moved_on=bound.cleaned_data["moved_on"],
                )
            except ValidationError as exc:
                apply_service_error(bound, exc)
            else:
                messages.success(
                    request,
                    _("%(quantity)s %(measure)s of %(item)s worth %(value)s are in the stock of %(unit)s.")
                    % {
                        "quantity": stock_selectors.quantity_text(move.quantity),
                        "measure": move.item.measure,
                        "item": move.item.name,
                        "value": rupiah(move.value),
                        "unit": move.unit.name,
                    },
                )
                return redirect("distribution:stock_receive")
    lines = Paginator(stock_selectors.waiting_lines(request.user, within=unit), PAGE).get_page(request.GET.get("page"))
    for line in lines:
        if bound is not None and bound.data.get("line") == str(line.pk):
            line.form = bound
            bound = None
            continue
        guess = _guess_item(line, items)
        line.form = ReceiveForm(
            items=items_qs,
            initial={
                "line": line.pk,
                "item": guess.pk if guess else None,
                "quantity": line.goods_quantity,
                "moved_on": line.donation.donation_date,
            },
            auto_id=f"line{line.pk}_%s",
        )
    if bound is not None:  # the line is no longer waiting (received meanwhile): say why
        for error in [e for errors in bound.errors.values() for e in errors]:
            messages.error(request, error)
    return render(
        request,
        "distribution/stock_receive.html",
        {**_nav(request, unit, "receive"), "lines": lines, "has_items": bool(items)},
    )


# --- purchase -----------------------------------------------------------------------------------------


@login_required
def stock_purchase(request):
    """Buy goods for the stock of the active unit with a fund's money (posted to the ledger)."""
    unit = active_unit(request, "distribution.pay")
    items = stock_selectors.active_items(unit)
    accounts = selectors.money_accounts(unit)
    form = PurchaseForm(
        request.POST or None,
        items=items,
        accounts=accounts,
        unit=unit,
        initial={"moved_on": timezone.localdate(), "fund_kind": FundKind.INFAK},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = stock_services.stock_purchase(
                actor=request.user,
                unit=unit,
                item=data["item"],
                fund_kind=data["fund_kind"],
                quantity=data["quantity"],
                value=data["value"],
                money_account=data["money_account"],
                moved_on=data["moved_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(quantity)s %(measure)s of %(item)s bought for %(value)s and posted to the ledger.")
                % {
                    "quantity": stock_selectors.quantity_text(move.quantity),
                    "measure": move.item.measure,
                    "item": move.item.name,
                    "value": rupiah(move.value),
                },
            )
            return redirect("distribution:stock_moves")
    return render(
        request,
        "distribution/stock_purchase.html",
        {
            **_nav(request, unit, "purchase"),
            "form": form,
            "has_items": items.exists(),
            "has_accounts": accounts.exists(),
        },
    )


# --- moves ------------------------------------------------------------------------------------------------


def _reference(move) -> str:
    if move.donation_line_id:
        receipt = getattr(move.donation_line.donation, "receipt", None)
        return receipt.number if receipt else f"#{move.donation_line.donation_id}"
    if move.disbursement_id:
        return move.disbursement.application.tracking_code
    return ""


@login_required
def stock_moves(request):
    unit = active_unit(request, VIEW)
    start, end = _day(request.GET.get("start")), _day(request.GET.get("end"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in StockMoveKind.values else ""
    item = query_int(request.GET.get("item"))
    rows = stock_selectors.moves_for(request.user, within=unit)
    if start:
        rows = rows.filter(moved_on__gte=start)
    if end:
        rows = rows.filter(moved_on__lte=end)
    if kind:
        rows = rows.filter(kind=kind)
    if item:
        rows = rows.filter(item_id=item)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Date"),
            _("Unit"),
            _("Goods"),
            _("Unit of measure"),
            _("Kind"),
            _("Fund"),
            _("Quantity"),
            _("Value"),
            _("Receipt or application"),
            _("Journal entry"),
            _("Note"),
        ]
        data = (
            [
                m.moved_on.isoformat(),
                m.unit.code,
                m.item.name,
                m.item.measure,
                m.get_kind_display(),
                m.get_fund_kind_display(),
                _qty(m.quantity),
                m.value,
                _reference(m),
                m.entry_id or "",
                m.note,
            ]
            for m in rows.iterator(chunk_size=2000)
        )
        return table_response(
            fmt, f"stock-moves-{unit.code}", _("Stock movements"), header, data, request=request, unit=unit
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    ledger_units = {m.unit_id for m in page if can(request.user, "ledger.view", m.unit)}
    for move in page:
        move.reference = _reference(move)
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("start", start.isoformat() if start else ""),
            ("end", end.isoformat() if end else ""),
            ("kind", kind),
            ("item", item or ""),
        )
        if v
    )
    return render(
        request,
        "distribution/stock_moves.html",
        {
            **_nav(request, unit, "moves"),
            "page": page,
            "start": start,
            "end": end,
            "kind": kind,
            "item": item,
            "kinds": StockMoveKind.choices,
            "items": stock_selectors.items_for(request.user).filter(institution_id=unit.institution_id),
            "query": query,
            "ledger_units": ledger_units,
            "value_in": rows.filter(value__gt=0).aggregate(total=Sum("value"))["total"] or 0,
            "value_out": -(rows.filter(value__lt=0).aggregate(total=Sum("value"))["total"] or 0),
        },
    )


# --- the catalogue ------------------------------------------------------------------------------------------


@login_required
def stock_items(request):
    """The institution's catalogue of goods: add an item, or change one (at the institution)."""
    unit = active_unit(request, VIEW)
    items = stock_selectors.items_for(request.user).filter(institution_id=unit.institution_id)
    institution = Unit.objects.get(pk=unit.institution_id)
    may_add = stock_selectors.may_keep_catalogue(request.user, unit)
    may_change = stock_selectors.may_keep_catalogue(request.user, institution)
    editing = None
    edit_id = query_int(request.POST.get("item") if request.method == "POST" else request.GET.get("edit"))
    if edit_id:
        editing = items.filter(pk=edit_id).first()
        if editing is None and request.method == "POST":
            raise Http404
        if editing is not None and not may_change:
            raise PermissionDenied(
                _("An item is shared by every office; it is changed at %(institution)s.")
                % {"institution": institution.name}
            )
    initial = (
        {"item": editing.pk, "name": editing.name, "measure": editing.measure, "is_active": editing.is_active}
        if editing
        else {"is_active": True}
    )
    form = StockItemForm(request.POST or None, initial=initial, unit=unit, editing=editing)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied(_("Your role on %(unit)s does not allow this action.") % {"unit": unit.name})
        if form.is_valid():
            try:
                saved = stock_services.stock_item_save(
                    actor=request.user,
                    unit=unit,
                    item=editing,
                    name=form.cleaned_data["name"],
                    measure=form.cleaned_data["measure"],
                    is_active=form.cleaned_data["is_active"] if editing else True,
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("%(item)s is saved in the catalogue.") % {"item": saved.name})
                return redirect("distribution:stock_items")
    return render(
        request,
        "distribution/stock_items.html",
        {
            **_nav(request, unit, "items"),
            "items": items,
            "form": form if (may_add and not editing) or (editing and may_change) else None,
            "editing": editing,
            "may_change": may_change,
            "institution": institution,
        },
    )


# --- giving goods to a person ----------------------------------------------------------------------------


@login_required
def goods_pay(request, pk):
    """Give goods on hand at the application's unit (in the program's fund) to the person of an approved
    goods application; the value at the average is shown before anything is saved."""
    active_unit(request, VIEW)
    application = selectors.application_for(request.user, pk)
    require(request.user, "distribution.pay", application.unit)
    program = application.program
    is_goods = program.aid_kind == AidKind.GOODS
    is_open = is_goods and application.status == AppStatus.APPROVED
    rows = stock_selectors.goods_to_give(application.unit, program.fund_kind) if is_goods else []
    data = request.POST if request.method == "POST" else (request.GET if request.htmx else None)
    # A sent form checks the stock's rules with its own fields (every error in one round); the value
    # preview while typing shows the first problem of the goods and quantity alone.
    checked = application if is_open and request.method == "POST" else None
    form = GoodsPayForm(data, rows=rows, initial={"paid_on": timezone.localdate()}, application=checked)
    preview, preview_error = None, ""
    if data is not None and is_open:
        valid = form.is_valid()
        item, quantity = form.cleaned_data.get("item"), form.cleaned_data.get("quantity")
        if item is not None and quantity is not None:
            try:
                preview = stock_selectors.goods_value(application.unit, item, program.fund_kind, quantity)
            except ValidationError as exc:
                preview_error = exc.messages[0]
        if request.method == "POST" and form.errors.get("quantity"):
            preview_error = ""  # said beside the quantity already
        if request.method == "GET":
            return render(
                request,
                "distribution/stock_goods_value.html",
                {"preview": preview, "preview_error": preview_error, "a": application},
            )
        if valid and "give" in request.POST:
            try:
                disbursement = stock_services.goods_disburse(
                    actor=request.user,
                    application=application,
                    item=form.cleaned_data["item"],
                    quantity=form.cleaned_data["quantity"],
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
                preview_error = ""
            else:
                move = disbursement.stock_move
                messages.success(
                    request,
                    _("%(quantity)s %(measure)s of %(item)s worth %(value)s given to %(name)s.")
                    % {
                        "quantity": stock_selectors.quantity_text(-move.quantity),
                        "measure": move.item.measure,
                        "item": move.item.name,
                        "value": rupiah(disbursement.amount),
                        "name": application.beneficiary.full_name,
                    },
                )
                return redirect("distribution:application", pk=application.pk)
    elif request.method == "POST":
        form = GoodsPayForm(None, rows=rows, initial={"paid_on": timezone.localdate()})
        if not is_goods:
            messages.error(request, _("This program does not give goods."))
        else:
            messages.error(
                request,
                _("This application is %(status)s; goods are given only to an approved application.")
                % {"status": application.get_status_display().lower()},
            )
    return render(
        request,
        "distribution/goods_pay.html",
        {
            "a": application,
            "program": program,
            "person": application.beneficiary,
            "is_goods": is_goods,
            "is_open": is_open,
            "rows": rows,
            "form": form,
            "preview": preview,
            "preview_error": preview_error,
            "fund_label": program.get_fund_kind_display(),
        },
    )
