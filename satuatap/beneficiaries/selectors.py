"""Reads of the registry, always scoped.

The scope rule: a user sees a beneficiary when the unit that registered them lies in one
of the user's subtrees, or when a unit of those subtrees has helped them (an aid record).
Duplicate candidates are the one exception: they are searched across the whole
institution, and a candidate outside the user's scope is shown only as "a match exists
at unit X" (``CandidateView.visible`` is False).
"""

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from satuatap.beneficiaries import matching
from satuatap.beneficiaries.models import (
    AidRecord,
    Beneficiary,
    DedupPair,
    DedupRun,
    Household,
    NeedsStandard,
    NotDuplicate,
    Status,
)
from satuatap.core.crypto import blind_index
from satuatap.core.names import name_key
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import units_where
from satuatap.organizations.selectors import subtree_q


def beneficiaries_for(user, *, within: Unit | None = None, capability: str = "beneficiaries.view") -> QuerySet:
    helped_here = AidRecord.objects.filter(subtree_q(user, capability), beneficiary=OuterRef("pk"))
    rows = Beneficiary.objects.filter(subtree_q(user, capability, "registered_unit") | Exists(helped_here))
    if within is not None:
        rows = rows.filter(registered_unit__path__startswith=within.path)
    return rows


def unit_over(user, beneficiary: Beneficiary, capability: str) -> Unit | None:
    """A top unit on which the user holds ``capability`` and from which ``beneficiary`` is in scope
    (registered in its subtree or helped from it); None when there is none."""
    tops = units_where(user, capability)
    for top in tops:
        if top.contains(beneficiary.registered_unit):
            return top
    for top in tops:
        if AidRecord.objects.filter(beneficiary=beneficiary, unit__path__startswith=top.path).exists():
            return top
    return None


def beneficiary_for(user, pk, *, capability: str = "beneficiaries.view") -> Beneficiary:
    """The beneficiary with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return (
            beneficiaries_for(user, capability=capability)
            .select_related(
                "institution", "registered_unit", "household", "merged_into", "possible_duplicate_of", "created_by"
            )
            .get(pk=pk)
        )
    except (Beneficiary.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def search(
    user, *, within: Unit | None = None, q: str = "", status: str = "", asnaf: str = "", address: str = ""
) -> QuerySet:
    """The registry list: by name (normalised, any word start), number, or phone digits. ``address=
    "unmatched"``: the people whose typed region names match no official area code, to correct."""
    rows = beneficiaries_for(user, within=within).filter(merged_into__isnull=True)
    q = squash(q)
    if q:
        digits = "".join(c for c in q if c.isdigit())
        if digits and len(digits) == len(q.replace(" ", "").replace("-", "").replace("+", "")):
            rows = rows.filter(
                Q(nik_hash=blind_index("nik", digits)) | Q(phone__endswith=digits[-9:]) | Q(number__endswith=digits)
            )
        elif "-" in q and q.upper() == q.replace(" ", "").upper():
            rows = rows.filter(number__istartswith=q)
        else:
            for word in name_key(q, drop_titles=True).split():
                rows = rows.filter(Q(name_key__startswith=word) | Q(name_key__contains=f" {word}"))
    if status in Status.values:
        rows = rows.filter(status=status)
    if asnaf:
        rows = rows.filter(asnaf=asnaf)
    if address == "unmatched":
        rows = rows.filter(region__isnull=True).exclude(province="", regency="", district="", village="")
    return rows.select_related("registered_unit", "household", "possible_duplicate_of").order_by("name_key", "pk")


def possible_duplicates_for(user, *, within: Unit | None = None) -> QuerySet:
    """Records in the user's scope held as possible duplicates, waiting for a person's review
    (``Beneficiary.possible_duplicate_of`` set, not merged)."""
    return (
        beneficiaries_for(user, within=within)
        .filter(possible_duplicate_of__isnull=False, merged_into__isnull=True)
        .select_related("registered_unit", "possible_duplicate_of")
        .order_by("-created_at", "-pk")
    )


def helpable(rows: QuerySet) -> QuerySet:
    """``rows`` without the records that may not be helped: merged, erased, or held as a possible duplicate
    until reviewed (``Beneficiary.is_held`` for one record)."""
    return rows.filter(merged_into__isnull=True, erased_at__isnull=True, possible_duplicate_of__isnull=True)


@dataclass
class CandidateView:
    """A duplicate candidate as the user may see it: the person, or only where a match is held."""

    candidate: matching.Candidate
    visible: bool

    @property
    def unit(self) -> Unit:
        return self.candidate.beneficiary.registered_unit


def candidates_for(user, institution_id: int, probe: matching.Probe) -> list[CandidateView]:
    candidates = matching.candidates(institution_id, probe)
    if not candidates:
        return []
    visible = set(
        beneficiaries_for(user).filter(pk__in=[c.beneficiary.pk for c in candidates]).values_list("pk", flat=True)
    )
    return [CandidateView(c, c.beneficiary.pk in visible) for c in candidates]


def standard_for(unit: Unit, on: date) -> NeedsStandard | None:
    """The needs standard in force at ``unit`` on ``on``: its own, else its nearest ancestor's."""
    standards = NeedsStandard.objects.filter(unit__path__in=unit.lineage_paths, valid_from__lte=on).select_related(
        "unit"
    )
    best = None
    for standard in standards:
        key = (len(standard.unit.path), standard.valid_from)
        if best is None or key > (len(best.unit.path), best.valid_from):
            best = standard
    return best


