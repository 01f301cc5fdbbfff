"""Forms of the counter screen and the donation list filters."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satuatap.collection.models import DONATION_KINDS, DonationStatus, PaymentChannel
from satuatap.collection.services import DonationLineSpec
from satuatap.core.forms import add_service_errors
from satuatap.donors.services import donor_fields_check
from satuatap.ledger.models import ReceiptKind
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit

CAMPAIGN_PREFIX = "campaign-"
PURPOSE_PREFIX = "for-"  # followed by the restriction key of a program (``ledger.hooks.Purpose.key``)
MAX_LINES = 20


def parse_rupiah(value) -> int | None:
    """'Rp1.250.000', '1250000', '1,250,000' or '1.250.000,00' -> 1250000; None when empty.

    Raises ``ValidationError`` for anything that is not a whole number of rupiah.
    """
    text = re.sub(r"[\s\u00a0]", "", str(value or "")).removeprefix("Rp").removeprefix("rp").removeprefix("RP")
    if not text:
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):  # English thousands separators
        text = text.replace(",", "")
    text = re.sub(r",0{1,2}$", "", text)  # Indonesian decimals that are zero
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"\d{1,16}", text):
        raise ValidationError(_("Enter the amount in whole rupiah, e.g. 1.250.000."), code="invalid")
    return int(text)


class RupiahField(forms.CharField):
    """Whole rupiah typed with or without thousands separators."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": "30", "data-rupiah": ""})
        return attrs

    def to_python(self, value):
        return parse_rupiah(super().to_python(value))


def kind_choices(accepted: list[str], campaigns, purposes=()) -> list[tuple[str, str]]:
    """The kinds the unit accepts in the order of ``DONATION_KINDS``, with one "infak for a campaign"
    entry per running campaign and one "infak for a program" entry per restricted-infak program
    (``ledger.hooks.purposes_for``) right after infak, so a single select picks all three."""
    choices = [("", _("— choose —"))]
    for kind in DONATION_KINDS:
        if kind not in accepted:
            continue
        choices.append((kind, ReceiptKind(kind).label))
        if kind == ReceiptKind.INFAK:
            for campaign in campaigns:
                choices.append(
                    (f"{CAMPAIGN_PREFIX}{campaign.pk}", _("Infak for campaign: %(name)s") % {"name": campaign.name})
                )
            for purpose in purposes:
                choices.append(
                    (f"{PURPOSE_PREFIX}{purpose.key}", _("Infak for program: %(name)s") % {"name": purpose.name})
                )
    return choices


class LineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    persons = forms.IntegerField(label=_("Persons"), required=False, min_value=1, max_value=1000)
    amount = RupiahField(label=_("Amount"), required=False)
    goods_description = forms.CharField(label=_("Goods"), required=False, max_length=200)
    goods_quantity = forms.DecimalField(
        label=_("Quantity"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    goods_unit = forms.CharField(label=_("Unit of measure"), required=False, max_length=20)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["persons"].widget.attrs.update({"data-persons": "", "inputmode": "numeric"})
        self.fields["kind"].widget.attrs.update({"data-kind": ""})

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(f) for f in ("kind", "amount", "persons", "goods_description", "goods_quantity"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        kind = data.get("kind")
        if not kind:
            if "kind" not in self.errors:  # a kind not offered here is already said
                self.add_error("kind", _("Choose what is given (zakat maal, infak, fidyah, ...)."))
        elif kind == ReceiptKind.ZAKAT_FITRAH:
            if not data.get("persons") and "persons" not in self.errors:
                self.add_error("persons", _("Enter the number of persons."))
        elif data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount."))
        return data

    def spec(self, *, in_kind: bool) -> DonationLineSpec:
        """The line for ``donation_record``; goods fields count only when goods are given."""
        data = self.cleaned_data
        kind, campaign, program = data["kind"], None, ""
        if kind.startswith(CAMPAIGN_PREFIX):
            kind, campaign = ReceiptKind.INFAK, int(kind.removeprefix(CAMPAIGN_PREFIX))
        elif kind.startswith(PURPOSE_PREFIX):
            kind, program = ReceiptKind.INFAK, kind.removeprefix(PURPOSE_PREFIX)
        return DonationLineSpec(
            kind=kind,
            amount=data.get("amount"),
            campaign=campaign,
            program=program,
            persons=data.get("persons") if kind == ReceiptKind.ZAKAT_FITRAH else None,
            goods_description=(data.get("goods_description") or "") if in_kind else "",
            goods_quantity=data.get("goods_quantity") if in_kind else None,
            goods_unit=(data.get("goods_unit") or "") if in_kind else "",
        )


LineFormSet = forms.formset_factory(LineForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES, validate_max=True)


class CounterForm(forms.Form):
    donor = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": _("Find the donor or register a new one.")},
    )
    channel = forms.ChoiceField(label=_("Paid by"), choices=PaymentChannel.choices, initial=PaymentChannel.CASH)
    bank_account = forms.ChoiceField(label=_("Into bank account"), required=False)
    bank_reference = forms.CharField(label=_("Bank validation / reference"), required=False, max_length=100)
    donation_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=150)

    def __init__(self, *args, unit: Unit, bank_accounts=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("donation_date", timezone.localdate(timezone=unit.tzinfo))
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        kwargs["initial"].setdefault("channel", PaymentChannel.CASH)
        bank_accounts = list(bank_accounts)
        if len(bank_accounts) == 1:  # most offices have one: no need to choose it every time
            kwargs["initial"].setdefault("bank_account", str(bank_accounts[0].pk))
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].choices = [("", _("— choose —"))] + [
            (str(a.pk), f"{a.bank_name or a.name} {a.bank_account_number}".strip()) for a in bank_accounts
        ]
        self.fields["channel"].widget.attrs.update({"data-channel": ""})
        self.fields["donation_date"].widget.attrs.update({"data-date": ""})

    def clean_donor(self):
        donor = self.cleaned_data.get("donor")
        if donor is None:
            raise ValidationError(_("Find the donor or register a new one."), code="required")
        return donor

    def clean_bank_account(self):
        value = self.cleaned_data.get("bank_account")
        return int(value) if value else None


class DonorRegisterForm(forms.Form):
    """The short registration at the counter; the donor page has the full form. The donor's rules are
    ``donors.services``'s: ``clean`` has them check every field in the same round as the form."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    nik = forms.CharField(label=_("NIK"), required=False, max_length=30)
    npwp = forms.CharField(label=_("NPWP"), required=False, max_length=30)
    email = forms.CharField(label=_("Email"), required=False, max_length=254)
    consent_whatsapp = forms.BooleanField(label=_("Agrees to receive receipts and news by WhatsApp"), required=False)
    consent_email = forms.BooleanField(label=_("Agrees to receive receipts and news by email"), required=False)
    confirm_duplicate = forms.BooleanField(label=_("This is another person: register anyway"), required=False)

    CHECKBOXES = ("consent_whatsapp", "consent_email", "confirm_duplicate")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update({"inputmode": "email", "autocomplete": "off"})
        for name in ("nik", "npwp"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["npwp"].help_text = _("Optional; needed to use the receipt for a tax deduction.")

    def clean(self):
        data = super().clean()
        values = {k: v for k, v in data.items() if k not in self.errors and k != "confirm_duplicate"}
        add_service_errors(self, donor_fields_check, values)
        return data

    def text_fields(self):
        return [self[name] for name in self.fields if name not in self.CHECKBOXES]

    def service_fields(self) -> dict:
        """What ``donor_register`` takes: the fields filled in, and both consents as given."""
        data = self.cleaned_data
        fields = {k: v for k, v in data.items() if v and k not in self.CHECKBOXES}
        fields.update(consent_whatsapp=data["consent_whatsapp"], consent_email=data["consent_email"])
        return fields


STATUS_CHOICES = [("", _("All"))] + list(DonationStatus.choices)
CHANNEL_CHOICES = [("", _("All"))] + list(PaymentChannel.choices)
KIND_CHOICES = [("", _("All"))] + [(k, ReceiptKind(k).label) for k in DONATION_KINDS]


class DonationFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    q = forms.CharField(label=_("Receipt no. or donor"), required=False, max_length=100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
