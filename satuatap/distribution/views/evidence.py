"""Evidence of aid on the application page: upload a photo, the signed aid receipt or a transfer
proof, open one (audited), print the aid receipt (tanda terima) to be signed at the handover."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from satuatap.core.views.helpers import active_unit
from satuatap.distribution import selectors, services
from satuatap.distribution.models import Evidence, EvidenceKind
from satuatap.organizations.permissions import require


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=EvidenceKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, JPEG, PNG or WebP."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )


@login_required
@require_POST
def evidence_upload(request, pk):
    active_unit(request, "distribution.view")
    application = selectors.application_for(request.user, pk)
    require(request.user, "distribution.evidence_keep", application.unit)
    form = EvidenceForm(request.POST, request.FILES)
    back = redirect(reverse("distribution:application", args=[application.pk]) + "#evidence")
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return back
    try:
        kept = services.evidence_add(
            actor=request.user,
            application=application,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("%(evidence)s is kept.") % {"evidence": kept})
    return back


@login_required
def evidence_open(request, pk):
    active_unit(request, "distribution.view")
    try:
        kept = Evidence.objects.select_related("application__unit").get(
            pk=pk, application__in=selectors.applications_for(request.user)
        )
    except Evidence.DoesNotExist:
        raise Http404 from None
    handle = services.evidence_open(actor=request.user, evidence=kept)
    response = FileResponse(handle, content_type=kept.content_type, filename=kept.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def aid_receipt(request, pk):
    """The aid receipt (tanda terima) as PDF, for the handover."""
    active_unit(request, "distribution.view")
    application = selectors.application_for(request.user, pk)
    try:
        pdf = services.aid_receipt_pdf(application, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("distribution:application", pk=application.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tanda-terima-{application.tracking_code}.pdf"'
    return response
