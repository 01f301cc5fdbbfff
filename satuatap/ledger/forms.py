import csv
import io
from functools import partial

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import MonthField, add_service_errors
from satuatap.ledger.models import MONEY_ROLES, AccountRole, Asnaf, FundKind, Pillar, ReceiptKind, Source
from satuatap.ledger.selectors import MonthRange
from satuatap.ledger.services import (
    AmilCostCategory,
    LineSpec,
    account_fields_check,
    amil_rate_check,
    everyday_fields_check,
    opening_balance_check,
    reversal_fields_check,
)
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import units_for


def _units(user, capability):
    return units_for(user, capability=capability)


class ReportForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    start = MonthField(label=_("From month"))
    end = MonthField(label=_("To month"))
    consolidated = forms.BooleanField(label=_("Include the units below (consolidated)"), required=False)
    compare = forms.BooleanField(label=_("Compare with the same months a year earlier"), required=False)

    def __init__(self, data, *, user, active_unit, account_choices=None):
        today = timezone.localdate()
        initial = {
            "unit": active_unit.pk if active_unit else None,
            "start": f"{today.year}-01",
            "end": f"{today.year}-{today.month:02d}",
            "consolidated": True,
        }
        bound = {**{k: v for k, v in initial.items() if v is not None}, **data.dict()} if data else None
        if bound is not None and "unit" in data and "consolidated" not in data:
            bound.pop("consolidated", None)  # an unticked box after the form was submitted
        super().__init__(bound, initial=initial)
        self.fields["unit"].queryset = _units(user, "ledger.view")
        if account_choices is not None:
            self.fields["account"] = forms.ChoiceField(label=_("Account"), choices=account_choices)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last month must not be before the first."))
        return data

    def period(self) -> MonthRange:
        (sy, sm), (ey, em) = self.cleaned_data["start"], self.cleaned_data["end"]
        return MonthRange(sy, sm, ey, em)


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Used for"), choices=AccountRole.choices)
    fund_kind = forms.ChoiceField(label=_("Fund"), choices=[("", "—"), *FundKind.choices], required=False)
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Office (cash and bank accounts)"), required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account_number = forms.CharField(label=_("Account number"), max_length=40, required=False)
    receipt_kind = forms.ChoiceField(label=_("Receipt kind"), choices=[("", "—"), *ReceiptKind.choices], required=False)
    asnaf = forms.ChoiceField(label=_("Asnaf"), choices=[("", "—"), *Asnaf.choices], required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), choices=[("", "—"), *Pillar.choices], required=False)

    def __init__(self, *args, user, editing=False, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, "ledger.configure")
        if editing:
            for name in ("role", "fund_kind", "unit", "receipt_kind", "asnaf", "pillar"):
                self.fields[name].disabled = True
            self.fields["is_active"] = forms.BooleanField(label=_("Active"), required=False)
        self.user, self.institution, self.editing = user, institution, editing

    def clean(self):
        """A new account's rules of the chart (a code taken, a fund or office missing for its use) are
        asked here, so they show in the same round as the form's own."""
        data = super().clean()
        if not self.editing and self.institution is not None:
            values = {k: v for k, v in data.items() if v not in (None, "")}
            add_service_errors(
                self, account_fields_check, {"actor": self.user, "institution": self.institution, **values}
            )
        return data


class EntryForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    entry_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    memo = forms.CharField(label=_("Memo"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, "ledger.post")


class EntryLineForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"), required=False)
    fund = forms.ChoiceField(label=_("Fund"), choices=[("", "—"), *FundKind.choices], required=False)
    restriction = forms.ChoiceField(label=_("Program/campaign"), required=False)
    debit = forms.IntegerField(label=_("Debit (Rp)"), min_value=0, required=False)
    credit = forms.IntegerField(label=_("Credit (Rp)"), min_value=0, required=False)
    memo = forms.CharField(label=_("Line memo"), max_length=200, required=False)

    def __init__(self, *args, account_choices=(), restriction_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—"), *account_choices]
        self.fields["restriction"].choices = [("", "—"), *restriction_choices]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) for k in ("account", "fund", "debit", "credit"))


EntryLineFormSet = forms.formset_factory(EntryLineForm, extra=0, min_num=2, max_num=200, validate_max=True)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    entry_date = forms.DateField(
        label=_("Date of the reversal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, entry=None, **kwargs):
        """``entry``: the one reversed, whose rules (the day not before it, an open month) the form checks
        with its own fields, in one round."""
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self):
        data = super().clean()
        if self.entry is not None:
            values = {name: data[name] for name in ("reason", "entry_date") if name in data}
            add_service_errors(self, partial(reversal_fields_check, self.entry), values)
        return data


class TransferForm(forms.Form):
    from_unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("From office"))
    to_unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("To office"))
    fund = forms.ChoiceField(label=_("Fund"), choices=FundKind.choices)
    restriction = forms.ChoiceField(label=_("Program/campaign (restricted fund)"), required=False)
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    entry_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    memo = forms.CharField(label=_("Memo"), max_length=500)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, restriction_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restriction"].choices = [("", "—"), *restriction_choices]
        self.fields["from_unit"].queryset = _units(user, "ledger.post")
        # Funds go up to an office above the sender or down to one below it: offer the
        # user's own subtrees and the offices above them, nothing sideways.
        tops = units_where(user, "ledger.post")
        steplen = Unit.steplen
        above = {top.path[: steplen * n] for top in tops for n in range(1, top.depth)}
        self.fields["to_unit"].queryset = (
            self.fields["from_unit"].queryset | Unit.objects.filter(path__in=above)
        ).order_by("path")


