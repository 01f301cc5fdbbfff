"""Forms of the zakat calculator, campaigns and collection settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.collection import calculator
from satuatap.collection.models import DONATION_KINDS, FitrahRateMode
from satuatap.collection.services import campaign_code_refusal
from satuatap.core.forms import DateInput, RupiahField
from satuatap.ledger.models import ReceiptKind
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit


def _radio():
    return forms.RadioSelect(attrs={"class": "form-check-input"})


# --- calculator -------------------------------------------------------------------------------


class ZakatMaalForm(forms.Form):
    cash = RupiahField(label=_("Cash, savings and deposits"), required=False)
    gold_silver = RupiahField(
        label=_("Gold and silver (value)"), required=False, help_text=_("Jewellery worn in daily use is not counted.")
    )
    trade_goods = RupiahField(label=_("Trade goods (value)"), required=False)
    receivables = RupiahField(label=_("Receivables likely to be repaid"), required=False)
    debts = RupiahField(label=_("Short-term debts due now"), required=False)
    held_haul = forms.BooleanField(label=_("I have held this wealth for one lunar year (haul)"), required=False)

    def compute(self, gold_price_per_gram: int) -> calculator.ZakatResult:
        data = {
            k: self.cleaned_data.get(k) or 0 for k in ("cash", "gold_silver", "trade_goods", "receivables", "debts")
        }
        return calculator.zakat_maal(
            **data, held_haul=self.cleaned_data.get("held_haul", False), gold_price_per_gram=gold_price_per_gram
        )


class ZakatIncomeForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Calculate"),
        choices=[(calculator.MONTH, _("per month")), (calculator.YEAR, _("per year"))],
        initial=calculator.MONTH,
        widget=_radio(),
    )
    income = RupiahField(label=_("Income (salary, wages, fees)"))
    other_income = RupiahField(label=_("Other income (bonus, THR, honoraria)"), required=False)
    basis = forms.ChoiceField(
        label=_("Reckon the zakat on"),
        choices=[
            (calculator.GROSS, _("gross income (as BAZNAS does)")),
            (calculator.NET, _("income after basic needs and debt instalments")),
        ],
        initial=calculator.GROSS,
        widget=_radio(),
    )
    deductions = RupiahField(
        label=_("Basic needs and debt instalments"),
        required=False,
        help_text=_("Only used when you reckon on income after basic needs."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deductions"].show_if = f"basis={calculator.NET}"

    def clean(self):
        data = super().clean()
        if data.get("basis") == calculator.GROSS:
            # Deductions are ignored on the gross basis, so a slip in that (hidden) box must not block.
            self.errors.pop("deductions", None)
            data["deductions"] = None
        return data

    def compute(self, gold_price_per_gram: int) -> calculator.ZakatResult:
        data = self.cleaned_data
        return calculator.zakat_income(
            period=data["period"],
            income=data["income"],
            other_income=data.get("other_income") or 0,
            deductions=data.get("deductions") or 0,
            basis=data["basis"],
            gold_price_per_gram=gold_price_per_gram,
        )


class ZakatFitrahForm(forms.Form):
    persons = forms.IntegerField(
        label=_("Number of persons"),
        min_value=1,
        max_value=calculator.MAX_PERSONS,
        initial=1,
        help_text=_("Yourself and everyone you provide for."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    office = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Office"), required=False, to_field_name="code"
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = offices
            self.fields["office"].empty_label = None
            self.fields["office"].help_text = _("The rate may differ from office to office.")


# --- campaigns -------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Office running the campaign"))
    code = forms.CharField(
        label=_("Code"),
        max_length=47,
        help_text=_("Lower-case letters, digits and dashes; used in the public link, e.g. wakaf-sumur-2026."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    target = RupiahField(label=_("Target"), min_value=1)
    start_date = forms.DateField(label=_("Start"), widget=DateInput)
    end_date = forms.DateField(label=_("End"), widget=DateInput)
    is_public = forms.BooleanField(label=_("Show on the public page"), required=False, initial=True)
    program = forms.ChoiceField(
        label=_("Raises for program"),
        required=False,
        help_text=_("Its donations are then restricted infak of that program, which can spend them."),
    )

    def __init__(self, *args, institution_id: int, units=None, purposes=(), campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution_id, self.campaign = institution_id, campaign
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
        self.fields["program"].choices = [("", _("— none: for the campaign itself —"))] + [
            (p.key, f"{p.name} ({p.code})") for p in purposes
        ]

    def clean_code(self):
        code = self.cleaned_data["code"].strip().lower()
        # Malformed, taken or frozen by donations: said now, with the other fields' mistakes, not after them.
        refusal = campaign_code_refusal(institution_id=self.institution_id, campaign=self.campaign, code=code)
        if refusal is not None:
            raise forms.ValidationError(refusal.messages)
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The campaign cannot end before it starts."))
        return data

    def campaign_fields(self) -> dict:
        data = self.cleaned_data
        fields = ("code", "name", "description", "target", "start_date", "end_date", "is_public", "program")
        return {k: data[k] for k in fields}


# --- settings --------------------------------------------------------------------------------


class FitrahRateForm(forms.Form):
    hijri_year = forms.IntegerField(label=_("Hijri year"), min_value=1400, max_value=1600)
    mode = forms.ChoiceField(label=_("Set as"), choices=FitrahRateMode.choices, widget=_radio())
    amount = RupiahField(label=_("Rupiah per person"), required=False, min_value=1)
    rice_kg = forms.DecimalField(
        label=_("Rice per person (kg)"),
        required=False,
        max_digits=4,
        decimal_places=2,
        min_value=0.5,
        max_value=10,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    rice_price_per_kg = RupiahField(label=_("Rice price per kg"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].show_if = f"mode={FitrahRateMode.MONEY}"
        self.fields["rice_kg"].show_if = f"mode={FitrahRateMode.RICE}"
        self.fields["rice_price_per_kg"].show_if = f"mode={FitrahRateMode.RICE}"

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == FitrahRateMode.MONEY and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the rupiah per person."))
        if (
            mode == FitrahRateMode.RICE
            and data.get("rice_price_per_kg") is None
            and "rice_price_per_kg" not in self.errors
        ):
            self.add_error("rice_price_per_kg", _("Enter the price of one kg of rice."))
        return data


def accepted_kind_choices():
    return [(kind, ReceiptKind(kind).label) for kind in DONATION_KINDS]


class AcceptedKindsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Accepted donation kinds"),
        choices=accepted_kind_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class InstitutionSettingsForm(forms.Form):
    gold_price_per_gram = RupiahField(
        label=_("Gold price per gram"), min_value=1, help_text=_("Nisab is 85 grams of gold.")
    )
    gold_price_date = forms.DateField(label=_("Gold price as of"), required=False, widget=DateInput)
    receipt_note = forms.CharField(
        label=_("Receipt footer"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed at the bottom of every receipt, e.g. the prayer for the giver."),
    )
