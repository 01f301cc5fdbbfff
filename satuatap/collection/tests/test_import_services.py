"""Importing donations and donors: per-row refusals, all-or-nothing saving, the same records as the counter."""

import csv
import io
from collections import defaultdict
from datetime import date

import pytest
from django.db.models import Sum
from django.utils import translation

from satuatap.audit.models import AuditEvent
from satuatap.collection.imports import ImportRefused, import_cancel, import_commit_request, jobs
from satuatap.collection.imports.sequences import sequence_take_block
from satuatap.collection.models import Donation, DonationLine, ImportJob, ImportStatus, Receipt
from satuatap.collection.services import DonationLineSpec, accepted_kinds_set, campaign_save, donation_record
from satuatap.core.crypto import blind_index
from satuatap.core.errors import NotAllowed
from satuatap.core.models import Sequence
from satuatap.donors.models import Donor
from satuatap.ledger import services as ledger
from satuatap.ledger.models import FundPosition, JournalEntry, JournalLine, LedgerBalance, Period

DONATION_HEADER = ["Tanggal", "Nomor donatur", "NIK", "HP", "Nama donatur", "Jenis", "Jumlah", "Cara bayar", "Rekening"]


def csv_bytes(header, rows, delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def run(actor, unit, kind, content, filename="data.csv", language="en"):
    """Upload and check a file the way the task does (tests call the task bodies directly)."""
    job = jobs.import_upload(actor=actor, unit=unit, kind=kind, filename=filename, content=content, language=language)
    jobs.import_validate(job.pk)
    job.refresh_from_db()
    return job


def save(actor, job):
    assert import_commit_request(actor=actor, job=job)
    jobs.import_commit(job.pk)
    job.refresh_from_db()
    return job


def rollups_match_lines(institution_id):
    """LedgerBalance and FundPosition equal a recomputation from the journal lines."""
    balances = defaultdict(lambda: [0, 0])
    positions = defaultdict(int)
    for line in JournalLine.objects.filter(entry__institution_id=institution_id).select_related("entry", "account"):
        key = (line.unit_id, line.account_id, line.fund_id, line.restriction, line.counterparty_id or 0,
               line.entry.flow_source, line.entry_date.year, line.entry_date.month)  # fmt: skip
        balances[key][0] += line.debit
        balances[key][1] += line.credit
        if line.account.counts_available:
            positions[(line.unit_id, line.fund_id, line.restriction)] += line.debit - line.credit
    stored = defaultdict(lambda: [0, 0])  # summed over contra_role, which only splits cash and bank rows
    for b in LedgerBalance.objects.filter(institution_id=institution_id):
        key = (b.unit_id, b.account_id, b.fund_id, b.restriction, b.counterparty_id, b.source, b.year, b.month)
        stored[key][0] += b.debit
        stored[key][1] += b.credit
    stored_positions = {
        (p.unit_id, p.fund_id, p.restriction): p.available
        for p in FundPosition.objects.filter(institution_id=institution_id)
        if p.available
    }
    return dict(stored) == dict(balances) and stored_positions == {k: v for k, v in positions.items() if v}


@pytest.fixture
def rows(desk):
    number = desk.donor.number
    return [
        ["2026-03-10", number, "", "", "", "Zakat maal", "1.250.000", "Tunai", ""],
        ["11/03/2026", "", "3171011708450001", "", "", "infak", "50000", "Transfer bank", "1210.BRA"],
        ["2026-03-12", "", "", "0813-1111-2222", "Siti Aminah", "Infak/sedekah", "Rp100.000", "cash", ""],
        ["2026-03-12", "", "", "081311112222", "Siti Aminah", "zakat penghasilan", "300000", "tunai", ""],
    ]


def test_valid_rows_are_saved_with_receipts_entries_and_one_new_donor(world, desk, rows):
    job = run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows))
    assert job.status == ImportStatus.VALIDATED, job.message
    assert (job.total_rows, job.valid_rows, job.error_rows) == (4, 4, 0), job.errors
    assert job.summary["new_donors"] == 1 and job.summary["amount"] == 1_700_000
    job = save(desk.fiona, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    donations = Donation.objects.filter(idempotency_key__startswith=f"import:{job.pk}:").order_by("pk")
    assert [d.idempotency_key for d in donations] == [f"import:{job.pk}:{row}" for row in (2, 3, 4, 5)]
    assert [d.receipt.number for d in donations] == [f"BRA-2026-00000{i}" for i in (1, 2, 3, 4)]
    assert donations[1].bank_account == desk.bank and donations[1].donor == desk.donor
    siti = Donor.objects.get(full_name="Siti Aminah")
    assert siti.phone == "+6281311112222" and siti.donations.count() == 2 and siti.history.count() == 1
    assert all(d.history.count() == 1 for d in donations)
    for donation in donations:
        lines = JournalLine.objects.filter(entry=donation.entry)
        assert sum(li.debit for li in lines) == sum(li.credit for li in lines) == donation.total
    assert rollups_match_lines(world.alpha.pk)
    # The next counter donation continues the numbering without a gap.
    after = donation_record(
        actor=desk.fiona,
        unit=world.branch_a,
        donor=desk.donor,
        donation_date=date(2026, 3, 13),
        channel="cash",
        lines=[DonationLineSpec("infak", 5000)],
        idempotency_key="after-import",
    )
    assert after.receipt.number == "BRA-2026-000005"


def test_an_imported_row_recorded_again_at_the_counter_is_a_replay(world, desk, rows):
    job = save(desk.fiona, run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows[1:2])))
    imported = Donation.objects.get(idempotency_key=f"import:{job.pk}:2")
    again = donation_record(
        actor=desk.fiona,
        unit=world.branch_a,
        donor=desk.donor,
        donation_date=date(2026, 3, 11),
        channel="bank_transfer",
        bank_account=desk.bank,
        lines=[DonationLineSpec("infak", 50000)],
        idempotency_key=f"import:{job.pk}:2",
    )
    assert again.pk == imported.pk and again.replayed
    # The ledger entry is the one entry_post would have posted: same key, same fingerprint.
    lines = [
        ledger.LineSpec(desk.bank, "infak", debit=50000),
        ledger.LineSpec(ledger.receipt_accounts(world.alpha.pk)[("infak", "infak")], "infak", credit=50000),
    ]
    entry = ledger.entry_post(
        actor=desk.fiona,
        unit=world.branch_a,
        entry_date=date(2026, 3, 11),
        source="donation",
        source_ref=f"donation:import:{job.pk}:2",
        idempotency_key=f"donation:import:{job.pk}:2",
        memo=imported.entry.memo,
        lines=lines,
    )
    assert entry.replayed and entry.pk == imported.entry_id


