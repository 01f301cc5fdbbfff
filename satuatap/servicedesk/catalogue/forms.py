"""Forms of the service catalogue. They only read the input; the rules (codes, the 14 components,
who approves, effective dates) are ``catalogue.services``', whose refusals the views put beside
the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import DateInput, RupiahField
from satuatap.servicedesk.models import NoShowRule


def _area(rows: int = 3, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ServiceForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10, required=False,
                           help_text=_("2 to 10 capital letters or digits, for example KTP."))  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=_area(2))
    needs_queue = forms.BooleanField(label=_("Served at the queue"), required=False)
    needs_appointment = forms.BooleanField(label=_("By appointment"), required=False)
    needs_request = forms.BooleanField(label=_("As a multi-day request"), required=False)
    daily_quota = forms.IntegerField(label=_("Daily quota (tickets)"), required=False, min_value=1,
                                     help_text=_("Leave empty for no quota."))  # fmt: skip
    slot_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=5, max_value=480, initial=30)
    slot_capacity = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=500, initial=4)
    local_details = forms.CharField(label=_("Local details"), required=False, widget=_area(2))
    position = forms.IntegerField(label=_("Position in the list"), min_value=0, max_value=999, required=False)
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, adopted: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adopted:
            for name in ("code", "name", "category", "description"):
                del self.fields[name]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("position") is None:
            data.pop("position", None)
        return data


class AdoptForm(forms.Form):
    parent_service = forms.ModelChoiceField(label=_("Service of a unit above"), queryset=None,
                                            empty_label=_("— choose a service —"))  # fmt: skip
    local_details = forms.CharField(label=_("Local details"), required=False, widget=_area(2))

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        from satuatap.servicedesk.models import Service

        self.fields["parent_service"].queryset = Service.objects.filter(pk__in=[s.pk for s in services])
        self.fields["parent_service"].label_from_instance = lambda s: f"{s.name} ({s.code}) · {s.unit.name}"


class StandardForm(forms.Form):
    # Delivery.
    legal_basis = forms.CharField(label=_("1. Legal basis"), required=False, widget=_area(4),
                                  help_text=_("One regulation a line."))  # fmt: skip
    procedure = forms.CharField(label=_("3. Procedure"), required=False, widget=_area(5),
                                help_text=_("One step a line, in order."))  # fmt: skip
    service_minutes = forms.IntegerField(label=_("4. Service time at the counter (minutes)"), required=False,
                                         min_value=1, max_value=1440)  # fmt: skip
    service_days = forms.IntegerField(label=_("Completion time (working days)"), required=False, min_value=0,
                                      max_value=365)  # fmt: skip
    service_time_note = forms.CharField(label=_("Service time note"), required=False, max_length=300)
    is_free = forms.BooleanField(label=_("5. Free of charge"), required=False)
    tariff = RupiahField(label=_("Tariff"), required=False)
    tariff_basis = forms.CharField(label=_("Legal basis of the tariff"), required=False, widget=_area(2))
    product = forms.CharField(label=_("6. Product of the service"), required=False, widget=_area(2))
    # Management.
    complaint_channels = forms.CharField(label=_("7. Complaint handling (channels)"), required=False, widget=_area())
    facilities = forms.CharField(label=_("8. Facilities"), required=False, widget=_area())
    staff_competence = forms.CharField(label=_("9. Staff competence"), required=False, widget=_area())
    internal_supervision = forms.CharField(label=_("10. Internal supervision"), required=False, widget=_area())
    staff_count = forms.IntegerField(label=_("11. Number of staff"), required=False, min_value=0, max_value=1000)
    service_guarantee = forms.CharField(label=_("12. Guarantee of service"), required=False, widget=_area())
    security_guarantee = forms.CharField(label=_("13. Security and safety guarantee"), required=False,
                                         widget=_area())  # fmt: skip
    performance_evaluation = forms.CharField(label=_("14. Performance evaluation"), required=False, widget=_area())

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["procedure"] = data["procedure"].splitlines()
        if data.get("tariff") is None:
            data["tariff"] = 0
        return data


class RequirementForm(forms.Form):
    name = forms.CharField(label=_("Requirement"), max_length=300, required=False)
    description = forms.CharField(label=_("Note"), max_length=1000, required=False)
    needs_document = forms.BooleanField(label=_("Document to upload"), required=False, initial=True)
    is_mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)


RequirementFormSet = forms.formset_factory(RequirementForm, extra=3, max_num=40, validate_max=True)


def requirement_items(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]


class PublishForm(forms.Form):
    effective_from = forms.DateField(label=_("Takes effect on"), widget=DateInput())


class DeskSettingsForm(forms.Form):
    maklumat = forms.CharField(label=_("Maklumat pelayanan"), required=False, widget=_area(6),
                               help_text=_("The unit's public promise of service, printed on its poster."))  # fmt: skip
    whatsapp_line = forms.CharField(label=_("WhatsApp service line"), max_length=32, required=False,
                                    help_text=_("Write it as 08xx or +62 8xx. Its hours are the unit's WhatsApp "
                                                "hours in the unit calendar."))  # fmt: skip
    recalls_before_no_show = forms.IntegerField(label=_("Recalls before a no-show"), min_value=0, max_value=10)
    no_show_rule = forms.ChoiceField(label=_("After a no-show"), choices=NoShowRule.choices)
    no_show_recall_calls = forms.IntegerField(label=_("Later calls within which a no-show may return"),
                                              min_value=0, max_value=50)  # fmt: skip
    priority_every = forms.IntegerField(label=_("Priority ticket at least every N calls"), min_value=1, max_value=20)
    early_check_in_minutes = forms.IntegerField(label=_("Check-in earliest (minutes before the slot)"),
                                                min_value=0, max_value=240)  # fmt: skip
    late_check_in_minutes = forms.IntegerField(label=_("Check-in latest (minutes after the slot)"),
                                               min_value=0, max_value=240)  # fmt: skip
    notify_when_ahead = forms.IntegerField(label=_("Tell a phone ticket when this many are ahead"),
                                           min_value=0, max_value=50)  # fmt: skip
