"""Importing a branch's list of beneficiaries: per-row errors by the registration rules, duplicate
flags against the registry and within the file, all-or-nothing saving, scope, and the pages.

Personas from ``world`` and ``registry``: paula = program officer of branch A (may import), alice =
admin of branch A (may import), frank = front office of branch A (may not), bob = admin of branch B,
eve = admin of BETA, bella = program officer of branch B. ``registry.siti`` (Hj. Siti Aminah, born
1980-05-12, Kayen) heads the household of ``KK_SITI``.
"""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries import services
from satuatap.beneficiaries.imports import ImportRefused, import_cancel, import_commit_request, jobs
from satuatap.beneficiaries.models import Beneficiary, BeneficiaryImport, Household
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_BUDI, person
from satuatap.core.crypto import blind_index
from satuatap.core.errors import NotAllowed
from satuatap.core.models import Sequence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

S = BeneficiaryImport.JobStatus
HEADER = ["nama", "nik", "no_kk", "hubungan", "tanggal_lahir", "jenis_kelamin", "telepon", "desa", "persetujuan",
          "wali", "hubungan_wali"]  # fmt: skip
KK_NEW = "3318011203150003"
KK_OTHER = "3318011203150004"
NIK_SRI = "3318015508900003"  # a woman born 1990-08-15
MIXED = [
    ["Budi Santoso", NIK_BUDI, KK_NEW, "kepala keluarga", "02/11/1975", "L", "0812-1111-2222", "Kayen", "tertulis"],
    ["Sri Wahyuni", NIK_SRI, KK_NEW, "istri", "1990-08-15", "P", "", "Kayen", "cap jempol", "", ""],
    ["Ahmad Salah", "12345", "", "", "", "L", "", "", "tertulis", "", ""],
    ["Joko Kepala", "", KK_NEW, "kepala keluarga", "1970-01-01", "L", "", "", "tertulis", "", ""],
    ["Anak Kecil", "", KK_NEW, "anak", "2015-01-01", "L", "", "", "tertulis", "", ""],
    ["Siti Aminah", "", "", "", "12/05/1980", "P", "", "Kayen", "tertulis", "", ""],
    ["Sri Wahyuni", "", "", "", "15/08/1990", "P", "", "", "lisan", "", ""],
    ["Budi Santoso", NIK_BUDI, "", "", "", "", "", "", "tertulis", "", ""],
    ["Rahmat Hidayat", "", KK_OTHER, "kepala", "1985-03-03", "L", "", "", "tertulis", "", ""],
    ["Suami Kedua", "", KK_SITI, "kepala keluarga", "1979-01-01", "L", "", "", "tertulis", "", ""],
    ["Putri Kecil", "", KK_OTHER, "anak", "2016-02-02", "P", "", "", "tertulis", "Rahmat Hidayat", "ayah"],
]  # fmt: skip


def csv_bytes(header, rows, delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(actor, unit, content, filename="mustahik.csv"):
    """Upload and check a file the way the task does (tests call the task bodies directly)."""
    job = jobs.import_upload(actor=actor, unit=unit, filename=filename, content=content, language="en")
    jobs.import_validate(job.pk)
    job.refresh_from_db()
    return job


def save(actor, job, include=()):
    assert import_commit_request(actor=actor, job=job, include=include)
    jobs.import_commit(job.pk)
    job.refresh_from_db()
    return job


def errors_by_row(job) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list] = {}
    for row, column, message in job.errors:
        found.setdefault(row, []).append((column, message))
    return found


@pytest.fixture
def mixed(world, registry):
    return run(registry.paula, world.branch_a, csv_bytes(HEADER, MIXED))


