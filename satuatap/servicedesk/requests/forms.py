"""Forms of service requests: a new request (at the counter, from a ticket, online, from a pasted
WhatsApp conversation) with one file field per requirement of the service's standard, the step forms
(reject with a reason, hand over) and adding a document.

A form sent back with an error elsewhere keeps the files already chosen (``core.uploads`` holds them
under a signed token), as the public aid form does."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from satuatap.core.forms import KeptDocumentsMixin
from satuatap.core.throttle import HONEYPOT_FIELD, HoneypotField
from satuatap.core.uploads import sniff
from satuatap.servicedesk.requests.services import document_field

ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"


class RequestForm(KeptDocumentsMixin, forms.Form):
    applicant_name = forms.CharField(
        label=capfirst(_("applicant's name")),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter the applicant's name.")},
    )
    applicant_phone = forms.CharField(
        label=capfirst(_("phone (WhatsApp)")),
        max_length=40,
        required=False,
        help_text=_("e.g. 0812-3456-7890; we send the steps of the request here when no email is given."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.CharField(
        label=capfirst(_("email")),
        max_length=200,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    details = forms.CharField(
        label=capfirst(_("details")),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is asked for, anything the officer should know."),
    )
    notify = forms.BooleanField(label=_("Tell the applicant of each step"), required=False, initial=True)

    def __init__(self, *args, requirements=(), public=False, whatsapp=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        self.public = public
        if whatsapp:
            self.fields["applicant_phone"].label = capfirst(_("sender's number"))
            self.fields["applicant_phone"].required = True
            self.fields["applicant_phone"].error_messages["required"] = _("Enter the number the message came from.")
            self.fields["applicant_phone"].help_text = _("The WhatsApp number the conversation came from.")
            self.fields["transcript"] = forms.CharField(
                label=capfirst(_("WhatsApp conversation")),
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace small"}),
                help_text=_("Paste the conversation (in WhatsApp: the messages, then copy)."),
                error_messages={"required": _("Paste the WhatsApp conversation.")},
            )
            self.order_fields(["transcript", "applicant_phone", "applicant_name"])
        if public:
            del self.fields["notify"]
            self.fields[HONEYPOT_FIELD] = HoneypotField()
        for requirement in self.requirements:
            if not requirement.needs_document:
                continue
            name = document_field(requirement.pk)
            label = f"{requirement.name} *" if requirement.is_mandatory else f"{requirement.name} ({_('optional')})"
            self.fields[name] = forms.FileField(
                label=capfirst(label),
                required=False,  # the service names every missing mandatory document at once
                help_text=requirement.description,
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
                error_messages={"empty": _("This file is empty.")},
            )
        self._take_kept()

    @property
    def plain_fields(self):
        return [self[n] for n in self.fields if not n.startswith("document_") and n != HONEYPOT_FIELD]

    def clean(self):
        data = super().clean()
        limit = settings.DOCUMENT_MAX_BYTES
        for name in list(data):
            upload = data.get(name)
            if not name.startswith("document_") or not upload:
                continue
            if upload.size > limit:
                self.add_error(
                    name,
                    _("This file is %(size)s MB; a document may be at most %(max)s MB.")
                    % {"size": round(upload.size / 1048576, 1), "max": round(limit / 1048576, 1)},
                )
                continue
            upload.seek(0)
            head = upload.read(16)
            upload.seek(0)
            if sniff(head) is None:
                self.add_error(name, _("Upload a PDF, JPEG, PNG or WebP file; this file is of another type."))
        return data

    def documents(self) -> dict[int, object]:
        data = self.cleaned_data
        return {
            int(name.removeprefix("document_")): data[name]
            for name in self.fields
            if name.startswith("document_") and data.get(name)
        }

    def submission(self) -> dict:
        data = self.cleaned_data
        return {
            "applicant_name": data.get("applicant_name", ""),
            "applicant_phone": data.get("applicant_phone", ""),
            "applicant_email": data.get("applicant_email", ""),
            "details": data.get("details", ""),
            "transcript": data.get("transcript", ""),
            "notify": True if self.public else bool(data.get("notify")),
            "documents": self.documents(),
        }


class StepForm(forms.Form):
    to_status = forms.CharField(max_length=16, widget=forms.HiddenInput)
    note = forms.CharField(label=capfirst(_("note")), max_length=2000, required=False)
    reject_reason = forms.CharField(
        label=capfirst(_("reason for rejection (the applicant sees it)")),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    handed_to = forms.CharField(label=capfirst(_("received by")), max_length=200, required=False)
    handed_to_note = forms.CharField(
        label=capfirst(_("relation or identity of the receiver")),
        max_length=200,
        required=False,
        help_text=_("e.g. the applicant himself, KTP 3319…; or the applicant's wife."),
    )


class DocumentForm(forms.Form):
    requirement = forms.TypedChoiceField(label=capfirst(_("for")), coerce=int, required=False, empty_value=None)
    file = forms.FileField(
        label=capfirst(_("file")),
        help_text=_("PDF, JPEG, PNG or WebP."),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [("", _("Another document")), *[(r.pk, r.name) for r in requirements]]
