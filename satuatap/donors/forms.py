"""Donor forms. They only read the input; every rule (NIK, NPWP, phone, email, dates, tags) is
``donors.services``'s. A form asks the service to check its well-formed fields in ``clean``, so a
bad date and a bad NIK are both shown in one round."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import add_service_errors
from satuatap.donors import services
from satuatap.donors.models import Channel, DonorKind
from satuatap.regions.forms import RegionField

# The fields a donor form sends to ``donor_register`` / ``donor_update``.
DONOR_FIELDS = (
    "kind",
    "full_name",
    "nik",
    "npwp",
    "phone",
    "email",
    "birth_date",
    "street",
    "region",
    "village",
    "district",
    "regency",
    "province",
    "postal_code",
    "preferred_channel",
    "consent_whatsapp",
    "consent_email",
    "tags",
    "note",
)
IDENTIFIERS = ("nik", "npwp")


class DonorForm(forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=DonorKind.choices, initial=DonorKind.PERSON)
    full_name = forms.CharField(
        label=capfirst(_("full name")),
        max_length=300,
        error_messages={"required": _("Enter the donor's full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    nik = forms.CharField(
        label=capfirst(_("NIK")),
        required=False,
        max_length=40,
        help_text=_("16 digits, from the KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    npwp = forms.CharField(
        label=capfirst(_("NPWP")),
        required=False,
        max_length=40,
        help_text=_("15 digits (old card) or 16 digits (the NIK); needed on receipts used for tax."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=capfirst(_("phone")),
        required=False,
        max_length=40,
        help_text=_("Mobile number, e.g. 0812-3456-7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=capfirst(_("email")),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=capfirst(_("birth date")), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    street = forms.CharField(label=capfirst(_("street address")), required=False, max_length=400)
    region = RegionField()
    village = forms.CharField(label=capfirst(_("village (kelurahan/desa)")), required=False, max_length=200)
    district = forms.CharField(label=capfirst(_("district (kecamatan)")), required=False, max_length=200)
    regency = forms.CharField(label=capfirst(_("regency/city")), required=False, max_length=200)
    province = forms.CharField(label=capfirst(_("province")), required=False, max_length=200)
    postal_code = forms.CharField(label=capfirst(_("postal code")), required=False, max_length=10)
    preferred_channel = forms.ChoiceField(
        label=capfirst(_("preferred channel")), choices=Channel.choices, initial=Channel.WHATSAPP
    )
    consent_whatsapp = forms.BooleanField(label=capfirst(_("may be contacted by WhatsApp")), required=False)
    consent_email = forms.BooleanField(label=capfirst(_("may be contacted by email")), required=False)
    tags = forms.CharField(
        label=capfirst(_("tags")),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas, e.g. muzakki tetap, UPZ."),
    )
    note = forms.CharField(
        label=capfirst(_("note")), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    confirm_duplicate = forms.BooleanField(
        label=_("This is another person: register anyway"), required=False, widget=forms.CheckboxInput
    )

    def __init__(self, *args, editing=None, **kwargs):
        """``editing``: the donor being changed. Its NIK and NPWP are never put in the form (reading
        them is audited); an empty field keeps the number, a typed one replaces it."""
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            for name, masked in (("nik", editing.nik_masked), ("npwp", editing.npwp_masked)):
                if masked:
                    self.fields[name].help_text = _(
                        "Now %(masked)s. Leave empty to keep it; type a new number to replace it."
                    ) % {"masked": masked}

    def clean(self):
        data = super().clean()
        add_service_errors(self, services.donor_fields_check, self._service_values(data))
        return data

    def _service_values(self, data: dict) -> dict:
        """The well-formed fields (no error of the form's own) as the service takes them."""
        values = {name: data[name] for name in DONOR_FIELDS if name in data and name not in self.errors}
        if "tags" in values:
            values["tags"] = [t for t in (values["tags"] or "").split(",") if t.strip()]
        return {k: ("" if v is None and k != "birth_date" else v) for k, v in values.items()}

    def service_fields(self) -> dict:
        """The cleaned data as ``donor_register`` takes it (tags as a list)."""
        data = {name: self.cleaned_data.get(name) for name in DONOR_FIELDS}
        data["tags"] = [t for t in (data["tags"] or "").split(",") if t.strip()]
        for name in DONOR_FIELDS:
            if data[name] is None and name != "birth_date":
                data[name] = ""
        return data

    def changed_service_fields(self, donor) -> dict:
        """Only what differs from ``donor`` (an empty NIK/NPWP keeps the stored number)."""
        data = self.service_fields()
        changed = {}
        for name, value in data.items():
            if name in IDENTIFIERS:
                if value:
                    changed[name] = value
                continue
            current = donor.region_id if name == "region" else getattr(donor, name)
            if name == "tags":
                current = sorted(current or [])
                if sorted(" ".join(t.split()).lower() for t in value) != current:
                    changed[name] = value
            elif name == "birth_date":
                if current != value:
                    changed[name] = value
            elif (current or "") != (value or ""):
                changed[name] = value
        return changed


def initial_from(donor) -> dict:
    initial = {name: getattr(donor, name) for name in DONOR_FIELDS if name not in IDENTIFIERS}
    initial["tags"] = ", ".join(donor.tags or [])
    initial["region"] = donor.region_id or ""
    return initial


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    survivor = forms.IntegerField(label=capfirst(_("Which donor stays")))