def test_a_mixed_file_gets_per_row_errors_and_duplicate_flags(world, registry, mixed):
    job = mixed
    assert job.status == S.VALIDATED, job.message
    errors = errors_by_row(job)
    assert sorted(errors) == [4, 5, 6, 11], job.errors
    assert errors[4] == [("nik", "A NIK has 16 digits; this one has 5.")]
    assert errors[5][0][0] == "hubungan" and "Row 2 of this file is already the head" in errors[5][0][1]
    assert errors[6][0][0] == "wali" and "guardian" in errors[6][0][1]
    assert errors[11][0][0] == "hubungan" and "already has a head in the registry" in errors[11][0][1]
    assert "Cabang Anggrek" in errors[11][0][1] and "Siti" not in errors[11][0][1]
    flags = {d["row"]: d for d in job.duplicates}
    assert sorted(flags) == [7, 8, 9]
    assert [c["id"] for c in flags[7]["registry"]] == [registry.siti.pk] and flags[7]["valid"] is True
    assert "same birth date" in flags[7]["registry"][0]["reasons"]
    assert flags[8]["file"] == [{"row": 3, "reason": "name 100%; same birth date", "score": 0.6}]
    assert flags[8]["valid"] is True
    # The same NIK as an earlier row is kept for review, not refused.
    assert flags[9]["file"] == [{"row": 2, "reason": "same NIK"}] and flags[9]["valid"] is True
    assert (job.total_rows, job.valid_rows, job.error_rows, job.duplicate_rows) == (11, 7, 4, 3)
    assert [r["row"] for r in job.summary["preview"]] == [2, 3, 10, 12]
    assert job.summary["preview"][0]["nik"] == "3318••••••••0001"
    assert NIK_BUDI not in str(job.errors) + str(job.duplicates) + str(job.summary)
    assert jobs.rows_to_save(job) == 4


def test_commit_saves_the_valid_rows_and_only_the_ticked_duplicates(world, registry, mixed):
    before = Beneficiary.objects.count()
    job = save(registry.paula, mixed, include=["7"])
    assert job.status == S.COMMITTED, job.message
    assert job.saved_rows == 5 and Beneficiary.objects.count() == before + 5
    created = Beneficiary.objects.filter(created_by=registry.paula).exclude(pk=registry.siti.pk).order_by("pk")
    assert [b.full_name for b in created] == [
        "Budi Santoso",
        "Sri Wahyuni",
        "Siti Aminah",
        "Rahmat Hidayat",
        "Putri Kecil",
    ]
    budi, sri, _siti, rahmat, putri = created
    assert budi.household == sri.household and budi.relation == "head" and sri.relation == "spouse"
    assert budi.household.kk == KK_NEW and budi.phone == "+6281211112222" and budi.nik == NIK_BUDI
    assert sri.consents.get().method == "thumbprint" and sri.registered_unit == world.branch_a
    assert putri.consents.get().guardian_name == "Rahmat Hidayat" and putri.household == rahmat.household
    assert job.summary["saved"] == {"count": 5, "first": budi.number, "last": putri.number}
    event = AuditEvent.objects.get(action=AuditAction.IMPORT_COMMITTED)
    assert event.actor == registry.paula and event.changes["rows"] == [None, 5] and event.unit == world.branch_a
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_REGISTERED, actor=registry.paula).count() == 6
    assert bytes(job.content) == b""  # the list with NIKs in the clear is not kept once saved
    with pytest.raises(ImportRefused, match="cannot be cancelled"):
        import_cancel(actor=registry.paula, job=job)
    # Saving again does nothing.
    assert import_commit_request(actor=registry.paula, job=job) is False
    jobs.import_commit(job.pk)
    assert Beneficiary.objects.count() == before + 5


def test_only_flagged_rows_without_errors_can_be_included(world, registry, mixed):
    for include in (["4"], ["2"], ["x"]):
        with pytest.raises(ImportRefused):
            import_commit_request(actor=registry.paula, job=mixed, include=include)
    assert BeneficiaryImport.objects.get(pk=mixed.pk).status == S.VALIDATED