def test_every_bad_row_is_listed_with_its_row_column_and_reason(world, desk, rows):
    bad = [
        ["2026-03-10", "", "317101170845000", "", "", "Zakat maal", "10000", "Tunai", ""],
        ["2026-13-40", desk.donor.number, "", "", "", "zakat mall", "-5", "Tunai", ""],
        ["2026-03-10", desk.donor.number, "", "", "", "Infak", "10000", "Transfer bank", ""],
        ["2099-01-01", "NOPE-1", "", "", "", "Infak", "10000", "Tunai", ""],
        ["2026-03-10", "", "", "0899", "Budi", "Infak", "10000", "Tunai", ""],
        ["2026-03-10", desk.donor.number, "", "", "", "Zakat fitrah", "", "Tunai", ""],
    ]
    job = run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows[:1] + bad))
    assert (job.valid_rows, job.error_rows) == (1, 6)
    errors = {(row, column): message for row, column, message in job.errors}
    assert errors[(3, "NIK")] == "A NIK has 16 digits; this one has 15."
    assert "there is no month 13" in errors[(4, "Tanggal")]  # says what is wrong, not the format
    assert "not one of" in errors[(4, "Jenis")]
    assert errors[(5, "Rekening")] == "Choose the bank account the money arrived in."
    assert errors[(6, "Tanggal")] == "The date cannot be in the future."
    assert errors[(6, "Nomor donatur")] == "There is no donor with number NOPE-1."
    assert (7, "HP") in errors
    # A column the file lacks is named by its label.
    assert "number of persons" in errors[(8, "Persons (zakat fitrah)")]


