"""Forms of the registry pages. They only read the input; every rule (NIK, KK, phone, dates, asnaf,
consent, amounts) is ``beneficiaries.services``'s, whose refusals the views put next to the field
they name (the form fields carry the services' field names)."""

from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.beneficiaries import matching, services
from satuatap.beneficiaries.imports import jobs
from satuatap.beneficiaries.models import (
    Asnaf,
    BeneficiaryKind,
    ConsentMethod,
    ConsentPurpose,
    DocumentKind,
    Housing,
    HousingCondition,
    NeedCategory,
    OrganisationType,
    Relation,
    Sex,
)
from satuatap.core import identifiers
from satuatap.core.errors import DomainError
from satuatap.core.forms import DateInput, RupiahField, add_service_errors
from satuatap.core.import_jobs import EXTENSIONS
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import units_for
from satuatap.regions.forms import RegionField


def _blank(choices, label=""):
    return [("", label or "—"), *choices]


def _text(label, max_length, **kwargs):
    return forms.CharField(label=capfirst(label), required=False, max_length=max_length, **kwargs)


# --- register and edit -----------------------------------------------------------------------------------

# The fields a beneficiary form sends to ``beneficiary_register`` / ``beneficiary_update``.
PERSON_FIELDS = (
    "kind",
    "organisation_type",
    "full_name",
    "nik",
    "kk",
    "relation",
    "single_parent",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "province",
    "regency",
    "district",
    "village",
    "street",
    "rt",
    "rw",
    "region",
    "latitude",
    "longitude",
    "has_disability",
    "is_orphan",
    "chronic_illness",
    "note",
)
ASNAF_FIELDS = ("asnaf", "asnaf_reason")
IDENTIFIERS = ("nik", "kk")
CONSENT_FIELDS = ("consent_method", "consent_purpose", "consent_given_on", "guardian_name", "guardian_relation")


