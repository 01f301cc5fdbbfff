"""Import pages of the registry: upload a list, watch the check, read the errors and the possible
duplicates, choose which flagged rows to include, save or cancel; the template and the error list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import imports
from satuatap.beneficiaries.forms import BeneficiaryImportForm
from satuatap.beneficiaries.imports import jobs
from satuatap.beneficiaries.imports.columns import COLUMNS, template_bytes
from satuatap.beneficiaries.imports.selectors import import_job_for, import_jobs_for
from satuatap.beneficiaries.models import BeneficiaryImport
from satuatap.beneficiaries.selectors import beneficiaries_for
from satuatap.core.exports import XLSX_TYPE, table_response
from satuatap.core.import_jobs import inert
from satuatap.core.views.helpers import apply_service_error
from satuatap.organizations.permissions import can

ERRORS_SHOWN = 200
S = BeneficiaryImport.JobStatus


def _top(request):
    unit = request.active_unit
    if unit is None:
        raise PermissionDenied(_("Your account has no role on any unit yet."))
    if not can(request.user, imports.CAPABILITY, unit):
        raise PermissionDenied(_("Your role on %(unit)s does not allow importing beneficiaries.") % {"unit": unit.name})
    return unit


def _visible_records(user, duplicates: list[dict]) -> dict:
    """The registry records named by the flags that this user may see, by id: the others are shown
    only as "a match is held at unit X"."""
    ids = {c["id"] for d in duplicates for c in d.get("registry", [])}
    if not ids:
        return {}
    records = beneficiaries_for(user).filter(pk__in=ids).only("id", "number", "full_name")
    return {b.pk: b for b in records}


def _flags(user, job) -> list[dict]:
    duplicates = job.duplicates or []
    visible = _visible_records(user, duplicates)
    include = set(job.include or [])
    out = []
    for flag in duplicates:
        registry = []
        for candidate in flag.get("registry", []):
            record = visible.get(candidate["id"])
            registry.append(
                {
                    "unit": candidate["unit"],
                    "record": record,
                    "percent": round(candidate["score"] * 100),
                    "reasons": candidate["reasons"] if record else [],
                }
            )
        out.append({**flag, "registry": registry, "included": flag["row"] in include})
    return out


@login_required
def import_list(request):
    top = _top(request)
    page = Paginator(import_jobs_for(request.user, within=top), 50).get_page(request.GET.get("page"))
    return render(request, "beneficiaries/imports/list.html", {"page": page, "top": top})


@login_required
def import_new(request):
    top = _top(request)
    form = BeneficiaryImportForm(request.POST or None, request.FILES or None, user=request.user, top=top)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_upload(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                filename=upload.name,
                content=upload.read(),
                language=getattr(request, "LANGUAGE_CODE", "id"),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("beneficiaries:import_detail", pk=job.pk)
    return render(request, "beneficiaries/imports/new.html", {"form": form, "max_rows": jobs.MAX_ROWS})


@login_required
def import_detail(request, pk):
    _top(request)
    job = import_job_for(request.user, pk, light=bool(request.htmx))
    if request.htmx:
        if not job.is_running:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"  # the check or the saving is done: show the whole page anew
            return response
        return render(request, "beneficiaries/imports/_progress.html", {"job": job})
    errors = job.errors or []
    flags = _flags(request.user, job)
    may_act = can(request.user, imports.CAPABILITY, job.unit)
    columns = (job.summary or {}).get("columns", {})
    may_correct = may_act and job.status == S.VALIDATED
    return render(
        request,
        "beneficiaries/imports/detail.html",
        {
            "job": job,
            "errors": [
                {"row": row, "column": column, "message": message, "key": columns.get(column) if may_correct else None}
                for row, column, message in errors[:ERRORS_SHOWN]
            ],
            "warnings": (job.summary or {}).get("warnings", [])[:ERRORS_SHOWN],
            "more_errors": max(0, len(errors) - ERRORS_SHOWN),
            "flags": flags,
            "includable": sum(1 for f in flags if f["valid"]),
            "to_save": jobs.rows_to_save(job),
            "can_commit": job.status == S.VALIDATED and job.valid_rows > 0,
            "can_cancel": job.status in (S.UPLOADED, S.VALIDATED, S.FAILED),
            "may_act": may_act,
        },
    )


@login_required
def import_row_correct(request, pk):
    """The inline correction of one cell (``?row=&column=``) on the preview (htmx): GET gives the small form
    in place of the message, POST keeps the value in the import and checks the row again, then shows the
    page anew."""
    _top(request)
    job = import_job_for(request.user, pk)
    column = request.POST.get("column") or request.GET.get("column", "")
    try:
        row = int(request.POST.get("row") or request.GET.get("row", ""))
    except ValueError:
        raise Http404 from None
    if request.method != "POST":
        if column not in {c.key for c in COLUMNS}:
            raise Http404
        value = (job.corrections or {}).get(str(row), {}).get(column, "")
        header = next((h for h, key in (job.summary or {}).get("columns", {}).items() if key == column), column)
        return render(
            request,
            "beneficiaries/imports/_correct.html",
            {"job": job, "row": row, "column": column, "header": header, "value": value},
        )
    try:
        result = imports.import_row_correct(
            actor=request.user, job=job, row=row, column=column, value=request.POST.get("value", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if result["errors"]:
            messages.warning(
                request,
                _("Row %(row)s was checked again and still has errors: %(errors)s")
                % {"row": row, "errors": " ".join(message for _r, _c, message in result["errors"])},
            )
        elif result["flag"]:
            messages.info(request, _("Row %(row)s is correct now; it is a possible duplicate.") % {"row": row})
        else:
            messages.success(request, _("Row %(row)s is correct now and will be saved.") % {"row": row})
    target = reverse("beneficiaries:import_detail", args=[job.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
@require_POST
def import_commit(request, pk):
    _top(request)
    job = import_job_for(request.user, pk)
    try:
        started = imports.import_commit_request(
            actor=request.user,
            job=job,
            include=request.POST.getlist("include"),
            include_all=request.POST.get("include_all") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if started:
            messages.success(
                request,
                _("Saving %(count)s rows has started; nothing is saved until all are in.")
                % {"count": jobs.rows_to_save(job)},
            )
        else:
            messages.info(request, _("This import is already being saved, was saved or was cancelled."))
    return redirect("beneficiaries:import_detail", pk=job.pk)


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
    return redirect("beneficiaries:import_detail", pk=job.pk)


@login_required
def import_template(request):
    _top(request)
    response = HttpResponse(template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="template-mustahik.xlsx"'
    return response


def _flag_lines(user, job):
    for flag in _flags(user, job):
        for twin in flag["file"]:
            yield [
                flag["row"],
                "",
                _("Possible duplicate of row %(row)s of this file (%(reason)s).") % twin,
            ]
        for candidate in flag["registry"]:
            if candidate["record"] is not None:
                yield [
                    flag["row"],
                    "",
                    _("Possible duplicate of %(number)s at %(unit)s (%(reasons)s).")
                    % {
                        "number": candidate["record"].number,
                        "unit": candidate["unit"],
                        "reasons": "; ".join(candidate["reasons"]),
                    },
                ]
            else:
                yield [flag["row"], "", _("A possible match is registered at %(unit)s.") % {"unit": candidate["unit"]}]


@login_required
def import_errors(request, pk):
    _top(request)
    job = import_job_for(request.user, pk)
    header = [_("Row"), _("Column"), _("Reason")]
    lines = [[row, inert(column), inert(message)] for row, column, message in job.errors or []]
    lines += [[row, inert(column), inert(message)] for row, column, message in (job.summary or {}).get("warnings", [])]
    lines += [[row, column, inert(message)] for row, column, message in _flag_lines(request.user, job)]
    lines.sort(key=lambda line: line[0])
    response = table_response(
        request.GET.get("format", "csv"), f"mustahik-import-{job.pk}-errors", _("Errors"), header, lines
    )
    if response is None:
        raise Http404
    return response
