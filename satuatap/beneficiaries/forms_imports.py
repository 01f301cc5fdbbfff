"""The upload form of beneficiaries imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.beneficiaries.imports import jobs
from satuatap.core.import_jobs import EXTENSIONS
from satuatap.organizations.forms import UnitChoiceField
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import units_for


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