def test_a_row_refused_while_saving_leaves_nothing_saved(world, registry, mixed):
    before = Beneficiary.objects.count()
    sequence = Sequence.objects.get(scope="beneficiary").value
    # Between the check and the saving, someone registers the head of row 10's household.
    person(registry.paula, world.branch_a, "Kepala Lain", kk=KK_OTHER, relation="head")
    job = save(registry.paula, mixed)
    assert job.status == S.FAILED
    assert "Nothing was saved: row 10 (column hubungan)" in job.message and "already has a head" in job.message
    assert Beneficiary.objects.count() == before + 1
    assert not Household.objects.filter(kk_hash=blind_index("kk", KK_NEW)).exists()
    assert not Beneficiary.objects.filter(full_name__in=["Budi Santoso", "Sri Wahyuni"]).exists()
    assert Sequence.objects.get(scope="beneficiary").value == sequence + 1  # numbers stay gapless
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_COMMITTED).exists()


def test_a_database_failure_in_the_middle_of_saving_leaves_nothing(world, registry, mixed, monkeypatch):
    from django.db import DatabaseError

    calls = []
    real = services.beneficiary_register

    def flaky(**kwargs):
        calls.append(kwargs["full_name"])
        if len(calls) == 3:
            raise DatabaseError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "beneficiary_register", flaky)
    before = Beneficiary.objects.count()
    job = save(registry.paula, mixed)
    assert len(calls) == 3 and job.status == S.FAILED and "nothing was saved" in job.message
    assert (
        Beneficiary.objects.count() == before
        and not Household.objects.filter(kk_hash=blind_index("kk", KK_NEW)).exists()
    )


def test_csv_happy_path_with_english_headers_and_comma(world, registry):
    header = ["Full name", "NIK", "KK number", "Relation", "Birth date", "Sex", "Village", "Consent", "Asnaf",
              "Reason for the asnaf", "Disability"]  # fmt: skip
    rows = [
        ["Budi Santoso", NIK_BUDI, KK_NEW, "head", "1975-11-02", "M", "Kayen", "written", "miskin", "income low", "yes"]
    ]
    job = run(registry.paula, world.branch_a_sub, csv_bytes(header, rows, delimiter=","))
    assert (job.status, job.valid_rows, job.error_rows, job.duplicate_rows) == (S.VALIDATED, 1, 0, 0), job.errors
    job = save(registry.paula, job)
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    assert job.status == S.COMMITTED and budi.registered_unit == world.branch_a_sub
    assert budi.asnaf == "miskin" and budi.has_disability and budi.household.kk == KK_NEW


def test_xlsx_happy_path_with_cells_typed_by_excel(world, registry):
    rows = [
        ["Budi Santoso", int(NIK_BUDI), int(KK_NEW), "Kepala Keluarga", datetime(1975, 11, 2), "L", 81211112222,
         "Kayen", "Tertulis", "", ""],
        ["Sri Wahyuni", NIK_SRI, KK_NEW, "Istri", "15/08/1990", "P", None, "Kayen", "tertulis", None, None],
    ]  # fmt: skip
    job = run(registry.paula, world.branch_a, xlsx_bytes(HEADER, rows), filename="daftar.xlsx")
    assert (job.status, job.valid_rows, job.error_rows) == (S.VALIDATED, 2, 0), job.errors
    job = save(registry.paula, job)
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    assert job.saved_rows == 2 and budi.nik == NIK_BUDI and budi.phone == "+6281211112222"
    assert budi.household.members.count() == 2


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("daftar.pdf", b"%PDF-1.4", "Upload an Excel (.xlsx) or CSV (.csv) file."),
        ("daftar.csv", b"", "The file is empty."),
    ],
)
def test_wrong_type_and_empty_files_are_refused_at_upload(world, registry, filename, content, message):
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        jobs.import_upload(actor=registry.paula, unit=world.branch_a, filename=filename, content=content)
    assert not BeneficiaryImport.objects.exists()


