"""The repayment form of a loan. It only reads the input; the rules (not more than outstanding, not in
the future, an account of the loan's unit) are ``loans.services.loan_repay``'s; the form asks its
``loan_repay_check`` beside its own fields, so every bad field shows in one round."""

from functools import partial

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput, RupiahField, add_service_errors
from satuatap.distribution.loans.services import loan_repay_check


class RepayForm(forms.Form):
    amount = RupiahField(
        label=capfirst(_("amount")), min_value=1, error_messages={"required": _("Enter the amount repaid.")}
    )
    money_account = forms.ModelChoiceField(
        label=capfirst(_("received into")),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the cash or bank account the money came into."),
            "invalid_choice": _("Choose the cash or bank account the money came into."),
        },
    )
    paid_on = forms.DateField(
        label=capfirst(_("paid on")),
        widget=DateInput,
        error_messages={"required": _("Enter the day of the repayment."), "invalid": _("Enter a valid date.")},
    )
    reference = forms.CharField(
        label=capfirst(_("reference (transfer number, receipt)")), required=False, max_length=100
    )

    def __init__(self, *args, accounts, loan=None, **kwargs):
        """``loan``: the one repaid, whose rules (what is outstanding, the days) the form checks with its
        own fields, so every error shows in one round."""
        super().__init__(*args, **kwargs)
        self.fields["money_account"].queryset = accounts
        self.loan = loan

    def clean(self):
        data = super().clean()
        if self.loan is not None:
            values = {name: data[name] for name in ("amount", "paid_on", "money_account") if name in data}
            add_service_errors(self, partial(loan_repay_check, self.loan), values)
        return data
