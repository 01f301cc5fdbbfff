"""The form renderer and the form fields every app's pages share."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from satuatap.core.formatting import rupiah
from satuatap.core.money import MAX_RUPIAH
from satuatap.core.uploads import forget_held, held_upload, hold_upload

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d{1,3}(,\d{3})+$|^\d+$")
_CENTS = re.compile(r"^[\d.,]*[.,]\d{1,2}$")


class FormRenderer(TemplatesSetting):
    """Renders every form with our Bootstrap field template (``templates/forms/field.html``)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class RupiahField(forms.CharField):
    """Whole rupiah as people type it: 1500000, 1.500.000 or Rp 1.500.000 (no cents)."""

    default_error_messages = {
        "invalid": _("Enter an amount in rupiah, for example 1.500.000."),
        "cents": _("Enter whole rupiah, without cents."),
        "min_value": _("The amount must be at least %(limit)s."),
        "max_value": _("The amount is too large."),
    }

    is_rupiah = True  # the templates put an "Rp" prefix before it

    def __init__(self, *, min_value: int = 0, max_value: int = MAX_RUPIAH, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": "30", "data-rupiah": ""})
        return attrs

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = re.sub(r"^rp\.?", "", text.strip().lower()).replace(" ", "").replace("\u00a0", "")
        if _GROUPED.match(text):
            amount = int(re.sub(r"[.,]", "", text))
        elif _CENTS.match(text):
            raise forms.ValidationError(self.error_messages["cents"], code="cents")
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < self.min_value:
            raise forms.ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit": rupiah(self.min_value)}
            )
        if amount > self.max_value:
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        return amount

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", ".")
        return value


class DateInput(forms.DateInput):
    """A browser date picker; its value is always ISO, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month picker)."""

    widget = forms.TextInput(attrs={"type": "month"})
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH_RE.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2200:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return (int(match.group(1)), int(match.group(2)))


def month_label(ym: tuple[int, int]) -> str:
    """(2026, 3) -> "Maret 2026" in the active language."""
    return formats.date_format(date(ym[0], ym[1], 1), "F Y")


def add_service_errors(form, check, values: dict, *, renamed: dict[str, str] | None = None) -> None:
    """Put every refusal of the service's field check ``check(**values)`` beside its field, except on a
    field that already has an error of the form's own (one message per field is enough): a form asks it in
    ``clean()`` so that the service's mistakes come back in the same round as the form's. ``renamed``: the
    form's name of a field the service names otherwise (``{"basis_points": "percent"}``)."""
    try:
        check(**values)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            field = (renamed or {}).get(field, field)
            if field not in form.errors:
                form.add_error(field if field in form.fields else None, errors)


def kept_field(name: str) -> str:
    """The hidden input naming the held file of document field ``name`` (not a form field: never a document)."""
    return "kept_" + name.removeprefix("document_")


class KeptDocumentsMixin:
    """A form whose ``document_*`` file fields survive a round with errors: a file chosen once is
    held (``core.uploads.hold_upload``) and stands for its field in the next round, unless a new
    file replaces it. Call ``_take_kept()`` at the end of ``__init__``; the view calls
    ``keep_files()`` when the form goes back with errors and ``forget_kept()`` once it is saved."""

    kept: dict[str, tuple[str, str]]  # field name -> (token, file name) of a held file

    def _take_kept(self) -> None:
        self.kept = {}
        if not self.is_bound:  # type: ignore[attr-defined]
            return
        files = self.files.copy()  # type: ignore[attr-defined]
        for name in self.fields:  # type: ignore[attr-defined]
            if not name.startswith("document_"):
                continue
            token = self.data.get(kept_field(name), "")  # type: ignore[attr-defined]
            if token and files.get(name):  # replaced by a new file: the held one is not needed
                forget_held(token)
                continue
            upload = held_upload(token) if token else None
            if upload is not None:
                files[name] = upload
                self.kept[name] = (token, upload.name)
        self.files = files

    def keep_files(self) -> None:
        """Hold the acceptable files of a form sent back with errors, so that nobody chooses them again."""
        for name in self.fields:  # type: ignore[attr-defined]
            if not name.startswith("document_") or name in self.kept or self.has_error(name):  # type: ignore[attr-defined]
                continue
            upload = self.files.get(name)
            token = hold_upload(upload) if upload else None
            if token:
                self.kept[name] = (token, upload.name)

    def forget_kept(self) -> None:
        """The record is saved with its own copies: drop the held files."""
        for token, _name in self.kept.values():
            forget_held(token)

    @property
    def document_fields(self):
        fields = []
        for name in self.fields:  # type: ignore[attr-defined]
            if name.startswith("document_"):
                field = self[name]  # type: ignore[index]
                field.kept_input = kept_field(name)
                field.kept_token, field.kept_name = self.kept.get(name, ("", ""))
                fields.append(field)
        return fields
