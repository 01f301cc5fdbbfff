"""Registry-wide duplicate detection: start a batch run, review what it found. A run's pairs are
filtered (unit, probability, reviewed or not), exported (CSV, XLSX) and reviewed several at once
("same person: merge", "not the same") through the same services as a record's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import selectors
from satuatap.beneficiaries.forms import PairFilterForm, PairReviewForm
from satuatap.beneficiaries.linkage.prepare import FIELDS
from satuatap.beneficiaries.models import DedupRun
from satuatap.beneficiaries.services.dedup import DedupRefused, dedup_pairs_review, dedup_start, reason_text
from satuatap.beneficiaries.views.common import page_unit
from satuatap.core.exports import Column, table_response
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import units_for

PAIRS_PER_PAGE = 50


def field_labels() -> dict[str, str]:
    """The record fields the model reads, as a reviewer knows them."""
    return dict(
        zip(
            FIELDS,
            [_("Name"), _("NIK"), _("KK"), _("Birth date"), _("Sex"), _("Phone"), _("Village"), _("District"),
             _("Regency/city"), _("Street")],
            strict=True,
        )
    )  # fmt: skip


@login_required
def dedup_runs(request):
    unit = page_unit(request, "beneficiaries.dedup")
    runs = selectors.dedup_runs_for(unit)[:50]
    pending = any(r.status in DedupRun.PENDING for r in runs)
    template = "beneficiaries/_dedup_runs.html" if request.htmx else "beneficiaries/dedup_runs.html"
    return render(request, template, {"unit": unit, "runs": runs, "pending": pending})


@login_required
@require_POST
def dedup_run_start(request):
    unit = page_unit(request, "beneficiaries.dedup")
    try:
        dedup_start(actor=request.user, unit=unit)
    except DedupRefused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The duplicate search over the whole registry has started; it runs in the background.")
        )
    return redirect("beneficiaries:dedup_runs")


def _side(record, visible: set[int]) -> dict:
    return {"b": record, "visible": record.pk in visible}


def _pair_view(pair, visible: set[int]) -> dict:
    left, right = pair.left, pair.right
    return {
        "pk": pair.pk,
        "cluster": pair.cluster,
        "l": _side(left, visible),
        "r": _side(right, visible),
        "percent": round(pair.probability * 100),
        "reasons": [reason_text(reason) for reason in pair.reasons],
        "reviewed": pair.is_reviewed,
        "decision": pair.get_decision_display(),
        # Comparing and merging needs both on the user's side, still in use.
        "comparable": left.pk in visible
        and right.pk in visible
        and not left.is_merged
        and not right.is_merged
        and not left.erased_at
        and not right.erased_at,
    }


def _export(request, fmt: str, unit, run: DedupRun, pairs):
    """Every filtered pair of the run, one row each; a record the user may not see is given only
    by its unit, identifiers masked as on screen."""
    visible = selectors.visible_among(request.user, pairs)
    header = [
        Column(_("Group"), "integer"), Column(_("Probability (%)"), "percent"),
        *(label % {"n": n} for n in (1, 2) for label in (
            _("Record %(n)s"), _("Name %(n)s"), _("Birth date %(n)s"), _("NIK %(n)s"), _("Village %(n)s"),
            _("Registered at %(n)s"),
        )),
        _("Why"), _("Reviewed"), _("Decision"), _("Decided by"),
    ]  # fmt: skip

    def side(record):
        if record.pk not in visible:
            return ["", "", None, "", "", record.registered_unit.name]
        return [
            record.number, record.full_name, record.birth_date, record.nik_masked, record.village,
            record.registered_unit.name,
        ]  # fmt: skip

    rows = (
        [
            pair.cluster, round(pair.probability * 100, 1), *side(pair.left), *side(pair.right),
            "; ".join(reason_text(reason) for reason in pair.reasons), _("yes") if pair.is_reviewed else _("no"),
            pair.get_decision_display(), str(pair.decided_by or ""),
        ]
        for pair in pairs.iterator(chunk_size=2000)
    )  # fmt: skip
    return table_response(
        fmt,
        f"duplicates-{run.pk}",
        _("Probable duplicates"),
        header,
        rows,
        request=request,
        unit=unit,
    )


@login_required
def dedup_run(request, pk):
    unit = page_unit(request, "beneficiaries.dedup")
    run = selectors.dedup_run_for(unit, pk)
    form = PairFilterForm(request.GET or None, units=units_for(request.user, capability="beneficiaries.dedup"))
    pairs = selectors.dedup_pairs_for(request.user, run, form.filters())
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and (form.is_bound is False or form.is_valid()):
        return _export(request, fmt, unit, run, pairs)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    visible = selectors.visible_among(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    labels = field_labels()
    return render(
        request,
        "beneficiaries/dedup_run.html",
        {
            "run": run,
            "form": form,
            "page": page,
            "pairs": [_pair_view(pair, visible) for pair in page],
            "query": query.urlencode(),
            "too_empty": [labels[name] for name in run.too_empty],
            "can_merge": can(request.user, "beneficiaries.merge", unit),
            "can_mark": can(request.user, "beneficiaries.manage", unit),
        },
    )


@login_required
@require_POST
def dedup_review(request, pk):
    """Apply "same person: merge" or "not the same" to the selected pairs, each pair on its own:
    what was refused is listed, the rest is done."""
    unit = page_unit(request, "beneficiaries.dedup")
    run = selectors.dedup_run_for(unit, pk)
    form = PairReviewForm(request.POST, pairs=selectors.dedup_pairs_for(request.user, run))
    # Back to the same filtered page: the query string is kept, on our own path only.
    back = QueryDict(request.POST.get("next") or "").urlencode()
    target = reverse("beneficiaries:dedup_run", args=[run.pk]) + (f"?{back}" if back else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    try:
        done, refusals = dedup_pairs_review(
            actor=request.user, unit=unit, pairs=form.cleaned_data["pairs"], decision=form.cleaned_data["decision"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(target)
    if done:
        messages.success(request, _("%(count)s pairs reviewed.") % {"count": done})
    for refusal in refusals:
        messages.error(request, refusal)
    return redirect(target)
