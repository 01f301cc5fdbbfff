"""Registry-wide duplicate detection in batch: read the institution's registry, run the Splink
model of ``linkage`` on it, keep what it found in a ``DedupRun`` for people to review.

A run only reports clusters of records that are probably one person, each pair (a ``DedupPair``
row) with its probability and its reasons; merging stays a person's decision, one pair at a time
on the beneficiary's page or for several pairs at once (``dedup_pairs_review``), through the same
merge and "not the same person" services. Pairs a person has already marked as different people
(``NotDuplicate``) are left out. Every run starts through ``dedup_start`` (the page, the API and
``manage.py registry_dedup`` alike), which audits it and refuses a second run of the institution
while one is queued or running.
"""

import logging
import re
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.errors import MergeRefused
from satuatap.beneficiaries.models import Beneficiary, BeneficiaryKind, DedupPair, DedupRun, NotDuplicate
from satuatap.beneficiaries.services.duplicates import beneficiary_merge, not_duplicate_mark
from satuatap.core.errors import DomainError, NotAllowed
from satuatap.core.formatting import format_fraction
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

log = logging.getLogger(__name__)


class DedupRefused(DomainError):
    """A duplicate search that cannot start, or a review that cannot be applied as asked."""


# Records read from the database per round trip.
CHUNK = 20_000


def registry_records(institution_id: int):
    """The registry in the shape ``linkage.deduplicate`` reads: identifiers only as keyed hashes."""
    rows = (
        Beneficiary.objects.filter(
            institution_id=institution_id, kind=BeneficiaryKind.PERSON, merged_into__isnull=True, erased_at__isnull=True
        )
        .order_by("pk")
        .values_list(
            "pk",
            "full_name",
            "nik_hash",
            "household__kk_hash",
            "birth_date",
            "sex",
            "phone",
            "village",
            "district",
            "regency",
            "province",
            "street",
            "registered_unit_id",
        )
    )
    for pk, name, nik, kk, born, sex, phone, village, district, regency, province, street, unit in rows.iterator(CHUNK):
        yield {
            "id": pk,
            "full_name": name,
            "nik_key": nik or None,
            "kk_key": kk or None,
            "birth_date": born,
            "sex": sex or None,
            "phone": phone or None,
            "village": village or None,
            "district": district or None,
            "regency": regency or None,
            "province": province or None,
            "street": street or None,
            "unit_id": unit,
        }


_SIMILAR_NAME = re.compile(r"^name (\d\.\d+)$")


def reason_text(reason: str) -> str:
    """A stored (English) reason in the reader's language: "name 0.93" as the online search
    says it ("nama 0,93"), the others through their msgid."""
    similar = _SIMILAR_NAME.match(reason)
    if similar:
        return _("name %(similarity)s") % {"similarity": format_fraction(float(similar.group(1)))}
    return _(reason) if reason else reason  # noqa: INT001 - msgids marked in linkage.settings


def _clusters_json(result, rejected: set[tuple[int, int]]) -> list[dict]:
    """The result's clusters with their pairs, without the pairs a person said are different people;
    a cluster held together only by such pairs falls apart."""
    from satuatap.beneficiaries.linkage.batch import clusters_of

    pairs = [p for p in result.pairs if (p.id_l, p.id_r) not in rejected]
    by_member: dict[int, list] = {}
    for pair in pairs:
        by_member.setdefault(pair.id_l, []).append(pair)
    out = []
    for ids in clusters_of(pairs):
        members = set(ids)
        cluster_pairs = [p for i in ids for p in by_member.get(i, []) if p.id_r in members]
        out.append(
            {
                "ids": ids,
                "pairs": [
                    {"l": p.id_l, "r": p.id_r, "probability": round(p.match_probability, 4), "reasons": p.reasons}
                    for p in sorted(cluster_pairs, key=lambda p: -p.match_probability)
                ],
            }
        )
    return out


def _store_pairs(run: DedupRun, clusters: list[dict]) -> None:
    DedupPair.objects.bulk_create(
        (
            DedupPair(
                run=run, cluster=index, left_id=pair["l"], right_id=pair["r"], probability=pair["probability"],
                reasons=pair["reasons"],
            )
            for index, cluster in enumerate(clusters, start=1)
            for pair in cluster["pairs"]
        ),
        batch_size=2000,
    )  # fmt: skip


