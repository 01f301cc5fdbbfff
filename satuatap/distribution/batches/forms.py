"""Forms of the batch pages. They only read the input; the rules (who, which program, which person,
how much) are ``distribution.batches``'s, whose refusals the views put next to the field they name."""

from functools import partial

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import RupiahField, add_service_errors
from satuatap.distribution.batches.services import batch_pay_check
from satuatap.distribution.forms import PaymentForm


def _note(label, *, required=False, message=None, help_text=""):
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=errors, help_text=help_text,
    )  # fmt: skip


class BatchForm(forms.Form):
    """What the whole batch is: its name, program, the need every recipient's application carries, and
    the amount for everyone whose own amount is left empty."""

    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=200,
        help_text=_("E.g. “Beasiswa semester genap 2026” or “Paket Ramadan RW 03”."),
        error_messages={"required": _("Name the batch.")},
    )
    program = forms.ModelChoiceField(
        label=capfirst(_("program")),
        queryset=None,
        empty_label=_("— choose a program —"),
        help_text=_("Goods and interest-free loans are given one by one, not in batches."),
        error_messages={
            "required": _("Choose the program."),
            "invalid_choice": _("Choose a program from the list."),
        },
    )
    default_amount = RupiahField(
        label=_("Amount per person"),
        required=False,
        min_value=1,
        help_text=_("For everyone whose own amount is left empty."),
    )
    need = forms.CharField(
        label=capfirst(_("need")),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the batch helps with; every recipient's application carries it."),
        error_messages={"required": _("Describe the need.")},
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["program"].label_from_instance = lambda p: (
            f"{p.name} ({p.get_fund_kind_display()}, {p.get_aid_kind_display()})"
        )


class BatchImportForm(BatchForm):
    file = forms.FileField(
        label=_("List of recipients"),
        help_text=_("Excel (.xlsx) or CSV: a column NIK or Beneficiary number, and Amount; at most 4,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
        error_messages={"required": _("Choose the file to check.")},
    )


class BatchApproveForm(forms.Form):
    note = _note(capfirst(_("note")))
    override_reason = _note(
        capfirst(_("reason for overriding the fair-share rule")),
        help_text=_("Needed only when a fair-share rule warns for a recipient; it covers the whole batch."),
    )


class BatchRejectForm(forms.Form):
    note = _note(capfirst(_("reason for rejecting")), required=True, message=_("Give the reason for rejecting."))


class BatchPayForm(PaymentForm):
    def __init__(self, *args, accounts, third_party: bool, batch=None, **kwargs):
        """``batch``: the one paid, whose rules (the day, the payee) the form checks with its own fields,
        so every error shows in one round."""
        super().__init__(*args, accounts=accounts, **kwargs)
        self.fields["payee_name"].help_text = _("The school, hospital or shop paid on the recipients' behalf.")
        if not third_party:
            del self.fields["payee_name"], self.fields["payee_account"]
        self.batch = batch

    def clean(self):
        data = super().clean()
        if self.batch is not None:
            names = ("paid_on", "money_account", "payee_name", "payee_account")
            values = {name: data[name] for name in names if name in data}
            add_service_errors(self, partial(batch_pay_check, self.batch), values)
        return data
