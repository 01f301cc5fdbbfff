"""Import pages: upload, the job's progress and preview, save or cancel, templates and error lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.collection import imports
from satuatap.collection.forms.imports import ImportForm, allowed_kinds
from satuatap.collection.imports.selectors import import_job_for, import_jobs_for
from satuatap.collection.imports.templates import template_bytes
from satuatap.collection.models import ImportKind, ImportStatus
from satuatap.core.exports import XLSX_TYPE, table_response
from satuatap.core.import_jobs import inert
from satuatap.core.views.helpers import apply_service_error
from satuatap.organizations.permissions import can, require

ERRORS_SHOWN = 200


def _top(request):
    unit = request.active_unit
    if unit is None:
        raise PermissionDenied(_("Your account has no role on any unit yet."))
    if not allowed_kinds(request.user, unit):
        raise PermissionDenied(_("Your role on %(unit)s does not allow imports.") % {"unit": unit.name})
    return unit


@login_required
def imports_list(request):
    top = _top(request)
    page = Paginator(import_jobs_for(request.user, within=top), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/imports.html",
        {"page": page, "top": top, "kinds": allowed_kinds(request.user, top)},
    )


@login_required
def import_new(request):
    top = _top(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, top=top)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_upload(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                content=upload.read(),
                language=getattr(request, "LANGUAGE_CODE", "id"),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("collection:import_detail", pk=job.pk)
    return render(request, "collection/import_new.html", {"form": form, "kinds": allowed_kinds(request.user, top)})


@login_required
def import_detail(request, pk):
    _top(request)
    job = import_job_for(request.user, pk, light=bool(request.htmx))
    if request.htmx:
        if not job.is_running:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"  # the check or the saving is done: show the whole page anew
            return response
        return render(request, "collection/import_progress.html", {"job": job})
    errors = job.errors or []
    return render(
        request,
        "collection/import_detail.html",
        {
            "job": job,
            "errors": errors[:ERRORS_SHOWN],
            "more_errors": max(0, len(errors) - ERRORS_SHOWN),
            "can_commit": job.status == ImportStatus.VALIDATED and job.valid_rows > 0,
            "can_cancel": job.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATED, ImportStatus.FAILED),
            "is_donations": job.kind == ImportKind.DONATIONS,
            "may_act": can(request.user, imports.capability(job.kind), job.unit),
        },
    )


@login_required
@require_POST
def import_commit(request, pk):
    _top(request)
    job = import_job_for(request.user, pk)
    try:
        started = imports.import_commit_request(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if started:
            messages.success(request, _("Saving %(count)s rows has started.") % {"count": job.valid_rows})
        else:
            messages.info(request, _("This import is already being saved, was saved or was cancelled."))
    return redirect("collection:import_detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    _top(request)
    job = import_job_for(request.user, pk)
    try:
        imports.import_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The import was cancelled; nothing of it was saved."))
    return redirect("collection:import_detail", pk=job.pk)


@login_required
def import_template(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    top = _top(request)
    require(request.user, imports.capability(kind), top)
    response = HttpResponse(template_bytes(kind), content_type=XLSX_TYPE)
    name = _("template-donors") if kind == ImportKind.DONORS else _("template-donations")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def import_errors(request, pk):
    _top(request)
    job = import_job_for(request.user, pk)
    header = [_("Row"), _("Column"), _("Reason")]
    rows = ([row, inert(column), inert(message)] for row, column, message in job.errors or [])
    response = table_response(request.GET.get("format", "xlsx"), f"import-{job.pk}-errors", _("Errors"), header, rows)
    if response is None:
        raise Http404
    return response
