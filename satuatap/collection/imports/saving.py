"""Saving checked donation rows set-wise, in the caller's transaction: the new donors, one journal entry
per donation (``ledger.services``' bulk posting), the donations with their history rows, their lines and
their receipts, numbered in one block per unit and year.

Only the storing is the import's own: each row's checks, fingerprint, memo and receipt number are those
of ``donation_record`` (``collection.services``), so recording the same row again through the counter
or the API is a replay.
"""

import secrets
from collections import defaultdict

from django.utils import timezone

from satuatap.collection.imports.common import donors_create_bulk, insert_history
from satuatap.collection.imports.donations import DonationRow
from satuatap.collection.imports.sequences import sequence_take_block
from satuatap.collection.models import Donation, DonationLine, Receipt
from satuatap.collection.services import donation_fingerprint, entry_memo, receipt_number
from satuatap.core.text import squash
from satuatap.ledger.models import AccountRole
from satuatap.ledger.services import BulkEntry, allocate_ids, entries_post_bulk, insert_rows
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

DONATION_COLUMNS = [
    "id",
    "institution_id",
    "unit_id",
    "donor_id",
    "donation_date",
    "channel",
    "bank_account_id",
    "bank_reference",
    "collector_id",
    "note",
    "total",
    "status",
    "idempotency_key",
    "fingerprint",
    "entry_id",
    "void_reason",
    "created_at",
]
LINE_COLUMNS = [
    "donation_id",
    "kind",
    "fund_kind",
    "amount",
    "campaign_id",
    "program",
    "persons",
    "fitrah_rate",
    "goods_description",
    "goods_quantity",
    "goods_unit",
    "position",
]
RECEIPT_COLUMNS = ["donation_id", "unit_id", "year", "sequence", "number", "issued_at", "verify_token"]


def request_key(job_id: int, row: int) -> str:
    return f"import:{job_id}:{row}"


def new_donor_fields(row: DonationRow) -> dict:
    fields = {"full_name": squash(row.donor_name)}
    if row.nik:
        fields["nik"] = row.nik
    if row.phone:
        fields["phone"] = row.phone
    return fields


def commit(*, actor, unit: Unit, rows: list[DonationRow], job_id: int) -> dict:
    """Save checked rows (the caller holds the transaction): new donors, ledger entries, donations,
    their history, lines and receipts. Returns counts for the job's summary."""
    require(actor, "collection.record", unit)
    if not rows:
        return {"donations": 0}
    new_keys: dict[tuple, int] = {}
    new_fields = []
    for row in rows:
        if row.new_donor and row.new_donor not in new_keys:
            new_keys[row.new_donor] = len(new_fields)
            new_fields.append(new_donor_fields(row))
    created = donors_create_bulk(actor=actor, unit=unit, rows=new_fields)
    for row in rows:
        if row.new_donor:
            row.donor = created[new_keys[row.new_donor]]
    keys = [request_key(job_id, row.row) for row in rows]
    entry_ids = entries_post_bulk(
        actor=actor,
        unit=unit,
        entries=[
            BulkEntry(
                entry_date=row.donation_date,
                idempotency_key=f"donation:{key}",
                source_ref=f"donation:{key}"[:100],
                memo=entry_memo(row.donor.full_name),
                lines=row.journal,
            )
            for row, key in zip(rows, keys, strict=True)
        ],
    )
    now = timezone.now()
    ids = allocate_ids(Donation, len(rows))
    donation_rows = [
        (
            pk,
            unit.institution_id,
            unit.pk,
            row.donor.pk,
            row.donation_date,
            row.channel,
            row.money.pk if row.money.role == AccountRole.BANK else None,
            row.bank_reference,
            actor.pk,
            row.note,
            row.line.amount,
            "recorded",
            key,
            donation_fingerprint(
                unit=unit,
                donor=row.donor,
                donation_date=row.donation_date,
                channel=row.channel,
                bank_account=row.bank,
                bank_reference=row.bank_reference,
                note=row.note,
                lines=[row.spec],
            ),
            entry_id,
            "",
            now,
        )
        for pk, row, key, entry_id in zip(ids, rows, keys, entry_ids, strict=True)
    ]
    insert_rows(Donation, DONATION_COLUMNS, donation_rows)
    insert_history(Donation, DONATION_COLUMNS, donation_rows, actor=actor, now=now)
    insert_rows(
        DonationLine,
        LINE_COLUMNS,
        (
            (
                pk,
                row.line.kind,
                row.line.fund_kind,
                row.line.amount,
                row.line.campaign.pk if row.line.campaign is not None else None,
                row.line.program,
                row.line.persons,
                row.line.fitrah_rate,
                row.line.goods_description,
                row.line.goods_quantity,
                row.line.goods_unit,
                1,
            )
            for pk, row in zip(ids, rows, strict=True)
        ),
    )
    # Receipt numbers last, one block per year, so the sequence rows are locked as briefly as possible.
    by_year: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_year[row.donation_date.year].append(index)
    receipts = []
    numbers = {}
    for year in sorted(by_year):
        first = sequence_take_block("receipt", f"{unit.pk}:{year}", len(by_year[year]))
        for offset, index in enumerate(by_year[year]):
            sequence = first + offset
            number = receipt_number(unit, year, sequence)
            receipts.append((ids[index], unit.pk, year, sequence, number, now, secrets.token_urlsafe(16)))
            numbers.setdefault(year, [number, number])[1] = number
    insert_rows(Receipt, RECEIPT_COLUMNS, receipts)
    return {
        "donations": len(rows),
        "new_donors": len(created),
        "amount": sum(row.line.amount for row in rows),
        "receipts": [[year, first, last] for year, (first, last) in sorted(numbers.items())],
    }
