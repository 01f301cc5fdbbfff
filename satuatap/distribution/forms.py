"""Distribution forms. They only read the input; every rule (who, when, how much, the fair-share
rules) is ``distribution.services``'s, whose refusals the views put next to the field they name.
The field names are the services' argument names, so a refusal lands next to its field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.beneficiaries.models import DocumentKind
from satuatap.core.asnaf import Asnaf
from satuatap.core.forms import DateInput, RupiahField, add_service_errors
from satuatap.distribution.models import PROGRAM_FUNDS, AidKind, Channel
from satuatap.distribution.selectors import APPROVING_ROLES
from satuatap.distribution.services import PROGRAM_ASNAF, disbursement_fields_check, follow_up_fields_check
from satuatap.organizations.models import Role


def _note(label, *, required=False, rows=2, message=None):
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=errors,
    )  # fmt: skip


# --- taking an application ----------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    beneficiary = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("Choose the person from the registry first.")}
    )
    program = forms.ModelChoiceField(
        label=capfirst(_("program")),
        queryset=None,
        empty_label=_("— choose a program —"),
        error_messages={
            "required": _("Choose the program."),
            "invalid_choice": _("Choose a program from the list."),
        },
    )
    need = forms.CharField(
        label=capfirst(_("need")),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person asks for and why, in their words."),
        error_messages={"required": _("Describe the need.")},
    )
    requested_amount = RupiahField(
        label=capfirst(_("amount requested")),
        min_value=1,
        error_messages={"required": _("Enter the amount asked for.")},
    )
    channel = forms.ChoiceField(
        label=capfirst(_("channel")),
        choices=[(c.value, c.label) for c in (Channel.COUNTER, Channel.REFERRAL)],
        initial=Channel.COUNTER,
    )
    referrer_name = forms.CharField(
        label=capfirst(_("referred by")),
        max_length=200,
        required=False,
        help_text=_("For a referral: who sent the person."),
    )
    referrer_organisation = forms.CharField(
        label=capfirst(_("referring organisation")),
        max_length=200,
        required=False,
        help_text=_("A partner, a mosque, a village office, a hospital."),
    )
    referrer_phone = forms.CharField(label=capfirst(_("referrer's phone")), max_length=20, required=False)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["program"].label_from_instance = lambda p: f"{p.name} ({p.get_fund_kind_display()})"


# --- the workflow's steps -----------------------------------------------------------------------------


class ScreenForm(forms.Form):
    note = _note(capfirst(_("note")))


class AssessForm(forms.Form):
    note = _note(capfirst(_("note")))


class RecommendForm(forms.Form):
    amount = RupiahField(
        label=capfirst(_("amount recommended")), min_value=1, error_messages={"required": _("Enter the amount.")}
    )
    note = _note(capfirst(_("reason")))


class ApproveForm(forms.Form):
    amount = RupiahField(
        label=capfirst(_("amount approved")), min_value=1, error_messages={"required": _("Enter the amount.")}
    )
    note = _note(capfirst(_("note")))
    override_reason = _note(
        capfirst(_("reason for overriding the fair-share rule")),
        rows=2,
    )


class RejectForm(forms.Form):
    note = _note(capfirst(_("reason for rejecting")), required=True, message=_("Give the reason for rejecting."))


class MakeEligibleForm(forms.Form):
    """Apply the assessment's asnaf and verify the person; the registry checks the reason (with its other rules)."""

    reason = _note(capfirst(_("reason for the asnaf")), rows=2)


