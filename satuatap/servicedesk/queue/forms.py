"""Forms of the queue: set-up of lines and counters (staff), the kiosk's check-in and the phone
ticket's "tell me" request (public)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.throttle import HoneypotField
from satuatap.servicedesk.catalogue.selectors import services_offered
from satuatap.servicedesk.models import Counter, LineKind, Outcome, QueueLine


class _ServicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class LineForm(forms.Form):
    line = forms.IntegerField(required=False, widget=forms.HiddenInput)
    prefix = forms.CharField(label=_("Letter"), max_length=2, widget=forms.TextInput(attrs={"class": "form-control"}))
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    services = _ServicesField(label=_("Services"), queryset=None, required=False,
                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0,
                                  widget=forms.NumberInput(attrs={"class": "form-control"}))  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, unit, instance: QueueLine | None = None, **kwargs):
        if instance is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {"line": instance.pk, "prefix": instance.prefix, "name": instance.name,
                                 "kind": instance.kind, "services": list(instance.services.all()),
                                 "position": instance.position, "is_active": instance.is_active}  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services_offered(unit)


class CounterForm(forms.Form):
    counter = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999,
                                widget=forms.NumberInput(attrs={"class": "form-control"}))  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))  # fmt: skip
    services = _ServicesField(label=_("Services"), queryset=None, required=False,
                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, unit, instance: Counter | None = None, **kwargs):
        if instance is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "counter": instance.pk, "number": instance.number, "name": instance.name,
                "services": list(instance.services.all()), "is_active": instance.is_active,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services_offered(unit, queue=True)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"), max_length=40,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )  # fmt: skip
    leave_empty = HoneypotField()


class NotifyForm(forms.Form):
    notify_to = forms.CharField(
        label=_("WhatsApp number or email"), max_length=254,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "tel", "inputmode": "text"}),
    )  # fmt: skip
    leave_empty = HoneypotField()


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, initial=Outcome.SERVED,
                                widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))  # fmt: skip
