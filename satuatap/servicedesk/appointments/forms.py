"""Forms of appointments: the public booking form (one slot of a chosen service and day) and the
staff's booking for a caller and cancelling with a reason."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.throttle import HONEYPOT_FIELD, HoneypotField


def slot_parse(value: str, tz) -> datetime | None:
    """A slot's form value (``2026-12-08T08:00``, local time of the unit) as an aware datetime."""
    try:
        return datetime.strptime((value or "").strip()[:16], "%Y-%m-%dT%H:%M").replace(tzinfo=tz)
    except ValueError:
        return None


class BookingForm(forms.Form):
    """Who books: the slot is chosen from the buttons of the day's slots (``slot``)."""

    slot = forms.CharField(label=_("Time"), max_length=16, error_messages={"required": _("Choose a time.")})
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": _("Write your name.")})
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    note = forms.CharField(
        label=_("What is it about? (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, tz=None, with_honeypot: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz
        if with_honeypot:
            self.fields[HONEYPOT_FIELD] = HoneypotField()
        for name in ("name", "phone", "email", "note"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def booking(self) -> dict:
        """The service's arguments (``slot_start`` None when the slot's value is not a time)."""
        data = self.cleaned_data
        return {
            "slot_start": slot_parse(data["slot"], self.tz),
            "name": data["name"],
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "note": data.get("note", ""),
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