def test_saving_again_does_nothing(world, desk, rows):
    job = save(desk.fiona, run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows)))
    assert not import_commit_request(actor=desk.fiona, job=job)
    jobs.import_commit(job.pk)
    assert Donation.objects.count() == 4 and Receipt.objects.count() == 4


def test_a_row_refused_at_saving_time_saves_nothing_and_the_job_says_why(world, desk, rows):
    job = run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows))
    accepted_kinds_set(actor=desk.fiona, unit=world.branch_a, kinds=["infak"])
    job = save(desk.fiona, job)
    assert job.status == ImportStatus.FAILED
    assert "Row 2" in job.message and "does not accept" in job.message
    assert not Donation.objects.exists() and not JournalEntry.objects.filter(source="donation").exists()
    assert not Donor.objects.filter(full_name="Siti Aminah").exists()
    assert not Receipt.objects.exists() and not LedgerBalance.objects.exists()


def test_a_closed_month_refuses_its_rows(world, desk, rows):
    Period.objects.create(institution=world.alpha, year=2026, month=3, is_closed=True, closed_at="2026-04-01T00:00Z")
    job = run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows))
    assert job.valid_rows == 0 and job.error_rows == 4
    assert all(column == "Tanggal" and "closed" in message for _row, column, message in job.errors)
    with pytest.raises(ImportRefused):
        import_commit_request(actor=desk.fiona, job=job)


def test_campaign_and_fitrah_rows_follow_the_counter_rules(world, desk):
    from satuatap.distribution.services import program_save

    beasiswa = program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="beasiswa",
        name="Beasiswa Pelajar",
        pillar="education",
        fund_kind="infak_restricted",
        budget=10_000_000,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    campaign = campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="sumur",
        name="Sumur NTT",
        target=10_000_000,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    header = ["Date", "Donor number", "Kind", "Amount", "Channel", "Campaign code", "Program", "Persons (zakat fitrah)"]
    data = [
        ["2026-03-10", desk.donor.number, "Infak", "20000", "Cash at the counter", "SUMUR", "", ""],
        ["2026-03-10", desk.donor.number, "Zakat fitrah", "", "Cash at the counter", "", "", "4"],
        ["2026-03-10", desk.donor.number, "Infak", "20000", "Cash at the counter", "", "Beasiswa", ""],
        ["2026-03-10", desk.donor.number, "Zakat maal", "20000", "Cash at the counter", "sumur", "", ""],
    ]
    job = save(desk.fiona, run(desk.fiona, world.branch_a, "donations", csv_bytes(header, data, delimiter=",")))
    assert job.status == ImportStatus.COMMITTED and job.error_rows == 1
    assert "campaign collects infak" in job.errors[0][2]
    lines = DonationLine.objects.order_by("donation_id")
    assert [(li.kind, li.amount, li.campaign_id, li.program) for li in lines] == [
        ("infak", 20000, campaign.pk, ""),
        ("zakat_fitrah", 180_000, None, ""),
        ("infak", 20000, None, beasiswa.restriction),
    ]
    assert rollups_match_lines(world.alpha.pk)


