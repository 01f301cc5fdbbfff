"""Import pages: upload, progress, preview, save, cancel, templates, error lists, and who is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from satuatap.collection.imports import jobs
from satuatap.collection.models import Donation, ImportJob, ImportStatus
from satuatap.collection.tests.test_import_services import DONATION_HEADER, csv_bytes


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def content(desk):
    return csv_bytes(
        DONATION_HEADER,
        [
            ["2026-03-10", desk.donor.number, "", "", "", "Zakat maal", "1.250.000", "Tunai", ""],
            ["2026-03-11", "", "31710117084500", "", "", "Infak", "50000", "Tunai", ""],
            ["2026-03-12", "", "", "0813-1111-2222", "Siti Aminah", "Infak", "100000", "Tunai", ""],
        ],
    )


def _upload(client, content, kind="donations", unit=None, name="donasi.csv"):
    return client.post(
        reverse("collection:import_new"),
        {"kind": kind, "unit": unit, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def _job(desk, world, content, kind="donations"):
    job = jobs.import_upload(actor=desk.fiona, unit=world.branch_a, kind=kind, filename="a.csv", content=content)
    jobs.import_validate(job.pk)
    job.refresh_from_db()
    return job


def test_finance_uploads_sees_the_preview_and_the_errors_then_saves(
    world, desk, login, content, django_capture_on_commit_callbacks
):
    client = login(desk.fiona)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, content, unit=world.branch_a.pk)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("collection:import_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert job.original_filename in page and 'data-testid="preview"' in page
    assert "Siti Aminah" in page and "31710117084500" not in page
    assert "14" in page  # the NIK's digit count, in the error list
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("collection:import_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and Donation.objects.count() == 2
    page = client.get(reverse("collection:import_detail", args=[job.pk])).content.decode()
    assert "BRA-2026-000001" in page and "BRA-2026-000002" in page
    # Saving again does nothing.
    client.post(reverse("collection:import_commit", args=[job.pk]))
    assert Donation.objects.count() == 2


def test_the_job_page_polls_while_running_and_reloads_when_done(world, desk, login, content):
    job = jobs.import_upload(actor=desk.fiona, unit=world.branch_a, kind="donations", filename="a.csv", content=content)
    client = login(desk.fiona)
    page = client.get(reverse("collection:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'role="progressbar"' in page
    fragment = client.get(reverse("collection:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"every 1s" in fragment.content
    jobs.import_validate(job.pk)
    done = client.get(reverse("collection:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_bad_upload_is_explained_next_to_the_field(world, desk, login):
    client = login(desk.fiona)
    response = _upload(client, b"%PDF-1.4", unit=world.branch_a.pk, name="scan.pdf")
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert not ImportJob.objects.exists()


def test_templates_download_as_xlsx_with_a_header_and_an_example(world, desk, login):
    client = login(desk.fiona)
    for kind, first in (("donations", "Date"), ("donors", "Full name")):
        response = client.get(reverse("collection:import_template", args=[kind]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 2 and rows[0][0] in (first, "Tanggal", "Nama lengkap")
    assert client.get(reverse("collection:import_template", args=["nope"])).status_code == 404


def test_error_list_downloads_as_xlsx_and_csv(world, desk, login, content):
    job = _job(desk, world, content)
    client = login(desk.fiona)
    response = client.get(reverse("collection:import_errors", args=[job.pk]) + "?format=csv")
    assert response.status_code == 200 and b"NIK" in response.content
    response = client.get(reverse("collection:import_errors", args=[job.pk]) + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == (3, "NIK")


def test_cancel_leaves_nothing_saved(world, desk, login, content):
    job = _job(desk, world, content)
    client = login(desk.fiona)
    client.post(reverse("collection:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    client.post(reverse("collection:import_commit", args=[job.pk]))
    assert not Donation.objects.exists()


def test_list_page_counts_its_queries(world, desk, login, content, django_assert_max_num_queries):
    for _ in range(5):
        _job(desk, world, content)
    client = login(desk.fiona)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("collection:imports"))
    assert response.status_code == 200 and response.content.count(b"a.csv") == 5


def test_front_office_imports_donors_but_never_sees_donation_imports(world, desk, login, content):
    donations_job = _job(desk, world, content)
    client = login(world.frank)
    page = client.get(reverse("collection:import_new")).content.decode()
    assert 'value="donors"' in page and 'value="donations"' not in page
    assert client.get(reverse("collection:imports")).content.count(b"a.csv") == 0
    for name in ("import_detail", "import_errors"):
        assert client.get(reverse(f"collection:{name}", args=[donations_job.pk])).status_code == 404
    for name in ("import_commit", "import_cancel"):
        assert client.post(reverse(f"collection:{name}", args=[donations_job.pk])).status_code == 404
    assert client.get(reverse("collection:import_template", args=["donations"])).status_code == 403
    response = _upload(client, content, kind="donations", unit=world.branch_a.pk)
    assert response.status_code == 200 and not ImportJob.objects.filter(created_by=world.frank).exists()


@pytest.mark.parametrize("persona", ["bob", "eve", "felix", "evan"])
def test_outsiders_get_404_for_another_units_import(world, desk, login, content, persona):
    job = _job(desk, world, content)
    user = getattr(world, persona, None) or getattr(desk, persona)
    client = login(user)
    for name in ("import_detail", "import_errors"):
        assert client.get(reverse(f"collection:{name}", args=[job.pk])).status_code == 404
    for name in ("import_commit", "import_cancel"):
        assert client.post(reverse(f"collection:{name}", args=[job.pk])).status_code == 404
    assert SECRET_FREE(client.get(reverse("collection:imports")))
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED


def SECRET_FREE(response) -> bool:  # noqa: N802 - reads as a predicate
    return response.status_code in (200, 403) and b"a.csv" not in response.content


@pytest.mark.parametrize("persona", ["nina", "audrey"])
def test_people_without_an_import_role_are_refused_everywhere(world, desk, login, content, persona):
    job = _job(desk, world, content)
    client = login(getattr(world, persona))
    for name, args in (("imports", []), ("import_new", []), ("import_template", ["donors"])):
        assert client.get(reverse(f"collection:{name}", args=args)).status_code == 403
    for name in ("import_detail", "import_errors"):
        assert client.get(reverse(f"collection:{name}", args=[job.pk])).status_code in (403, 404)
    assert client.post(reverse("collection:import_commit", args=[job.pk])).status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED


def test_anonymous_visitors_are_sent_to_log_in(world, desk, client, content):
    job = _job(desk, world, content)
    for name, args in (("imports", []), ("import_detail", [job.pk]), ("import_template", ["donors"])):
        response = client.get(reverse(f"collection:{name}", args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def import_matrix_jobs(world) -> dict:
    """Imports for the access matrix (tests/scoping.py): alice's own donors import at branch A, and
    imports of branch B and of BETA whose file names carry the SECRET marker."""
    content = b"Nama lengkap;HP\nSECRET Donatur;0812-9999-0001\n"

    def job(actor, unit, name):
        return jobs.import_upload(actor=actor, unit=unit, kind="donors", filename=name, content=content)

    return {
        "own": job(world.alice, world.branch_a, "own.csv"),
        "foreign": [job(world.bob, world.branch_b, "SECRET-b.csv"), job(world.eve, world.beta_branch, "SECRET-x.csv")],
    }


def test_the_matrix_jobs_are_each_seen_only_in_their_own_unit(world, login):
    made = import_matrix_jobs(world)
    client = login(world.alice)
    assert client.get(reverse("collection:import_detail", args=[made["own"].pk])).status_code == 200
    page = client.get(reverse("collection:imports")).content
    assert b"own.csv" in page and b"SECRET" not in page
    for job in made["foreign"]:
        assert client.get(reverse("collection:import_detail", args=[job.pk])).status_code == 404


def test_the_error_list_cannot_carry_a_formula_into_a_spreadsheet(world, desk, login):
    content = csv_bytes(["Tanggal", "Nomor donatur", "=Jenis", "Jumlah", "Cara bayar"],
                        [["2026-03-10", desk.donor.number, "@SUM(A1)", "1000", "Tunai"]])  # fmt: skip
    job = _job(desk, world, content)
    assert job.errors[0][1] == "=Jenis"
    client = login(desk.fiona)
    text = client.get(reverse("collection:import_errors", args=[job.pk]) + "?format=csv").content.decode()
    assert "'=Jenis" in text and ",=Jenis" not in text
