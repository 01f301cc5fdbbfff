"""Registry-wide duplicate detection in batch: read the institution's registry, run the Splink
model of ``linkage`` on it, keep what it found in a ``DedupRun`` for people to review.

Nothing is ever merged here: a run only reports clusters of records that are probably one
person, each pair with its probability and its reasons; merging stays a person's decision on
the beneficiary's page (``services.beneficiary_merge``). Pairs a person has already marked as
different people (``NotDuplicate``) are left out. Runs go through the task queue (a worker
process); ``manage.py registry_dedup`` runs one in the foreground and prints the result.
"""

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.models import Beneficiary, BeneficiaryKind, DedupRun, NotDuplicate
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

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
            "registered_unit_id",
        )
    )
    for pk, name, nik, kk, born, sex, phone, village, district, regency, province, unit in rows.iterator(CHUNK):
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
            "unit_id": unit,
        }


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


def dedup_execute(run_id: int) -> DedupRun:
    """Run the batch for ``run``'s institution and store the clusters; a failure is kept on the run."""
    from satuatap.beneficiaries.linkage.batch import deduplicate

    run = DedupRun.objects.get(pk=run_id)
    if run.status not in (DedupRun.RunStatus.QUEUED, DedupRun.RunStatus.FAILED):
        return run
    DedupRun.objects.filter(pk=run.pk).update(status=DedupRun.RunStatus.RUNNING)
    started = time.perf_counter()
    try:
        records = list(registry_records(run.institution_id))
        result = deduplicate(records)
        rejected = set(
            NotDuplicate.objects.filter(first__institution_id=run.institution_id).values_list("first_id", "second_id")
        )
        clusters = _clusters_json(result, rejected)
    except Exception as exc:  # noqa: BLE001 - the run must end as failed, with the reason, never stay "running"
        DedupRun.objects.filter(pk=run.pk).update(
            status=DedupRun.RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    run.records = len(records)
    run.clusters = clusters
    run.seconds = round(time.perf_counter() - started, 2)
    run.status = DedupRun.RunStatus.DONE
    run.finished_at = timezone.now()
    run.error = ""
    run.save()
    return run


@transaction.atomic
def dedup_start(*, actor, unit: Unit) -> DedupRun:
    """Queue a run over the whole registry of ``unit``'s institution; a run already queued or
    running is returned instead of starting a second one."""
    require(actor, "beneficiaries.dedup", unit)
    pending = (
        DedupRun.objects.select_for_update()
        .filter(institution_id=unit.institution_id, status__in=[DedupRun.RunStatus.QUEUED, DedupRun.RunStatus.RUNNING])
        .first()
    )
    if pending is not None:
        return pending
    run = DedupRun.objects.create(institution_id=unit.institution_id, started_by=actor)
    audit_record(
        actor=actor, action=AuditAction.DEDUP_RUN, target=run, unit=unit, note=_("Registry deduplication queued")
    )
    from satuatap.beneficiaries.tasks import dedup_task

    transaction.on_commit(lambda: dedup_task.enqueue(run.pk))
    return run