def test_xlsx_template_imports_its_own_example_row(world, desk):
    from satuatap.collection.imports.templates import template_bytes

    with translation.override("id"):
        content = template_bytes("donations")
    job = run(desk.fiona, world.branch_a, "donations", content, filename="templat.xlsx")
    assert job.status == ImportStatus.VALIDATED and job.valid_rows == 1, job.errors
    donors_job = run(desk.fiona, world.branch_a, "donors", template_bytes("donors"), filename="t.xlsx")
    assert donors_job.valid_rows == 1, donors_job.errors


def test_a_file_without_the_required_columns_fails_with_a_clear_message(world, desk):
    job = run(desk.fiona, world.branch_a, "donations", csv_bytes(["Nama", "Jumlah"], [["A", "1"]]))
    assert job.status == ImportStatus.FAILED and "no column" in job.message
    job = run(desk.fiona, world.branch_a, "donations", b"\x00\x01garbage", filename="x.xlsx")
    assert job.status == ImportStatus.FAILED
    with pytest.raises(ImportRefused):
        jobs.import_upload(actor=desk.fiona, unit=world.branch_a, kind="donations", filename="a.pdf", content=b"x")


def test_donors_import_refuses_duplicates_in_the_file_and_already_registered_identifiers(world, desk):
    header = ["Nama lengkap", "NIK", "HP", "Email", "Tanggal lahir", "Tag"]
    data = [
        ["Ahmad Fauzi", "3171015708850002", "0812-9999-0001", "ahmad@example.id", "17/08/1985", "alumni, korporat"],
        ["Ahmad Fauzi Dua", "3171015708850002", "", "", "", ""],
        ["Hidayat Lagi", "3171011708450001", "", "", "", ""],
        ["", "", "12", "bukan-email", "kemarin", ""],
    ]
    job = run(world.frank, world.branch_a, "donors", csv_bytes(header, data))
    assert (job.valid_rows, job.error_rows) == (1, 3)
    columns = defaultdict(set)
    for row, column, _message in job.errors:
        columns[row].add(column)
    assert columns[3] == {"NIK"} and columns[4] == {"NIK"}
    assert columns[5] == {"Nama lengkap", "HP", "Email", "Tanggal lahir"}
    job = save(world.frank, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    ahmad = Donor.objects.get(full_name="Ahmad Fauzi")
    assert ahmad.nik == "3171015708850002" and ahmad.tags == ["alumni", "korporat"]
    assert ahmad.birth_date == date(1985, 8, 17) and ahmad.registered_unit == world.branch_a
    assert Donor.objects.filter(nik_hash=blind_index("nik", "3171015708850002")).get() == ahmad
    assert ahmad.history.get().history_type == "+" and ahmad.number.startswith("ALPHA-26")
    event = AuditEvent.objects.get(action="donor.registered", target_id=str(ahmad.pk))
    assert event.actor == world.frank and event.changes["number"] == [None, ahmad.number]
    assert AuditEvent.objects.filter(action="import.committed", target_id=str(job.pk)).exists()


def test_donors_import_flags_rows_that_repeat_a_donor_by_phone_email_or_name_and_birth_date(world, desk):
    from satuatap.donors.services import donor_register

    donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Rahmawati", birth_date=date(1980, 5, 12))
    header = ["Nama lengkap", "HP", "Email", "Tanggal lahir"]
    data = [
        ["Hidayat", "0812-3456-7890", "", ""],  # desk.donor's phone
        ["Nur Hidayat", "", "Hidayat@Example.ID", ""],  # desk.donor's email, written otherwise
        ["Hj. Siti Rahmawati, S.Pd.", "", "", "12/05/1980"],  # the same name and birth date
        ["Budi Baru", "0813-7777-0001", "", ""],
        ["Budi Baru Lagi", "0813-7777-0001", "", ""],  # the row above's phone
        ["Siti Rahmawati", "", "", "13/05/1980"],  # another person
    ]
    job = run(world.frank, world.branch_a, "donors", csv_bytes(header, data))
    flagged = {row: (column, message) for row, column, message in job.errors}
    assert sorted(flagged) == [2, 3, 4, 6]
    assert flagged[2][0] == "HP" and desk.donor.number in flagged[2][1]
    assert flagged[3][0] == "Email" and desk.donor.number in flagged[3][1]
    assert flagged[4][0] == "Nama lengkap"
    assert flagged[6][0] == "HP" and "Row 5" in flagged[6][1]
    assert job.valid_rows == 2


def test_donors_import_keeps_the_consent_each_row_gives(world, desk):
    header = ["Nama lengkap", "HP", "Setuju WA", "Setuju email", "Email"]
    data = [
        ["Rina Wati", "0813-7777-0101", "Ya", "", ""],
        ["Rudi Hartono", "0813-7777-0102", "", "ya", "rudi@example.id"],
        ["Sari Dewi", "0813-7777-0103", "mungkin", "", ""],
    ]
    job = run(world.frank, world.branch_a, "donors", csv_bytes(header, data))
    assert [(row, column) for row, column, _message in job.errors] == [(4, "Setuju WA")]
    save(world.frank, job)
    rina, rudi = Donor.objects.get(full_name="Rina Wati"), Donor.objects.get(full_name="Rudi Hartono")
    assert (rina.consent_whatsapp, rina.consent_email, rina.preferred_channel) == (True, False, "whatsapp")
    assert (rudi.consent_whatsapp, rudi.consent_email, rudi.preferred_channel) == (False, True, "email")


def test_front_office_cannot_import_donations_and_outsiders_cannot_import_at_all(world, desk, rows):
    content = csv_bytes(DONATION_HEADER, rows)
    with pytest.raises(NotAllowed):
        jobs.import_upload(actor=world.frank, unit=world.branch_a, kind="donations", filename="a.csv", content=content)
    with pytest.raises(NotAllowed):
        jobs.import_upload(actor=desk.felix, unit=world.branch_a, kind="donations", filename="a.csv", content=content)
    with pytest.raises(NotAllowed):
        jobs.import_upload(actor=world.audrey, unit=world.branch_a, kind="donors", filename="a.csv", content=content)
    job = run(desk.fiona, world.branch_a, "donations", content)
    with pytest.raises(NotAllowed):
        import_commit_request(actor=desk.felix, job=job)
    with pytest.raises(NotAllowed):
        import_cancel(actor=world.frank, job=job)


def test_cancel_drops_the_file_and_then_nothing_can_be_saved(world, desk, rows):
    job = run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows))
    assert import_cancel(actor=desk.fiona, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and bytes(job.content) == b""
    assert not import_commit_request(actor=desk.fiona, job=job)
    assert not Donation.objects.exists()


def test_tasks_run_the_check_and_the_saving(world, desk, rows, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.import_upload(
            actor=desk.fiona, unit=world.branch_a, kind="donations", filename="a.csv",
            content=csv_bytes(DONATION_HEADER, rows),
        )  # fmt: skip
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and job.progress == 4
    with django_capture_on_commit_callbacks(execute=True):
        import_commit_request(actor=desk.fiona, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and job.history.count() >= 4
    assert ImportJob.objects.get(pk=job.pk).summary["saved"]["donations"] == 4


def test_a_block_of_numbers_continues_the_sequence_without_gaps(db):
    assert Sequence.next_value("receipt", "x") == 1
    assert sequence_take_block("receipt", "x", 5) == 2
    assert Sequence.next_value("receipt", "x") == 7
    assert sequence_take_block("receipt", "new", 3) == 1


def test_imported_totals_reach_the_fund_positions(world, desk, rows):
    save(desk.fiona, run(desk.fiona, world.branch_a, "donations", csv_bytes(DONATION_HEADER, rows)))
    total = Donation.objects.aggregate(total=Sum("total"))["total"]
    available = FundPosition.objects.filter(unit=world.branch_a).aggregate(total=Sum("available"))["total"]
    assert total == available == 1_700_000
