"""The public aid application form, for the web page and the API alike (multipart fields and
files). It only reads the input and says at once what is missing; the rules (NIK, phone, dates,
documents, the program being open) are ``distribution.public``'s and the registry's, whose refusals
the view puts next to the field they name: the form's field names are theirs."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.beneficiaries.models import DocumentKind, Sex
from satuatap.core.forms import DateInput, KeptDocumentsMixin, RupiahField
from satuatap.core.throttle import HONEYPOT_FIELD, HoneypotField
from satuatap.core.uploads import sniff
from satuatap.distribution.public.selectors import APPLICANT_FIELDS, REQUIRED_MESSAGES, required_kinds
from satuatap.regions import selectors as region_selectors
from satuatap.regions.forms import RegionField

ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
DOCUMENT_HELP = {
    DocumentKind.KTP: _("A photo or scan of the applicant's identity card."),
    DocumentKind.KK: _("A photo or scan of the family card (Kartu Keluarga)."),
    DocumentKind.CERTIFICATE: _("For example a letter of need (SKTM), a medical letter or a school letter."),
    DocumentKind.PHOTO: _("For example a photo of the house or of the need."),
    DocumentKind.OTHER: _("Anything else that supports the application."),
}


def _text(label, max_length, *, field="", required=True, **kwargs):
    message = REQUIRED_MESSAGES.get(field)
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=capfirst(label), required=required, max_length=max_length, error_messages=errors, **kwargs
    )


def document_field(name: str) -> str:
    return f"document_{name}"


class PublicApplicationForm(KeptDocumentsMixin, forms.Form):
    full_name = _text(
        _("full name"),
        200,
        field="full_name",
        help_text=_("As on the KTP."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nik = _text(
        _("NIK"),
        40,
        field="nik",
        help_text=_("16 digits, from the KTP or the KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_place = _text(_("birth place"), 100, field="birth_place")
    birth_date = forms.DateField(
        label=capfirst(_("birth date")),
        widget=DateInput(),
        error_messages={"required": REQUIRED_MESSAGES["birth_date"], "invalid": _("Enter a valid date.")},
    )
    sex = forms.ChoiceField(
        label=capfirst(_("sex")),
        choices=[("", "—"), *Sex.choices],
        error_messages={"required": REQUIRED_MESSAGES["sex"], "invalid_choice": REQUIRED_MESSAGES["sex"]},
    )
    phone = _text(
        _("phone"),
        40,
        field="phone",
        help_text=_("Mobile number (WhatsApp if you have it), e.g. 0812-3456-7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    region = RegionField()
    province = _text(_("province"), 100, field="province")
    regency = _text(_("regency/city"), 100, field="regency")
    district = _text(_("district (kecamatan)"), 100, field="district")
    village = _text(_("village (kelurahan/desa)"), 100, field="village")
    street = _text(_("street address"), 300, field="street", help_text=_("Street, house number, hamlet (dusun)."))
    rt = _text(_("RT"), 3, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    rw = _text(_("RW"), 3, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    need = forms.CharField(
        label=capfirst(_("need")),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you ask for and why: your situation, the people in your household, what the help is for."),
        error_messages={"required": _("Describe the need.")},
    )
    requested_amount = RupiahField(
        label=capfirst(_("amount requested")),
        min_value=1,
        error_messages={"required": _("Enter the amount asked for.")},
    )
    guardian_name = forms.CharField(
        label=capfirst(_("name of the parent or guardian")),
        max_length=200,
        required=False,
        help_text=_("Only when the applicant is under 18: the parent or guardian who fills in this form."),
    )
    guardian_relation = forms.CharField(label=capfirst(_("relation to the applicant")), max_length=100, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that the institution keeps and processes the data and documents in this form to assess "
            "and provide assistance, and that an officer may contact me or visit me."
        ),
        error_messages={
            "required": _("Agree to the processing of your data for this application; without it we cannot take it.")
        },
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.required_kinds = required_kinds(program)
        for kind in self.required_kinds:
            label = DocumentKind(kind).label
            self.fields[document_field(kind)] = forms.FileField(
                label=capfirst(label),
                help_text=DOCUMENT_HELP.get(kind, ""),
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
                error_messages={
                    "required": _("Upload the %(document)s; this program needs it.") % {"document": label},
                    "empty": _("This file is empty."),
                },
            )
        if DocumentKind.OTHER not in self.required_kinds:
            self.fields[document_field(DocumentKind.OTHER)] = forms.FileField(
                label=capfirst(_("another supporting document (optional)")),
                help_text=DOCUMENT_HELP[DocumentKind.OTHER],
                required=False,
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
                error_messages={"empty": _("This file is empty.")},
            )
        self.fields[HONEYPOT_FIELD] = HoneypotField()
        self._take_kept()

    def applicant_fields(self):
        return [self[name] for name in APPLICANT_FIELDS]

    def clean(self):
        data = super().clean()
        # A region picked from the lists stands for the names typed (kept when the lists stop short).
        for name, value in region_selectors.address_names(data.get("region")).items():
            if value:
                self.errors.pop(name, None)
                data[name] = value
        # Each file is checked now, so every bad file is named at once (the registry checks them again
        # when it keeps them).
        limit = settings.DOCUMENT_MAX_BYTES
        for name in list(data):
            upload = data.get(name)
            if not name.startswith("document_") or not upload:
                continue
            if upload.size > limit:
                self.add_error(
                    name,
                    _("This file is %(size)s MB; a document may be at most %(max)s MB.")
                    % {"size": round(upload.size / 1048576, 1), "max": round(limit / 1048576, 1)},
                )
                continue
            head = upload.read(16)
            upload.seek(0)
            if sniff(head) is None:
                self.add_error(name, _("Upload a PDF, JPEG, PNG or WebP file; this file is of another type."))
        return data

    def submission(self) -> dict:
        """The keyword arguments of ``public.services.public_application_submit`` (with ``program``)."""
        data = self.cleaned_data
        return {
            "program": self.program,
            "applicant": {f: data.get(f) for f in APPLICANT_FIELDS if data.get(f) not in (None, "")},
            "need": data["need"],
            "requested_amount": data["requested_amount"],
            "documents": {
                name.removeprefix("document_"): data[name]
                for name in self.fields
                if name.startswith("document_") and data.get(name)
            },
            "consent": bool(data.get("consent")),
            "guardian_name": data.get("guardian_name", ""),
            "guardian_relation": data.get("guardian_relation", ""),
        }
