"""The figures pages' choices: the unit (within the active unit's subtree), the period and the
grouping, or the ISO week of the Friday evaluation."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput
from satuatap.servicedesk.figures.selectors import MAX_DAYS, figure_units, iso_week

GROUPING_CHOICES = [
    ("day", _("Day")),
    ("week", _("Week")),
    ("service", _("Service")),
    ("counter", _("Counter")),
    ("officer", _("Officer")),
    ("unit", _("Unit below")),
]
SMALL = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * max(obj.depth - 1, 0)}{obj.name}"


class _UnitForm(forms.Form):
    unit = UnitChoice(label=_("Unit"), queryset=None, required=False, widget=forms.Select(attrs=SMALL))

    def __init__(self, data=None, *, user, active):
        super().__init__(data)
        self.fields["unit"].queryset = figure_units(user, within=active)
        self.active = active

    def chosen_unit(self):
        """The unit asked for when it is one the user may read (whatever else is wrong), else the active one."""
        if not self.is_bound:
            return self.active
        self.is_valid()
        return self.cleaned_data.get("unit") or self.active


class FiguresForm(_UnitForm):
    start = forms.DateField(label=_("From"), widget=DateInput(attrs=INPUT))
    end = forms.DateField(label=_("To"), widget=DateInput(attrs=INPUT))
    by = forms.ChoiceField(label=_("Group by"), choices=GROUPING_CHOICES, widget=forms.Select(attrs=SMALL))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The last day must not be before the first."))
            elif end - start > timedelta(days=MAX_DAYS):
                self.add_error("end", _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS})
        return data


class WeekForm(_UnitForm):
    week = forms.CharField(
        label=_("Week"),
        max_length=10,
        widget=forms.TextInput(attrs={**INPUT, "type": "week", "placeholder": "2026-W49"}),
    )

    def clean_week(self):
        monday = iso_week(self.cleaned_data["week"])
        if monday is None:
            raise forms.ValidationError(_("Enter a week as YYYY-Www, for example 2026-W49."))
        return monday