class BeneficiaryForm(forms.Form):
    kind = forms.ChoiceField(
        label=capfirst(_("kind")),
        choices=BeneficiaryKind.choices,
        initial=BeneficiaryKind.PERSON,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    organisation_type = forms.ChoiceField(
        label=capfirst(_("organisation type")), choices=_blank(OrganisationType.choices), required=False
    )
    full_name = forms.CharField(
        label=capfirst(_("full name")),
        max_length=300,
        error_messages={"required": _("Enter the full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nik = _text(
        _("NIK"),
        40,
        help_text=_("16 digits, from the KTP or the KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk = _text(
        _("KK number"),
        40,
        help_text=_("16 digits of the Kartu Keluarga; people with the same KK form one household."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    relation = forms.ChoiceField(
        label=capfirst(_("relation to the head")), choices=_blank(Relation.choices), required=False
    )
    single_parent = forms.BooleanField(label=capfirst(_("single-parent household")), required=False)
    birth_place = _text(_("birth place"), 100)
    birth_date = forms.DateField(
        label=capfirst(_("birth date")),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    sex = forms.ChoiceField(label=capfirst(_("sex")), choices=_blank(Sex.choices), required=False)
    phone = _text(
        _("phone"),
        40,
        help_text=_("Mobile number, e.g. 0812-3456-7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    province = _text(_("province"), 100)
    regency = _text(_("regency/city"), 100)
    district = _text(_("district (kecamatan)"), 100)
    village = _text(_("village (kelurahan/desa)"), 100)
    region = RegionField()
    street = _text(_("street address"), 300)
    rt = _text(_("RT"), 3, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    rw = _text(_("RW"), 3, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    latitude = _text(_("latitude"), 20, widget=forms.TextInput(attrs={"inputmode": "decimal", "data-geo": "lat"}))
    longitude = _text(_("longitude"), 20, widget=forms.TextInput(attrs={"inputmode": "decimal", "data-geo": "lon"}))
    has_disability = forms.BooleanField(label=capfirst(_("person with a disability")), required=False)
    is_orphan = forms.BooleanField(label=capfirst(_("orphan (yatim/piatu)")), required=False)
    chronic_illness = forms.BooleanField(label=capfirst(_("chronic illness")), required=False)
    note = _text(_("note"), 4000, widget=forms.Textarea(attrs={"rows": 2}))
    # The asnaf is decided when the person is known (edit); a new applicant has none yet.
    asnaf = forms.ChoiceField(label=capfirst(_("asnaf")), choices=_blank(Asnaf.choices), required=False)
    asnaf_reason = _text(
        _("reason for the asnaf"),
        4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the person belongs to this group, e.g. the assessment's shortfall or a debt letter."),
    )
    # Consent (UU 27/2022), recorded with the registration.
    consent_method = forms.ChoiceField(
        label=capfirst(_("how consent was given")), choices=_blank(ConsentMethod.choices), required=False
    )
    consent_purpose = forms.ChoiceField(
        label=capfirst(_("purpose")), choices=ConsentPurpose.choices, initial=ConsentPurpose.ASSISTANCE, required=False
    )
    consent_given_on = forms.DateField(
        label=capfirst(_("given on")),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    guardian_name = _text(_("guardian's name"), 200, help_text=_("For a child: the parent or guardian who consents."))
    guardian_relation = _text(_("guardian's relation"), 100, help_text=_("e.g. mother, uncle, head of the orphanage"))

    def __init__(self, *args, editing=None, **kwargs):
        """``editing``: the beneficiary being changed. Its NIK and KK are never put in the form
        (reading them is audited); an empty field keeps the number, a typed one replaces it."""
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is None:
            for name in ASNAF_FIELDS:
                del self.fields[name]
            self.fields["consent_given_on"].initial = timezone.localdate()
        else:
            for name in CONSENT_FIELDS:
                del self.fields[name]
            masks = (("nik", editing.nik_masked), ("kk", editing.household.kk_masked if editing.household_id else ""))
            for name, masked in masks:
                if masked:
                    self.fields[name].help_text = _(
                        "Now %(masked)s. Leave empty to keep it; type a new number to replace it."
                    ) % {"masked": masked}

    def clean(self):
        """The service's own field rules on the well-formed fields, so that a bad date (the form's)
        and a bad NIK or phone (the service's) are shown in the same round."""
        data = super().clean()
        values = {
            name: ("" if data[name] is None and name != "birth_date" else data[name])
            for name in PERSON_FIELDS
            if name in data and name not in self.errors
        }
        add_service_errors(self, lambda **fields: services.clean_fields(fields), values)
        return data

    def service_fields(self) -> dict:
        """The cleaned data as ``beneficiary_register`` takes it."""
        data = {name: self.cleaned_data.get(name) for name in PERSON_FIELDS}
        if self.editing is not None:
            data.update({name: self.cleaned_data.get(name) for name in ASNAF_FIELDS})
        for name, value in data.items():
            if value is None and name != "birth_date":
                data[name] = ""
        return data

    def consent(self) -> dict | None:
        """The consent block as the service takes it; None when no method was chosen."""
        if not self.cleaned_data.get("consent_method"):
            return None
        return {
            "method": self.cleaned_data["consent_method"],
            "purpose": self.cleaned_data.get("consent_purpose") or ConsentPurpose.ASSISTANCE,
            "given_on": self.cleaned_data.get("consent_given_on"),
            "guardian_name": self.cleaned_data.get("guardian_name", ""),
            "guardian_relation": self.cleaned_data.get("guardian_relation", ""),
        }

    def changed_service_fields(self, beneficiary) -> dict:
        """Only what differs from ``beneficiary`` (an empty NIK/KK keeps the stored number)."""
        data = self.service_fields()
        household = beneficiary.household if beneficiary.household_id else None
        current = {name: getattr(beneficiary, name) for name in data if name not in ("kk", "single_parent", "region")}
        current["region"] = beneficiary.region_id
        current["single_parent"] = bool(household and household.single_parent)
        changed = {}
        for name, value in data.items():
            if name in IDENTIFIERS:
                if value:
                    changed[name] = value
            elif name == "single_parent":
                if household is not None and value != current[name]:
                    changed[name] = value
            elif name == "phone":
                if _canonical_phone(value) != (current[name] or ""):
                    changed[name] = value
            elif name in ("latitude", "longitude"):
                if str(value or "").strip() != ("" if current[name] is None else _decimal_text(current[name])):
                    changed[name] = value
            elif name in ("rt", "rw"):
                if str(value or "").strip().zfill(3 if value else 0) != (current[name] or ""):
                    changed[name] = value
            elif isinstance(value, bool) or name == "birth_date":
                if value != current[name]:
                    changed[name] = value
            elif (current[name] or "") != (value or ""):
                changed[name] = value
        return changed


def _canonical_phone(value: str) -> str:
    try:
        return identifiers.clean_phone(value)
    except DomainError:
        return value or ""


def _decimal_text(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def initial_from(beneficiary) -> dict:
    skipped = (*IDENTIFIERS, "single_parent")
    initial = {name: getattr(beneficiary, name) for name in PERSON_FIELDS if name not in skipped}
    initial.update({name: getattr(beneficiary, name) for name in ASNAF_FIELDS})
    initial["phone"] = identifiers.format_phone(beneficiary.phone)
    for name in ("latitude", "longitude"):
        if initial[name] is not None:
            initial[name] = _decimal_text(initial[name])
    initial["single_parent"] = bool(beneficiary.household_id and beneficiary.household.single_parent)
    initial["region"] = beneficiary.region_id or ""
    return initial


def probe_from(data, exclude: tuple[int, ...] = ()) -> matching.Probe:
    """What the person at the desk has typed so far, as a duplicate search probe: identifiers that
    are not valid yet are left out rather than refused (the form says what is wrong on saving)."""

    def _valid(clean, value):
        try:
            return clean(value or "")
        except DomainError:
            return ""

    try:
        born = date.fromisoformat(data.get("birth_date") or "")
    except ValueError:
        born = None
    sex = data.get("sex") or ""
    return matching.Probe(
        full_name=(data.get("full_name") or "")[:200],
        nik=_valid(identifiers.clean_nik, data.get("nik")),
        kk=_valid(identifiers.clean_kk, data.get("kk")),
        birth_date=born,
        sex=sex if sex in Sex.values else "",
        phone=_valid(identifiers.clean_phone, data.get("phone")),
        village=(data.get("village") or "")[:100],
        exclude=exclude,
    )


# --- the lifecycle -------------------------------------------------------------------------------------


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(
        label=capfirst(_("new status")), widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    reason = forms.CharField(
        label=capfirst(_("reason")),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for this change.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = list(choices)
        self.fields["to_status"].error_messages["invalid_choice"] = _("Choose one of the statuses offered.")


class AssessmentApplyForm(forms.Form):
    """Apply the assessment's asnaf and verify the person; the service checks the reason with its other rules."""

    reason = forms.CharField(
        label=capfirst(_("reason for the asnaf")),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsentForm(forms.Form):
    consent_method = forms.ChoiceField(label=capfirst(_("how consent was given")), choices=ConsentMethod.choices)
    consent_purpose = forms.ChoiceField(label=capfirst(_("purpose")), choices=ConsentPurpose.choices)
    consent_given_on = forms.DateField(label=capfirst(_("given on")), required=False, widget=DateInput())
    guardian_name = _text(_("guardian's name"), 200)
    guardian_relation = _text(_("guardian's relation"), 100)

    def service_fields(self) -> dict:
        return {
            "method": self.cleaned_data["consent_method"],
            "purpose": self.cleaned_data["consent_purpose"],
            "given_on": self.cleaned_data.get("consent_given_on"),
            "guardian_name": self.cleaned_data.get("guardian_name", ""),
            "guardian_relation": self.cleaned_data.get("guardian_relation", ""),
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=DocumentKind.choices)
    file = forms.FileField(
        label=capfirst(_("file")),
        help_text=_("PDF, JPEG, PNG or WebP, at most %(max)s MB.")
        % {"max": round(settings.DOCUMENT_MAX_BYTES / 1048576, 1)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
        error_messages={"required": _("Choose a file to upload.")},
    )


class AidForm(forms.Form):
    given_on = forms.DateField(
        label=capfirst(_("given on")), widget=DateInput(), error_messages={"required": _("Enter a valid date.")}
    )
    program = forms.CharField(
        label=capfirst(_("program")),
        max_length=200,
        help_text=_("e.g. Santunan yatim Ramadan 2025, Bantuan modal usaha"),
        error_messages={"required": _("Name the program the help came from.")},
    )
    amount = RupiahField(label=capfirst(_("amount (Rp)")), help_text=_("The value in rupiah, also for help in kind."))
    asnaf = forms.ChoiceField(label=capfirst(_("asnaf")), choices=_blank(Asnaf.choices), required=False)
    description = _text(_("description"), 300)


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=capfirst(_("reason")),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person's request: how and when it was made."),
        error_messages={"required": _("Give the reason (the person's request and its date).")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that the name, NIK, phone, address, documents and notes are erased for good."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)


# --- assessment and needs standard ------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=capfirst(_("assessed on")), required=False, widget=DateInput())
    household_size = forms.IntegerField(
        label=capfirst(_("household size")),
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Enter how many people live in the household.")},
    )
    dependants = forms.IntegerField(
        label=capfirst(_("dependants (not earning)")),
        required=False,
        min_value=0,
        max_value=30,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    monthly_income = RupiahField(
        label=capfirst(_("household income per month")),
        help_text=_("All members together, in rupiah."),
        error_messages={"required": _("Enter the income per month (0 if none).")},
    )
    income_sources = _text(_("sources of income"), 300, help_text=_("e.g. farm labourer, small stall, pension"))
    housing = forms.ChoiceField(label=capfirst(_("housing")), choices=_blank(Housing.choices))
    housing_condition = forms.ChoiceField(
        label=capfirst(_("housing condition")), choices=_blank(HousingCondition.choices)
    )
    assets_value = RupiahField(
        label=capfirst(_("value of assets (land, vehicle, livestock, savings)")), required=False, initial=0
    )
    debts = RupiahField(label=capfirst(_("debts outstanding")), required=False, initial=0)
    health = _text(_("health"), 5000, widget=forms.Textarea(attrs={"rows": 2}))
    education = _text(_("education of the children"), 5000, widget=forms.Textarea(attrs={"rows": 2}))
    notes = _text(_("notes"), 5000, widget=forms.Textarea(attrs={"rows": 3}))
    latitude = _text(_("latitude"), 20, widget=forms.TextInput(attrs={"inputmode": "decimal", "data-geo": "lat"}))
    longitude = _text(_("longitude"), 20, widget=forms.TextInput(attrs={"inputmode": "decimal", "data-geo": "lon"}))
    photos = MultipleFileField(
        label=capfirst(_("photos")),
        required=False,
        help_text=_("Optional: the house, the kitchen, documents. JPEG, PNG or WebP."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("housing", "housing_condition"):
            self.fields[name].error_messages["required"] = _("Choose one.")

    def service_fields(self) -> dict:
        data = {
            name: self.cleaned_data.get(name)
            for name in (
                "household_size",
                "dependants",
                "monthly_income",
                "income_sources",
                "housing",
                "housing_condition",
                "assets_value",
                "debts",
                "health",
                "education",
                "latitude",
                "longitude",
                "notes",
            )
        }
        for name in ("dependants", "assets_value", "debts", "monthly_income"):
            data[name] = data[name] or 0
        return data


class StandardForm(forms.Form):
    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=200,
        help_text=_("e.g. Had kifayah Jawa Tengah 2026"),
        error_messages={"required": _("Name the standard (e.g. Had kifayah Jawa Tengah 2026).")},
    )
    region = _text(_("region"), 200)
    valid_from = forms.DateField(
        label=capfirst(_("valid from")), widget=DateInput(), error_messages={"required": _("Enter a valid date.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in NeedCategory:
            self.fields[f"{category.value}_base"] = RupiahField(label=category.label, required=False)
            self.fields[f"{category.value}_per_member"] = RupiahField(
                label=_("%(need)s, each further member") % {"need": category.label}, required=False
            )

    def rows(self):
        """(category label, first-person field, further-member field) per need, for the table."""
        return [
            (category.label, self[f"{category.value}_base"], self[f"{category.value}_per_member"])
            for category in NeedCategory
        ]

    def amounts(self) -> dict:
        return {
            category.value: {
                "base": self.cleaned_data.get(f"{category.value}_base") or 0,
                "per_member": self.cleaned_data.get(f"{category.value}_per_member") or 0,
            }
            for category in NeedCategory
        }


def standard_initial(standard) -> dict:
    initial = {"name": standard.name, "region": standard.region}
    for category, parts in (standard.amounts or {}).items():
        initial[f"{category}_base"] = int(parts.get("base", 0))
        initial[f"{category}_per_member"] = int(parts.get("per_member", 0))
    return initial


class PairFilterForm(forms.Form):
    """Narrows a batch run's pairs (GET): a unit of the user's, a probability range in percent,
    reviewed or not. Every field is optional; a bad value is reported beside its field."""

    REVIEWED = [("", _("All pairs")), ("no", _("Not reviewed")), ("yes", _("Reviewed"))]

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All my units"))
    low = forms.IntegerField(label=_("Probability from (%)"), min_value=0, max_value=100, required=False)
    high = forms.IntegerField(label=_("Probability to (%)"), min_value=0, max_value=100, required=False)
    reviewed = forms.ChoiceField(label=_("Review"), choices=REVIEWED, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and low > high:
            self.add_error("high", _("The upper bound must not be below the lower one."))
        return data

    def filters(self):
        """The ``selectors.PairFilter`` of a valid form (nothing narrowed for an invalid one)."""
        from satuatap.beneficiaries.selectors import PairFilter

        if not self.is_valid():
            return PairFilter()
        data = self.cleaned_data
        return PairFilter(
            within=data.get("unit"),
            low=None if data.get("low") is None else data["low"] / 100,
            high=None if data.get("high") is None else data["high"] / 100,
            reviewed={"yes": True, "no": False}.get(data.get("reviewed") or ""),
        )


class PairReviewForm(forms.Form):
    """The pairs a reviewer selected on a run's page (among those the user may see) and what
    they are."""

    pairs = forms.ModelMultipleChoiceField(
        label=_("Pairs"),
        queryset=None,
        error_messages={
            "required": _("Select at least one pair."),
            "invalid_choice": _("One of the selected pairs is no longer on your list; reload the page."),
            "invalid_pk_value": _("One of the selected pairs is no longer on your list; reload the page."),
        },
    )
    decision = forms.ChoiceField(
        label=_("Decision"), error_messages={"required": _("Choose what the selected pairs are.")}
    )

    def __init__(self, *args, pairs, **kwargs):
        from satuatap.beneficiaries.models import DedupPair

        super().__init__(*args, **kwargs)
        self.fields["pairs"].queryset = pairs
        self.fields["decision"].choices = DedupPair.Decision.choices


# --- imports ---------------------------------------------------------------------------------------


class BeneficiaryImportForm(forms.Form):
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        help_text=_("The people in the list are registered at this unit."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx) or CSV (UTF-8, ; or , between columns), at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args, user, top: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, within=top, capability=jobs.CAPABILITY)
        self.fields["unit"].initial = top.pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
        if upload.size > jobs.MAX_BYTES:
            raise forms.ValidationError(jobs.too_large_message())
        return upload
