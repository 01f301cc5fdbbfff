"""The audit trail's filters: a date range, who acted, what kind of object, which action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.audit.models import AuditAction


def _date_input():
    return forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """Ids, not choices, for the user and the kind: an id outside the trail in scope simply matches
    nothing, and the select lists only those the trail holds (``selectors.audit_filter_choices``)."""

    start = forms.DateField(label=_("From"), required=False, widget=_date_input())
    end = forms.DateField(label=_("Until"), required=False, widget=_date_input())
    actor = forms.IntegerField(label=_("By"), required=False, min_value=1)
    kind = forms.IntegerField(label=_("Object kind"), required=False, min_value=1)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", ""), *AuditAction.choices])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters only: a mistyped one is said beside its field and not applied."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if name not in self.errors and data.get(name)}
