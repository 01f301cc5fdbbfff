"""The upload form of imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.collection.imports import capability, import_upload_check
from satuatap.collection.imports.reading import MAX_BYTES
from satuatap.collection.models import ImportKind
from satuatap.core.forms import add_service_errors
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import units_for


def allowed_kinds(user, unit: Unit) -> list[tuple[str, str]]:
    return [(value, label) for value, label in ImportKind.choices if can(user, capability(value), unit)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"))
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        help_text=_("Donations are recorded at this unit; new donors are registered here."),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("Excel (.xlsx) or CSV (UTF-8, ; or , between columns), at most 25 MB.")
    )

    def __init__(self, *args, user, top: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = allowed_kinds(user, top)
        self.fields["kind"].choices = kinds
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0][0]
        units = units_for(user, within=top, capability=capability(ImportKind.DONORS)) | units_for(
            user, within=top, capability=capability(ImportKind.DONATIONS)
        )
        self.fields["unit"].queryset = units.distinct().order_by("path")
        self.fields["unit"].initial = top.pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 25 MB; split it into smaller files."))
        return upload

    def clean(self):
        data = super().clean()
        # A file that is not Excel or CSV is said with a missing kind or unit, not on the next try.
        values = {}
        upload = data.get("file")
        if upload is not None and "file" not in self.errors:
            values["filename"], values["content"] = upload.name, upload.read(1)  # only "is it empty?" is asked
            upload.seek(0)
        add_service_errors(self, import_upload_check, values)
        return data