def dedup_execute(run_id: int) -> DedupRun:
    """Run the batch for ``run``'s institution and store the clusters and pairs; a failure is kept
    on the run. Only a queued run starts (a conditional update: two workers never run one twice)."""
    from satuatap.beneficiaries.linkage.batch import deduplicate

    run = DedupRun.objects.get(pk=run_id)
    if not DedupRun.objects.filter(pk=run.pk, status=DedupRun.RunStatus.QUEUED).update(
        status=DedupRun.RunStatus.RUNNING
    ):
        return run
    started = time.perf_counter()
    try:
        records = list(registry_records(run.institution_id))
        result = deduplicate(records)
        rejected = set(
            NotDuplicate.objects.filter(first__institution_id=run.institution_id).values_list("first_id", "second_id")
        )
        clusters = _clusters_json(result, rejected)
        with transaction.atomic():
            _store_pairs(run, clusters)
            run.records = len(records)
            run.clusters = clusters
            run.filled = result.filled
            run.notes = "\n".join(result.notes)[:20_000]
            run.seconds = round(time.perf_counter() - started, 2)
            run.status = DedupRun.RunStatus.DONE
            run.finished_at = timezone.now()
            run.error = ""
            run.save()
    except Exception as exc:  # noqa: BLE001 - the run must end as failed, with the reason, never stay "running"
        log.exception("registry deduplication run %s failed", run.pk)
        DedupRun.objects.filter(pk=run.pk).update(
            status=DedupRun.RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


@task()
def dedup_task(run_id: int) -> None:
    """The background task of a queued run (the worker runs ``dedup_execute``); ``tasks`` lists it."""
    dedup_execute(run_id)


def dedup_start(*, actor, unit: Unit, now: bool = False) -> DedupRun:
    """Start a run over the whole registry of ``unit``'s institution, audited: queued for the
    worker, or, with ``now`` (the management command), run here and returned finished. Refused
    while another run of the institution is queued or running (a partial unique index on
    ``DedupRun`` holds this even when two requests race). ``actor`` None: the command, run by the
    server's operator."""
    if actor is not None:
        require(actor, "beneficiaries.dedup", unit)
    refused = DedupRefused(
        _("A duplicate search of this registry is already queued or running; wait for it to finish."),
        code="dedup_pending",
    )
    try:
        with transaction.atomic():
            pending = DedupRun.objects.select_for_update().filter(
                institution_id=unit.institution_id, status__in=DedupRun.PENDING
            )
            if pending.exists():
                raise refused
            run = DedupRun.objects.create(institution_id=unit.institution_id, started_by=actor)
            audit_record(
                actor=actor,
                action=AuditAction.DEDUP_RUN,
                target=run,
                unit=unit,
                note=_("Registry deduplication started from the command line")
                if now
                else _("Registry deduplication queued"),
            )
            if not now:
                transaction.on_commit(lambda: dedup_task.enqueue(run.pk))
    except IntegrityError:
        raise refused from None
    return dedup_execute(run.pk) if now else run


def _root(record: Beneficiary) -> Beneficiary:
    """The record a merged record now lives in (merges chain: A into B, then B into C)."""
    seen = set()
    while record.merged_into_id and record.pk not in seen:
        seen.add(record.pk)
        record = Beneficiary.objects.select_related("merged_into").get(pk=record.merged_into_id)
    return record


def dedup_pairs_review(*, actor, unit: Unit, pairs, decision: str) -> tuple[int, list[str]]:
    """Apply one person's decision to several pairs of a run: ``merged`` merges each pair's later
    record into the earlier one (``beneficiary_merge``, which checks scope and NIKs), ``different``
    marks them different people (``not_duplicate_mark``). Each pair in its own transaction: a
    refused pair is reported and the others still go through. Returns (pairs done, refusals)."""
    if decision not in DedupPair.Decision.values:
        raise DedupRefused(_("Choose what the selected pairs are."), field="decision")
    done, refusals = 0, []
    for pair in pairs:
        label = f"{pair.left.number} ↔ {pair.right.number}"
        try:
            with transaction.atomic():
                if decision == DedupPair.Decision.MERGED:
                    survivor, duplicate = _root(pair.left), _root(pair.right)
                    if survivor.pk != duplicate.pk:
                        if duplicate.pk < survivor.pk:
                            survivor, duplicate = duplicate, survivor
                        beneficiary_merge(actor=actor, survivor=survivor, duplicate=duplicate, unit=unit)
                else:
                    not_duplicate_mark(actor=actor, first=pair.left, second=pair.right, unit=unit)
                DedupPair.objects.filter(pk=pair.pk).update(
                    decision=decision, decided_by=actor, decided_at=timezone.now()
                )
        except (MergeRefused, NotAllowed, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refusals.append(f"{label}: {message}")
            continue
        done += 1
    return done, refusals