def test_too_large_a_file_is_refused(world, registry, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(ImportRefused, match="larger than 1 MB"):
        jobs.import_upload(
            actor=registry.paula, unit=world.branch_a, filename="big.csv", content=b"nama\n" + b"x" * 1024 * 1024
        )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"nama;nik\n", "kosong.csv", "The file has a header but no rows."),
        (b"\n\n", "kosong.csv", "The file is empty."),
        (b"PK\x03\x04rusak", "rusak.xlsx", "cannot be read as an Excel"),
        (b"nik;telepon\n3318010211750001;0812\n", "tanpa-nama.csv", "The file has no column Full name"),
    ],
)
def test_unreadable_files_fail_with_a_message(world, registry, content, filename, message):
    job = run(registry.paula, world.branch_a, content, filename=filename)
    assert job.status == S.FAILED and message in job.message


def test_who_may_import_and_outsiders_cannot_act_on_anothers_job(world, registry, mixed):
    with pytest.raises(NotAllowed):
        jobs.import_upload(actor=world.frank, unit=world.branch_a, filename="a.csv", content=b"nama\nx\n")
    with pytest.raises(NotAllowed):
        jobs.import_upload(actor=registry.paula, unit=world.branch_b, filename="a.csv", content=b"nama\nx\n")
    for outsider in (world.bob, registry.bella, world.eve):
        with pytest.raises(NotAllowed):
            import_commit_request(actor=outsider, job=mixed)
        with pytest.raises(NotAllowed):
            import_cancel(actor=outsider, job=mixed)
    assert BeneficiaryImport.objects.get(pk=mixed.pk).status == S.VALIDATED


def test_cancel_drops_the_file_and_saves_nothing(world, registry, mixed):
    assert import_cancel(actor=world.alice, job=mixed)
    mixed.refresh_from_db()
    assert mixed.status == S.CANCELLED and bytes(mixed.content) == b""
    assert import_commit_request(actor=registry.paula, job=mixed) is False
    jobs.import_commit(mixed.pk)
    assert not Beneficiary.objects.filter(full_name="Budi Santoso").exists()


# --- pages ------------------------------------------------------------------------------------------


def test_upload_page_checks_in_the_background_and_shows_errors_and_flags(
    world, registry, login, client, django_capture_on_commit_callbacks
):
    login(registry.paula)
    assert client.get(reverse("beneficiaries:import_list")).status_code == 200
    assert client.get(reverse("beneficiaries:import_new")).status_code == 200
    upload = SimpleUploadedFile("mustahik.csv", csv_bytes(HEADER, MIXED), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("beneficiaries:import_new"), {"unit": world.branch_a.pk, "file": upload})
    job = BeneficiaryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:import_detail", args=[job.pk])
    assert job.status == S.VALIDATED  # the task ran (immediate backend in tests)
    page = client.get(response["Location"]).content.decode()
    assert "A NIK has 16 digits; this one has 5." in page and "name 100%; same birth date" in page
    assert 'name="include" value="7"' in page and 'name="include" value="9"' in page
    assert 'name="include" value="4"' not in page
    assert registry.siti.number in page and "SECRET" not in page
    # The progress poll of a finished job asks the page to refresh itself.
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    listing = client.get(reverse("beneficiaries:import_list")).content.decode()
    assert "mustahik.csv" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("beneficiaries:import_commit", args=[job.pk]), {"include": ["7", "8"]})
    job.refresh_from_db()
    assert job.status == S.COMMITTED and job.saved_rows == 6 and job.include == [7, 8]
    assert "6 beneficiaries registered" in client.get(response["Location"]).content.decode()


def test_upload_form_refuses_wrong_type_too_large_and_empty_files(world, registry, login, client, monkeypatch):
    login(registry.paula)
    url = reverse("beneficiaries:import_new")
    cases = [
        (SimpleUploadedFile("daftar.pdf", b"%PDF-1.4 x"), "Upload an Excel (.xlsx) or CSV (.csv) file."),
        (SimpleUploadedFile("daftar.csv", b""), "The submitted file is empty."),
    ]
    for upload, message in cases:
        response = client.post(url, {"unit": world.branch_a.pk, "file": upload})
        assert response.status_code == 200 and message in response.content.decode()
    monkeypatch.setattr(jobs, "MAX_BYTES", 1024 * 1024)
    big = SimpleUploadedFile("daftar.csv", b"nama\n" + b"x" * 1024 * 1024)
    response = client.post(url, {"unit": world.branch_a.pk, "file": big})
    assert "The file is larger than 1 MB; split it into smaller files." in response.content.decode()
    assert not BeneficiaryImport.objects.exists()