def standards_at(unit: Unit) -> QuerySet[NeedsStandard]:
    """The needs standards that apply at ``unit`` (its own and its ancestors') and those set below it,
    for a unit the caller has already found in the user's scope."""
    return (
        NeedsStandard.objects.filter(Q(unit__path__in=unit.lineage_paths) | Q(unit__path__startswith=unit.path))
        .select_related("unit", "created_by")
        .order_by("unit__path", "-valid_from", "-id")
    )


def aid_history(beneficiary: Beneficiary) -> QuerySet:
    """Every aid record of the person and of their household, from any unit of the institution."""
    query = Q(beneficiary=beneficiary)
    if beneficiary.household_id:
        query |= Q(household_id=beneficiary.household_id)
    return AidRecord.objects.filter(query).select_related("unit", "beneficiary").order_by("-given_on", "-id")


def aid_totals(beneficiary: Beneficiary) -> dict:
    return aid_history(beneficiary).aggregate(total=Sum("amount"), count=Count("id"))


def household_members(household: Household) -> QuerySet:
    return household.members.filter(merged_into__isnull=True).order_by("relation", "birth_date", "pk")


# --- batch duplicate search -----------------------------------------------------------------------


def dedup_runs_for(unit: Unit) -> QuerySet[DedupRun]:
    """The batch runs over the registry of ``unit``'s institution (a unit the caller has checked)."""
    return DedupRun.objects.filter(institution_id=unit.institution_id).select_related("started_by")


def dedup_run_for(unit: Unit, pk) -> DedupRun:
    """One run of ``unit``'s institution; 404 for another institution's (no hint that it exists)."""
    try:
        return dedup_runs_for(unit).get(pk=pk)
    except (DedupRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class PairFilter:
    """What a reviewer narrows a run's pairs to: registered under ``within`` (either record),
    a probability range (0 to 1), reviewed or not (None: both)."""

    within: Unit | None = None
    low: float | None = None
    high: float | None = None
    reviewed: bool | None = None


def reviewed_q() -> Q:
    """A pair is reviewed when a decision was taken on it here, or elsewhere since the run: one
    record merged, or the two marked different people on a record's page."""
    different = NotDuplicate.objects.filter(first=OuterRef("left"), second=OuterRef("right"))
    return cast(
        Q,
        ~Q(decision="") | Q(left__merged_into__isnull=False) | Q(right__merged_into__isnull=False) | Exists(different),
    )


def dedup_pairs_for(user, run: DedupRun, filters: PairFilter = PairFilter()) -> QuerySet[DedupPair]:
    """The run's pairs in which the user may see at least one record (the other shown only as
    "a record at unit X"), narrowed by ``filters``, in cluster order, with ``is_reviewed``."""
    visible = beneficiaries_for(user).values("pk")
    pairs = run.pairs.filter(Q(left__in=visible) | Q(right__in=visible))
    if filters.within is not None:
        pairs = pairs.filter(
            Q(left__registered_unit__path__startswith=filters.within.path)
            | Q(right__registered_unit__path__startswith=filters.within.path)
        )
    if filters.low is not None:
        pairs = pairs.filter(probability__gte=filters.low)
    if filters.high is not None:
        pairs = pairs.filter(probability__lte=filters.high)
    pairs = pairs.annotate(is_reviewed=ExpressionWrapper(reviewed_q(), output_field=BooleanField()))
    if filters.reviewed is not None:
        pairs = pairs.filter(is_reviewed=filters.reviewed)
    return pairs.select_related(
        "left__registered_unit", "left__merged_into", "right__registered_unit", "right__merged_into", "decided_by"
    ).order_by("cluster", "-probability", "left_id", "right_id")


def visible_among(user, pairs) -> set[int]:
    """Which records of ``pairs`` (a page of them, or a whole queryset) the user may see in full."""
    if isinstance(pairs, QuerySet):
        among = Q(pk__in=pairs.values("left_id")) | Q(pk__in=pairs.values("right_id"))
    else:
        among = Q(pk__in={pair.left_id for pair in pairs} | {pair.right_id for pair in pairs})
    return set(beneficiaries_for(user).filter(among).values_list("pk", flat=True))


def dedup_pairs_picked(user, run: DedupRun, pair_ids) -> list[DedupPair]:
    """The pairs of ``pair_ids`` among the run's pairs the user may see (``dedup_pairs_for``)."""
    return list(dedup_pairs_for(user, run).filter(pk__in=pair_ids))
