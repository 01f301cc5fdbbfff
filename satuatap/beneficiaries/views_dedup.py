"""Registry-wide duplicate detection: start a batch run, review what it found. Nothing is merged
here: each cluster links to the people's pages, where a person compares and merges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import selectors
from satuatap.beneficiaries.models import Beneficiary, DedupRun
from satuatap.beneficiaries.views import _unit
from satuatap.organizations.permissions import can

CLUSTERS_PER_PAGE = 30


@login_required
def dedup_runs(request):
    unit = _unit(request, "beneficiaries.dedup")
    runs = DedupRun.objects.filter(institution_id=unit.institution_id).select_related("started_by")[:50]
    pending = any(r.status in (DedupRun.RunStatus.QUEUED, DedupRun.RunStatus.RUNNING) for r in runs)
    template = "beneficiaries/_dedup_runs.html" if request.htmx else "beneficiaries/dedup_runs.html"
    return render(request, template, {"unit": unit, "runs": runs, "pending": pending})


@login_required
@require_POST
def dedup_run_start(request):
    from satuatap.beneficiaries.dedup import dedup_start

    unit = _unit(request, "beneficiaries.dedup")
    run = dedup_start(actor=request.user, unit=unit)
    messages.success(
        request,
        _("The duplicate search over the whole registry has started; it runs in the background.")
        if run.status in (DedupRun.RunStatus.QUEUED, DedupRun.RunStatus.RUNNING)
        else _("The duplicate search has finished."),
    )
    return redirect("beneficiaries:dedup_runs")


@login_required
def dedup_run(request, pk):
    unit = _unit(request, "beneficiaries.dedup")
    try:
        run = DedupRun.objects.select_related("started_by").get(pk=pk, institution_id=unit.institution_id)
    except (DedupRun.DoesNotExist, ValueError):
        raise Http404 from None
    page = Paginator(run.clusters or [], CLUSTERS_PER_PAGE).get_page(request.GET.get("page"))
    ids = {int(i) for cluster in page for i in cluster.get("ids", [])}
    people = {
        b.pk: b
        for b in Beneficiary.objects.filter(pk__in=ids, institution_id=run.institution_id).select_related(
            "registered_unit", "merged_into"
        )
    }
    visible = set(selectors.beneficiaries_for(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    clusters = []
    for cluster in page:
        members = []
        for i in cluster.get("ids", []):
            person = people.get(int(i))
            if person is not None:
                members.append({"b": person, "visible": person.pk in visible})
        pairs = []
        for pair in cluster.get("pairs", []):
            left, right = people.get(int(pair.get("l", 0))), people.get(int(pair.get("r", 0)))
            if left is None or right is None:
                continue
            pairs.append(
                {
                    "l": {"b": left, "visible": left.pk in visible},
                    "r": {"b": right, "visible": right.pk in visible},
                    "percent": round(float(pair.get("probability", 0)) * 100),
                    "reasons": [str(r) for r in pair.get("reasons", [])],
                    # Comparing and merging needs both on the user's side, still in use.
                    "comparable": left.pk in visible
                    and right.pk in visible
                    and not left.is_merged
                    and not right.is_merged
                    and not left.erased_at
                    and not right.erased_at,
                }
            )
        clusters.append({"members": members, "pairs": pairs, "visible": sum(m["visible"] for m in members)})
    return render(
        request,
        "beneficiaries/dedup_run.html",
        {
            "run": run,
            "page": page,
            "clusters": clusters,
            "can_merge": can(request.user, "beneficiaries.merge", unit),
        },
    )