class AmilRateForm(forms.Form):
    fund_kind = forms.ChoiceField(label=_("Fund"), choices=FundKind.choices)
    percent = forms.DecimalField(label=_("Rate (%)"), min_value=0, max_value=100, decimal_places=2)

    def clean(self):
        """The fund's cap and a fund that pays no amil share show in the same round as the form's own errors."""
        data = super().clean()
        values = {"fund_kind": data["fund_kind"]} if "fund_kind" in data else {}
        if data.get("percent") is not None:
            values["basis_points"] = int(data["percent"] * 100)
        add_service_errors(self, amil_rate_check, values, renamed={"basis_points": "percent"})
        return data


class AmilRunForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    month = MonthField(label=_("Month"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, "ledger.post")


class PeriodCloseForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    month = forms.IntegerField(label=_("Month (empty for the whole year)"), min_value=1, max_value=12, required=False)


class OpeningImportForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    as_of = forms.DateField(label=_("Balances as of"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: account_code, fund, debit, credit (whole rupiah), restriction (for restricted infak: "
            "the code of its program)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, "ledger.post")
        self.rows = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.rows = opening_rows(upload)
        return upload

    def clean(self):
        """The day, the rows and an earlier import are checked by the service here, so a closed month
        and a bad row show in the same round as the form's own errors."""
        data = super().clean()
        if data.get("unit") is not None:
            values = {"as_of": data["as_of"]} if "as_of" in data else {}
            if self.rows is not None:
                values["rows"] = self.rows
            add_service_errors(
                self, opening_balance_check, {"unit": data["unit"], **values}, renamed={"rows": "file", "lines": "file"}
            )
        return data


def opening_rows(upload) -> list:
    """The lines of an opening-balances CSV; a file that cannot be read is refused, naming the row."""
    if upload.size > 5 * 1024 * 1024:
        raise forms.ValidationError(gettext("The file is larger than 5 MB."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(gettext("Save the file as CSV in UTF-8.")) from None
    reader = csv.DictReader(io.StringIO(text))
    needed = {"account_code", "fund", "debit", "credit"}
    if not reader.fieldnames or not needed <= {f.strip() for f in reader.fieldnames}:
        raise forms.ValidationError(gettext("The first row must name the columns account_code, fund, debit, credit."))
    rows = []
    for number, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            debit = int(row["debit"].replace(".", "") or 0)
            credit = int(row["credit"].replace(".", "") or 0)
        except ValueError:
            raise forms.ValidationError(
                gettext("Row %(row)s: debit and credit must be whole rupiah.") % {"row": number}
            ) from None
        rows.append(
            LineSpec(
                account=row["account_code"],
                fund=row["fund"],
                debit=debit,
                credit=credit,
                restriction=row.get("restriction", ""),
            )
        )
    if not rows:
        raise forms.ValidationError(gettext("The file has no rows."))
    return rows


SOURCE_CHOICES = [("", _("All sources")), *Source.choices]


class EverydayEntryForm(forms.Form):
    """An everyday entry without account codes (see ``ledger.services.everyday``)."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    entry_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    money_account = forms.ChoiceField(label=_("Cash or bank account"))
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False)

    def __init__(self, *args, user, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units(user, "ledger.post")
        self.fields["unit"].queryset = units
        unit_ids = set(units.values_list("pk", flat=True))
        self.accounts = {str(a.pk): a for a in accounts}
        self.fields["money_account"].choices = [
            (str(a.pk), f"{a.name} ({a.unit.code})" if a.unit_id else a.name)
            for a in accounts
            if a.role in MONEY_ROLES and a.unit_id in unit_ids
        ]

    def account(self, name: str):
        return self.accounts.get(self.cleaned_data.get(name) or "")

    def clean(self):
        """The service's own field rules (an open month, an account of the office) are asked here, so
        they show in the same round as the form's."""
        data = super().clean()
        if data.get("unit") is not None:
            values = {name: data[name] for name in ("entry_date", "amount", "category") if name in data}
            for name in ("money_account", "purpose_account", "expense_account"):
                if name in data:
                    values[name] = self.account(name)
            add_service_errors(self, everyday_fields_check, {"unit": data["unit"], **values})
        return data


def _account_field(label, help_text, accounts, role, fund_kind):
    field = forms.ChoiceField(label=label, help_text=help_text, required=False)
    field.choices = [
        ("", _("The usual one")),
        *((str(a.pk), a.name) for a in accounts if a.role == role and a.fund_kind == fund_kind),
    ]
    return field


class BankInterestForm(EverydayEntryForm):
    pass


class NonHalalUseForm(EverydayEntryForm):
    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, accounts=accounts, **kwargs)
        self.fields["purpose_account"] = _account_field(
            _("Used for"),
            _("Empty: the non-halal fund's account for public facilities (kemaslahatan umum)."),
            accounts,
            AccountRole.DISTRIBUTION,
            FundKind.NON_HALAL,
        )


class AmilCostForm(EverydayEntryForm):
    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, accounts=accounts, **kwargs)
        self.fields["category"] = forms.ChoiceField(label=_("Cost of"), choices=AmilCostCategory.choices)
        self.fields["expense_account"] = _account_field(
            _("Expense account"),
            _("Empty: the usual account for the category."),
            accounts,
            AccountRole.OPERATING_EXPENSE,
            FundKind.AMIL,
        )
        self.order_fields(["unit", "entry_date", "category", "amount", "money_account", "expense_account", "memo"])