class PaymentForm(forms.Form):
    """Where a payment comes from, when, and (to a third party) to whom; one application or a batch."""

    money_account = forms.ModelChoiceField(
        label=capfirst(_("paid from")),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the cash or bank account the money comes from."),
            "invalid_choice": _("Choose the cash or bank account the money comes from."),
        },
    )
    paid_on = forms.DateField(
        label=capfirst(_("paid on")),
        widget=DateInput,
        error_messages={"required": _("Enter the day of payment."), "invalid": _("Enter a valid date.")},
    )
    reference = forms.CharField(
        label=capfirst(_("reference (transfer number, receipt)")), required=False, max_length=100
    )
    payee_name = forms.CharField(
        label=capfirst(_("paid to")),
        required=False,
        max_length=200,
        help_text=_("Only when paying a school, hospital or shop on the person's behalf."),
    )
    payee_account = forms.CharField(
        label=capfirst(_("payee's bank and account number")), required=False, max_length=200
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["money_account"].queryset = accounts


class PayForm(PaymentForm):
    amount = RupiahField(label=capfirst(_("amount")), min_value=1, error_messages={"required": _("Enter the amount.")})
    field_order = ["amount", "money_account", "paid_on", "reference", "payee_name", "payee_account"]

    def __init__(self, *args, application=None, **kwargs):
        """``application``: the one paid, whose rules (what is left to pay, the payee) the form
        checks with its own fields, so every error shows in one round."""
        super().__init__(*args, **kwargs)
        self.application = application

    def clean(self):
        data = super().clean()
        if self.application is not None:
            fields = {name: data[name] for name in ("amount", "paid_on", "payee_name") if name in data}
            try:
                disbursement_fields_check(self.application, **fields)
            except ValidationError as exc:
                for name, errors in exc.error_dict.items():
                    self.add_error(name, errors)
        return data


class EvidenceCompleteForm(forms.Form):
    note = _note(capfirst(_("note")))


class FollowUpForm(forms.Form):
    on = forms.DateField(
        label=capfirst(_("followed up on")),
        widget=DateInput,
        error_messages={"required": _("Enter the day of the follow-up."), "invalid": _("Enter a valid date.")},
    )
    note = forms.CharField(
        label=capfirst(_("what the follow-up found")),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the follow-up found.")},
    )

    def clean(self):
        """A day in the future is refused in the same round as a missing note."""
        data = super().clean()
        add_service_errors(self, follow_up_fields_check, {k: data[k] for k in ("note", "on") if k in data})
        return data


# --- programs and authority limits ------------------------------------------------------------------


PROGRAM_FIELDS = (
    "code", "name", "pillar", "fund_kind", "asnaf", "aid_kind", "budget", "target_people", "start_date", "end_date",
    "min_score", "once_per_months", "household_yearly_cap", "step_days", "regions", "required_documents",
    "is_public", "installments", "is_active",
)  # fmt: skip


class ProgramForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=capfirst(_("unit")),
        queryset=None,
        empty_label=None,
        help_text=_("The office that runs the program and whose funds it spends."),
        error_messages={"invalid_choice": _("Choose a unit from the list.")},
    )
    code = forms.CharField(
        label=capfirst(_("code")),
        max_length=40,
        help_text=_("Short, lower-case letters, digits and dashes, e.g. sembako-2026."),
        error_messages={"required": _("Give the program a short code.")},
    )
    name = forms.CharField(
        label=capfirst(_("name")), max_length=200, error_messages={"required": _("Name the program.")}
    )
    pillar = forms.ChoiceField(label=capfirst(_("pillar")), choices=())
    fund_kind = forms.ChoiceField(
        label=capfirst(_("fund")),
        choices=[(k.value, k.label) for k in PROGRAM_FUNDS],
        initial=PROGRAM_FUNDS[0].value,
        help_text=_("Zakat goes only to the asnaf chosen below."),
    )
    asnaf = forms.MultipleChoiceField(
        label=capfirst(_("asnaf allowed")),
        required=False,
        choices=[(a, Asnaf(a).label) for a in PROGRAM_ASNAF],
        widget=forms.CheckboxSelectMultiple,
    )
    aid_kind = forms.ChoiceField(label=capfirst(_("kind of aid")), choices=AidKind.choices, initial=AidKind.CASH)
    budget = RupiahField(label=capfirst(_("budget")), min_value=0, error_messages={"required": _("Enter the budget.")})
    target_people = forms.IntegerField(
        label=capfirst(_("target number of beneficiaries")), required=False, min_value=0, max_value=10_000_000
    )
    start_date = forms.DateField(
        label=capfirst(_("start")), widget=DateInput, error_messages={"required": _("Enter the first day.")}
    )
    end_date = forms.DateField(
        label=capfirst(_("end")), widget=DateInput, error_messages={"required": _("Enter the last day.")}
    )
    min_score = forms.IntegerField(
        label=capfirst(_("minimum need score")),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("0–100, from the assessment. Empty: no minimum."),
    )
    once_per_months = forms.IntegerField(
        label=capfirst(_("at most once per person in this many months")),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Empty: no such rule."),
    )
    household_yearly_cap = RupiahField(
        label=capfirst(_("at most this much per household per year")),
        required=False,
        min_value=1,
        help_text=_("Counts help from every program and office. Empty: no cap."),
    )
    step_days = forms.IntegerField(
        label=capfirst(_("days allowed per step")), min_value=1, max_value=90, initial=7,
        error_messages={"required": _("Enter the days allowed per step.")},
    )  # fmt: skip
    regions = forms.CharField(
        label=capfirst(_("regions served")),
        required=False,
        max_length=2000,
        help_text=_("Provinces, regencies/cities or districts, separated by commas. Empty: anywhere."),
    )
    required_documents = forms.MultipleChoiceField(
        label=capfirst(_("required documents")),
        required=False,
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The person must have these in the registry before the decision."),
    )
    installments = forms.IntegerField(
        label=capfirst(_("monthly installments (loans)")),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Only for interest-free loans."),
    )
    is_public = forms.BooleanField(label=capfirst(_("open to online applications")), required=False)
    is_active = forms.BooleanField(label=capfirst(_("open for applications")), required=False, initial=True)

    def __init__(self, *args, units=None, pillars=(), **kwargs):
        """``units``: where a new program may be placed; None when editing (a program keeps its unit).
        ``pillars``: the institution's pillars, ``[(code, name), ...]``."""
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = list(pillars)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    @property
    def is_zakat(self) -> bool:
        """Whether the asnaf choice applies: the fund typed in (or the one the form starts with)."""
        value = self["fund_kind"].value()
        return value == "zakat"

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in PROGRAM_FIELDS}
        data["asnaf"] = list(data["asnaf"] or [])
        data["target_people"] = data["target_people"] or 0
        data["regions"] = [r.strip() for r in (data["regions"] or "").split(",") if r.strip()]
        data["required_documents"] = list(data["required_documents"] or [])
        return data


def program_initial(program) -> dict:
    initial = {name: getattr(program, name) for name in PROGRAM_FIELDS}
    initial["regions"] = ", ".join(program.regions)
    return initial


class LimitForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=capfirst(_("unit")),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a unit from the list.")},
    )
    role = forms.ChoiceField(
        label=capfirst(_("role")),
        choices=[(r, Role(r).label) for r in APPROVING_ROLES],
        error_messages={"invalid_choice": _("Choose a role that approves.")},
    )
    max_amount = RupiahField(
        label=capfirst(_("approves up to")),
        required=False,
        min_value=1,
        help_text=_("Empty: remove this unit's own limit (the one above it applies)."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PillarForm(forms.Form):
    code = forms.SlugField(
        label=capfirst(_("code")),
        max_length=16,
        help_text=_("An existing pillar's code renames it; a new code adds a pillar."),
        error_messages={"required": _("Give the pillar a short code."), "invalid": _("Use letters, digits, - and _.")},
    )
    name = forms.CharField(
        label=capfirst(_("name")), max_length=100, error_messages={"required": _("Name the pillar.")}
    )
    is_active = forms.BooleanField(label=capfirst(_("active")), required=False, initial=True)
