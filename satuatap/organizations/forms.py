from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import add_service_errors
from satuatap.organizations.models import Role, Unit, UnitKind
from satuatap.organizations.selectors import units_for
from satuatap.organizations.services import staff_fields_check, unit_kinds_under
from satuatap.regions import selectors as region_selectors
from satuatap.regions.forms import RegionField

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