def test_outsiders_cannot_see_or_act_on_another_units_job(world, registry, mixed, login, client):
    urls = [reverse(f"beneficiaries:import_{name}", args=[mixed.pk]) for name in ("detail", "errors")]
    actions = [reverse(f"beneficiaries:import_{name}", args=[mixed.pk]) for name in ("commit", "cancel")]
    for outsider in (world.bob, registry.bella, world.eve, world.frank, world.nina):
        login(outsider)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (403, 404) and b"Siti Aminah" not in response.content, (outsider, url)
        for url in actions:
            assert client.post(url, {"include": ["7"]}).status_code in (403, 404)
        listing = client.get(reverse("beneficiaries:import_list"))
        assert listing.status_code == 403 or b"mustahik.csv" not in listing.content
    assert BeneficiaryImport.objects.get(pk=mixed.pk).status == S.VALIDATED


def test_a_branch_b_match_is_shown_only_as_its_unit(world, registry, login, client):
    person(registry.bella, world.branch_b, "Rahmat Hidayat", birth_date=datetime(1985, 3, 3).date(), sex="M")
    job = run(registry.paula, world.branch_a, csv_bytes(HEADER, [MIXED[8]]))
    assert [c["unit"] for c in job.duplicates[0]["registry"]] == [world.branch_b.name]
    login(registry.paula)
    page = client.get(reverse("beneficiaries:import_detail", args=[job.pk])).content.decode()
    assert f"A match is registered at {world.branch_b.name}" in page
    assert Beneficiary.objects.get(full_name="Rahmat Hidayat").number not in page
    errors = client.get(reverse("beneficiaries:import_errors", args=[job.pk]) + "?format=csv").content.decode()
    assert f"A possible match is registered at {world.branch_b.name}" in errors
    assert Beneficiary.objects.get(full_name="Rahmat Hidayat").number not in errors


def test_error_list_and_template_downloads(world, registry, mixed, login, client):
    login(registry.paula)
    response = client.get(reverse("beneficiaries:import_errors", args=[mixed.pk]) + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Column", "Reason"]
    assert ["4", "nik", "A NIK has 16 digits; this one has 5."] in lines
    assert any(line[0] == "7" and registry.siti.number in line[2] for line in lines)
    assert client.get(reverse("beneficiaries:import_errors", args=[mixed.pk]) + "?format=pdf").status_code == 404
    template = client.get(reverse("beneficiaries:import_template"))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["nama", "nik", "no_kk", "hubungan"] and "persetujuan" in header and "wali" in header
    # The template's own example row passes the check.
    example = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    job = run(registry.paula, world.branch_a, xlsx_bytes(header, example), filename="template.xlsx")
    assert job.error_rows == 0 and job.valid_rows == 1, job.errors


def test_a_running_check_shows_its_progress_to_the_poll(world, registry, login, client):
    job = jobs.import_upload(actor=registry.paula, unit=world.branch_a, filename="besar.csv", content=b"nama\nx\n")
    BeneficiaryImport.objects.filter(pk=job.pk).update(status=S.VALIDATING, total_rows=4000, progress=1000)
    login(registry.paula)
    url = reverse("beneficiaries:import_detail", args=[job.pk])
    poll = client.get(url, headers={"HX-Request": "true"})
    text = poll.content.decode()
    assert poll.status_code == 200 and "1,000 of 4,000 rows" in text and 'hx-trigger="every 1s"' in text
    assert "<html" not in text and 'id="import-badge" hx-swap-oob="true"' in text
    assert f'hx-get="{url}"' in text and "looking for duplicates in the registry" in text
    assert 'data-testid="import-progress"' in client.get(url).content.decode()
