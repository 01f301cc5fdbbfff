from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import add_service_errors
from satuatap.organizations.models import ClosureKind, Role, Unit, UnitKind, Weekday
from satuatap.organizations.selectors import clock_colon, units_for
from satuatap.organizations.services import MAX_PERIODS, closure_check, staff_fields_check, unit_kinds_under
from satuatap.regions import selectors as region_selectors
from satuatap.regions.forms import RegionField

DAYS = range(7)
CHILD_KINDS = [choice for choice in UnitKind.choices if choice[0] != UnitKind.INSTITUTION]


class UnitForm(forms.ModelForm):
    region = RegionField(label=_("Region of the office"))

    class Meta:
        model = Unit
        fields = [
            "kind",
            "name",
            "code",
            "address",
            "region",
            "time_zone",
            "phone",
            "whatsapp",
            "office_hours",
            "legal_name",
            "npwp",
            "legal_basis",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, parent: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        is_institution = self.instance.pk and self.instance.is_institution
        if is_institution:
            self.fields["kind"].choices = [(UnitKind.INSTITUTION, UnitKind.INSTITUTION.label)]
        elif parent is not None:
            # A new unit: only the kinds allowed under its parent, the most likely one chosen.
            kinds = unit_kinds_under(parent)
            self.fields["kind"].choices = [(kind, UnitKind(kind).label) for kind in kinds]
            self.fields["kind"].initial = kinds[0]
        else:
            self.fields["kind"].choices = CHILD_KINDS
        if not is_institution:
            for field in ("legal_name", "npwp", "legal_basis"):
                del self.fields[field]
        self.fields["code"].widget.attrs.update({"style": "text-transform:uppercase", "maxlength": 10})

    def clean_region(self):
        return region_selectors.area(self.cleaned_data.get("region"))

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def _post_clean(self):
        # Uniqueness and tree rules are the service's job; they need the parent.
        pass


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented below the shallowest unit offered."""

    def label_from_instance(self, obj):
        top = getattr(self, "_top_depth", None)
        if top is None:
            top = self._top_depth = min((u.depth for u in self.queryset), default=obj.depth)
        return f"{'— ' * (obj.depth - top)}{obj.name} ({obj.code})"


class UnitMoveForm(forms.Form):
    new_parent = UnitChoiceField(queryset=Unit.objects.none(), label=_("New parent unit"))

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = units_for(user, capability="unit.manage").exclude(
            path__startswith=unit.path
        )


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("User"))
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        manageable = units_for(user, capability="membership.manage")
        self.fields["unit"].queryset = manageable
        institution_ids = set(manageable.values_list("institution_id", flat=True))
        # Only staff who already work for this institution, and not the administrator themself (who
        # may not grant their own roles); new people come in through StaffCreateForm.
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, memberships__is_active=True, memberships__unit__institution_id__in=institution_ids
            )
            .exclude(pk=user.pk)
            .distinct()
            .order_by("username")
        )


class MembershipEndForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, max_length=500)


class StaffCreateForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[a-z0-9._-]{3,40}$",
        label=_("Username"),
        error_messages={"invalid": _("Use 3 to 40 lowercase letters, digits, dots, dashes or underscores.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=10)
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, capability="membership.manage")

    def clean(self):
        data = super().clean()
        # A taken username and a password the rules refuse are said with the form's own mistakes.
        values = {name: data[name] for name in ("username", "password") if name in data and name not in self.errors}
        for name in ("full_name", "email"):
            values[name] = data.get(name) or ""
        add_service_errors(self, staff_fields_check, values)
        return data


# --- a unit's calendar ----------------------------------------------------------------------------------


class WeekForm(forms.Form):
    """One schedule's week as a grid: each weekday up to ``MAX_PERIODS`` periods of a start and an end
    time; a day left empty is closed. The times are read by the service (``opening_week_set``), which
    names every bad day at once; its refusals of a day land on the day's row (``day_<n>``)."""

    def __init__(self, *args, week=None, **kwargs):
        super().__init__(*args, **kwargs)
        week = week or {}
        for day in range(7):
            periods = list(week.get(day) or ())
            for i in range(MAX_PERIODS):
                for j, part in enumerate(("opens", "closes")):
                    name = f"d{day}_{i}_{part}"
                    label = f"{Weekday(day).label} {i + 1} {_('from') if part == 'opens' else _('until')}"
                    attrs = {"type": "time", "class": "form-control form-control-sm", "aria-label": label}
                    self.fields[name] = forms.CharField(
                        label=label, required=False, max_length=5, widget=forms.TimeInput(attrs=attrs)
                    )
                    if i < len(periods):
                        self.initial[name] = clock_colon(periods[i][j])

    def periods(self) -> dict[int, list[tuple[str, str]]]:
        data = self.cleaned_data

        def value(day: int, i: int, part: str) -> str:
            return data.get(f"d{day}_{i}_{part}") or ""

        return {day: [(value(day, i, "opens"), value(day, i, "closes")) for i in range(MAX_PERIODS)] for day in DAYS}

    def apply_refusal(self, exc) -> None:
        """A service refusal: a day's mistakes on its row, the others above the grid."""
        errors = exc.error_dict if hasattr(exc, "error_dict") else {None: [exc]}
        for field, field_errors in errors.items():
            if field and field.startswith("day_"):
                self._errors.setdefault(field, self.error_class()).extend(
                    message for error in field_errors for message in error.messages
                )
            else:
                self.add_error(None, field_errors)

    def rows(self):
        for day in range(7):
            yield {
                "day": day,
                "label": Weekday(day).label,
                "periods": [(self[f"d{day}_{i}_opens"], self[f"d{day}_{i}_closes"]) for i in range(MAX_PERIODS)],
                "errors": self.errors.get(f"day_{day}", []),
            }


class ClosureForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ClosureKind.choices, initial=ClosureKind.LOCAL)
    name = forms.CharField(label=_("Name"), required=False, max_length=200, help_text=_("What people will see."))

    def clean(self):
        data = super().clean()
        values = {name: data.get(name) for name in ("first_day", "last_day", "kind", "name")}
        values["kind"] = values["kind"] or ""
        values["name"] = values["name"] or ""
        add_service_errors(self, closure_check, values)
        return data


class CollectiveLeaveForm(forms.Form):
    observes_collective_leave = forms.BooleanField(
        label=_("Closed on collective leave days (cuti bersama)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
