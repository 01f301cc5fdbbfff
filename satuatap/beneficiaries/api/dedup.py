"""The batch duplicate search over the REST API: start a run of the institution's registry, read its
pairs (a record outside the user's scope answered only as ``{"unit": name, "in_scope": false}``),
review several pairs at once. The endpoints join the registry's ``router``."""

from django.http import Http404
from ninja import Query, Status

from satuatap.api.pagination import LimitOffsetPagination, paginate
from satuatap.api.scoping import acting_unit
from satuatap.beneficiaries import selectors
from satuatap.beneficiaries.api.registry import ERRORS, router
from satuatap.beneficiaries.api.schemas import (
    DedupPairFilter,
    DedupPairOut,
    DedupReviewIn,
    DedupReviewOut,
    DedupRunIn,
    DedupRunOut,
)
from satuatap.beneficiaries.services import dedup
from satuatap.organizations.selectors import unit_for

# --- batch duplicate search -------------------------------------------------------------------------


def _run_out(run) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "records": run.records,
        "clusters": len(run.clusters or []),
        "seconds": run.seconds,
        "too_empty": run.too_empty,
    }


def _record_out(record, visible: set[int]) -> dict:
    if record.pk not in visible:
        return {"in_scope": False, "unit": record.registered_unit.name}
    return {
        "in_scope": True,
        "unit": record.registered_unit.name,
        "id": record.pk,
        "number": record.number,
        "full_name": record.full_name,
        "nik_masked": record.nik_masked,
        "birth_date": record.birth_date,
        "merged": record.is_merged,
    }


@router.get(
    "/dedup-runs",
    response={200: list[DedupRunOut], **ERRORS},
    summary="Batch duplicate searches of your registry",
    operation_id="satuatap_beneficiaries_api_list_dedup_runs",
)
@paginate(LimitOffsetPagination)
def list_dedup_runs(request, unit_id: int | None = Query(None, description="Default: your first unit.")):
    unit = acting_unit(request.user, unit_id, "beneficiaries.dedup")
    return [_run_out(run) for run in selectors.dedup_runs_for(unit)]


@router.post(
    "/dedup-runs",
    response={202: DedupRunOut, **ERRORS},
    summary="Start a batch duplicate search over your institution's registry (one at a time)",
    operation_id="satuatap_beneficiaries_api_start_dedup_run",
)
def start_dedup_run(request, payload: DedupRunIn):
    unit = acting_unit(request.user, payload.unit_id, "beneficiaries.dedup")
    return Status(202, _run_out(dedup.dedup_start(actor=request.user, unit=unit)))


@router.get(
    "/dedup-runs/{int:run_id}/pairs",
    response={200: list[DedupPairOut], **ERRORS},
    summary="A run's pairs in which you may see a record, filtered (unit, probability, reviewed)",
    operation_id="satuatap_beneficiaries_api_list_dedup_pairs",
)
@paginate(LimitOffsetPagination)
def list_dedup_pairs(request, run_id: int, filters: Query[DedupPairFilter]):
    unit = acting_unit(request.user, filters.unit_id, "beneficiaries.dedup")
    run = selectors.dedup_run_for(unit, run_id)
    within = None
    if filters.within_unit_id is not None:
        within = unit_for(request.user, filters.within_unit_id, capability="beneficiaries.dedup")
    pairs = selectors.dedup_pairs_for(
        request.user,
        run,
        selectors.PairFilter(
            within=within, low=filters.min_probability, high=filters.max_probability, reviewed=filters.reviewed
        ),
    )
    return _PairPage(request.user, pairs)


class _PairPage:
    """The pairs as the paginator slices them, each page's visible records looked up at once."""

    def __init__(self, user, pairs):
        self.user, self.pairs = user, pairs

    def count(self) -> int:
        return self.pairs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        page = list(self.pairs[window])
        visible = selectors.visible_among(self.user, page)
        return [
            {
                "id": pair.pk,
                "cluster": pair.cluster,
                "probability": pair.probability,
                "reasons": [dedup.reason_text(reason) for reason in pair.reasons],
                "reviewed": pair.is_reviewed,
                "decision": pair.decision,
                "left": _record_out(pair.left, visible),
                "right": _record_out(pair.right, visible),
            }
            for pair in page
        ]


@router.post(
    "/dedup-runs/{int:run_id}/review",
    response={200: DedupReviewOut, **ERRORS},
    summary='Review pairs at once: "merged" (the later record into the earlier) or "different" people',
    operation_id="satuatap_beneficiaries_api_review_dedup_pairs",
)
def review_dedup_pairs(request, run_id: int, payload: DedupReviewIn):
    unit = acting_unit(request.user, payload.unit_id, "beneficiaries.dedup")
    run = selectors.dedup_run_for(unit, run_id)
    pairs = selectors.dedup_pairs_picked(request.user, run, payload.pair_ids)
    if len(pairs) != len(set(payload.pair_ids)):
        raise Http404
    done, refused = dedup.dedup_pairs_review(actor=request.user, unit=unit, pairs=pairs, decision=payload.decision)
    return {"reviewed": done, "refused": refused}
