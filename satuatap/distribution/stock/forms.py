"""Forms of the goods stock. They only read the input; the rules (who, how much is on hand, which
fund) are ``distribution.stock``'s, whose refusals the views put next to the field they name."""

from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput, RupiahField, add_service_errors
from satuatap.distribution.stock.selectors import STOCK_FUNDS
from satuatap.distribution.stock.services import (
    goods_give_check,
    quantity_of,
    stock_item_check,
    stock_purchase_check,
    stock_receive_check,
)
from satuatap.ledger.models import FundKind


class QuantityField(forms.CharField):
    """How many, in the item's unit of measure: 50, 2,5 or 2.5 (at most two decimals)."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"})
        return attrs

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > 20:
            raise forms.ValidationError(_("This quantity is too large."), code="invalid")
        try:
            return quantity_of(text)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code="invalid") from None

    def prepare_value(self, value):
        from decimal import Decimal

        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value


def _item_field(**kwargs):
    return forms.ModelChoiceField(
        label=capfirst(_("goods")),
        queryset=None,
        empty_label=_("— choose the goods —"),
        error_messages={
            "required": _("Choose the goods from the catalogue."),
            "invalid_choice": _("Choose the goods from the catalogue."),
        },
        **kwargs,
    )


def _date(label, message):
    return forms.DateField(
        label=label, widget=DateInput, error_messages={"required": message, "invalid": _("Enter a valid date.")}
    )


class StockItemForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=200,
        help_text=_("What the goods are, as staff will look for them: Beras 5 kg, Paket sembako."),
        error_messages={"required": _("Name the goods (for example Beras 5 kg).")},
    )
    measure = forms.CharField(
        label=capfirst(_("unit of measure")),
        max_length=20,
        help_text=_("What is counted: kg, sack, box, package."),
        error_messages={"required": _("Give the unit of measure (kg, sack, box, package).")},
    )
    is_active = forms.BooleanField(label=capfirst(_("active")), required=False, initial=True)

    def __init__(self, *args, unit=None, editing=None, **kwargs):
        """``unit`` (and ``editing``, the item changed): the catalogue's rules (a name taken, a measure
        that can no longer change) are checked with the form's own fields, in one round."""
        super().__init__(*args, **kwargs)
        self.unit, self.editing = unit, editing

    def clean(self):
        data = super().clean()
        if self.unit is not None:
            values = {name: data[name] for name in ("name", "measure") if name in data}
            add_service_errors(self, partial(stock_item_check, unit=self.unit, item=self.editing), values)
        return data


class ReceiveForm(forms.Form):
    """Receive one in-kind donation line into the stock of its unit."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    item = _item_field()
    quantity = QuantityField(
        label=capfirst(_("quantity")),
        help_text=_("In the goods' unit of measure."),
        error_messages={"required": _("Enter how many (more than zero).")},
    )
    moved_on = _date(capfirst(_("received on")), _("Enter the day the goods came in."))

    def __init__(self, *args, items, line=None, **kwargs):
        """``line``: the donation line received, whose rules (not before it was given) the form checks
        with its own fields, in one round."""
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.name} ({item.measure})"
        self.line = line

    def clean(self):
        data = super().clean()
        if self.line is not None:
            values = {name: data[name] for name in ("item", "quantity", "moved_on") if name in data}
            add_service_errors(self, partial(stock_receive_check, self.line), values)
        return data


class PurchaseForm(forms.Form):
    item = _item_field()
    fund_kind = forms.ChoiceField(
        label=capfirst(_("fund")),
        choices=[(k, FundKind(k).label) for k in STOCK_FUNDS],
        help_text=_("The fund whose money pays; the goods belong to it."),
        error_messages={"required": _("Choose the fund that pays.")},
    )
    quantity = QuantityField(
        label=capfirst(_("quantity")),
        help_text=_("In the goods' unit of measure."),
        error_messages={"required": _("Enter how many (more than zero).")},
    )
    value = RupiahField(
        label=capfirst(_("price paid")),
        min_value=1,
        help_text=_("The whole price of these goods."),
        error_messages={"required": _("Enter the price paid.")},
    )
    money_account = forms.ModelChoiceField(
        label=capfirst(_("paid from")),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the cash or bank account the money comes from."),
            "invalid_choice": _("Choose the cash or bank account the money comes from."),
        },
    )
    moved_on = _date(capfirst(_("bought on")), _("Enter the day of purchase."))
    note = forms.CharField(
        label=capfirst(_("note")),
        required=False,
        max_length=300,
        help_text=_("The shop and its receipt number, for example."),
    )

    def __init__(self, *args, items, accounts, unit=None, **kwargs):
        """``unit``: the stock bought for, whose rules (what the fund holds, the day) the form checks with
        its own fields, in one round."""
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.name} ({item.measure})"
        self.fields["money_account"].queryset = accounts
        self.fields["money_account"].label_from_instance = lambda a: f"{a.code} · {a.name}"
        self.unit = unit

    def clean(self):
        data = super().clean()
        if self.unit is not None:
            add_service_errors(self, partial(stock_purchase_check, unit=self.unit), dict(data))
        return data


class GoodsPayForm(forms.Form):
    """Give goods on hand at the application's unit to the person."""

    item = _item_field()
    quantity = QuantityField(
        label=capfirst(_("quantity")),
        help_text=_("In the goods' unit of measure."),
        error_messages={"required": _("Enter how many (more than zero).")},
    )
    paid_on = _date(capfirst(_("given on")), _("Enter the day the goods were given."))
    reference = forms.CharField(label=capfirst(_("reference (handover note, receipt)")), required=False, max_length=100)

    def __init__(self, *args, rows, application=None, **kwargs):
        """``application``: the one given to, whose rules (what is on hand and left of the approval, the
        day) the form checks with its own fields, in one round."""
        super().__init__(*args, **kwargs)
        self.application = application
        from satuatap.distribution.models import StockItem

        self.fields["item"].queryset = StockItem.objects.filter(pk__in=[row.item.pk for row in rows])
        held = {row.item.pk: row for row in rows}

        def label(item):
            row = held.get(item.pk)
            amount = format(row.quantity.normalize(), "f").replace(".", ",") if row else "0"
            return f"{item.name} — {amount} {item.measure}"

        self.fields["item"].label_from_instance = label

    def clean(self):
        data = super().clean()
        if self.application is not None:
            values = {name: data[name] for name in ("item", "quantity", "paid_on") if name in data}
            add_service_errors(self, partial(goods_give_check, self.application), values)
        return data
