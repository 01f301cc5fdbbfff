import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.distribution import services
from satuatap.distribution.models import Evidence
from satuatap.distribution.tests.conftest import apply_and_recommend
from tests.scoping_beneficiaries import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def paid(world, books):
    application = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 600_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=application, amount=600_000, money_account=books.cash)
    return application


def test_finance_adds_evidence_opens_it_and_prints_the_aid_receipt(world, books, paid, login):
    client = login(books.fiona)
    page = client.get(reverse("distribution:application", args=[paid.pk])).content.decode()
    assert 'data-testid="evidence"' in page and 'data-testid="aid-receipt"' in page
    response = client.post(
        reverse("distribution:evidence_upload", args=[paid.pk]),
        {"kind": "transfer_proof", "file": SimpleUploadedFile("bukti.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 302
    kept = Evidence.objects.get(application=paid)
    opened = client.get(reverse("distribution:evidence", args=[kept.pk]))
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == PNG
    assert AuditEvent.objects.filter(action=AuditAction.EVIDENCE_VIEWED).count() == 1
    pdf = client.get(reverse("distribution:aid_receipt", args=[paid.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_wrong_file_is_refused_with_a_message_and_outsiders_get_nothing(world, books, paid, login):
    client = login(books.fiona)
    response = client.post(
        reverse("distribution:evidence_upload", args=[paid.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("x.txt", b"hello")},
        follow=True,
    )
    assert "another type" in response.content.decode() and not Evidence.objects.exists()
    outsider = login(world.bob)
    for name in ("application", "aid_receipt"):
        assert outsider.get(reverse(f"distribution:{name}", args=[paid.pk])).status_code in (403, 404)
    assert outsider.post(reverse("distribution:evidence_upload", args=[paid.pk])).status_code in (403, 404)


def test_the_report_page_and_its_workbook(world, books, paid, login):
    client = login(books.hank)
    page = client.get(reverse("distribution:report")).content.decode()
    assert 'data-testid="funds"' in page and "Rp600.000" in page and "Santunan sembako" in page
    workbook = client.get(reverse("distribution:report") + "?format=xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    bad = client.get(reverse("distribution:report") + "?start=2026-13&end=2026-01")
    assert bad.status_code == 200 and "Enter a month" in bad.content.decode()
    other = login(world.bob).get(reverse("distribution:report")).content.decode()
    assert "Rp600.000" not in other


def test_the_report_shows_the_offices_below_and_loads_the_regencies_after(world, books, paid, login):
    client = login(books.rita)  # head of the region: the area below it is the one row
    page = client.get(reverse("distribution:report")).content.decode()
    assert 'data-testid="regions"' in page and "Kabupaten Satu" in page
    assert 'data-testid="regencies-loading"' in page and 'data-testid="regencies"' not in page
    fragment = client.get(reverse("distribution:report") + "?part=regencies", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert 'data-testid="regencies"' in text and "Pati" in text and "Rp600.000" in text
    # Without htmx the link shows the whole page with the table in it.
    whole = client.get(reverse("distribution:report") + "?part=regencies").content.decode()
    assert "<html" in whole and 'data-testid="regencies"' in whole and "Pati" in whole
    other = login(world.bob).get(reverse("distribution:report") + "?part=regencies", HTTP_HX_REQUEST="true")
    assert "Pati" not in other.content.decode()


def test_the_report_as_pdf_and_its_workbook_with_every_table(world, books, paid, login):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(books.hank)
    pdf = client.get(reverse("distribution:report") + "?start=2020-01&end=2099-12&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    book = load_workbook(BytesIO(client.get(reverse("distribution:report") + "?format=xlsx").content))
    assert {"Summary", "Offices", "Regencies"} <= set(book.sheetnames)
    cells = {sheet: [c for row in book[sheet].iter_rows(values_only=True) for c in row] for sheet in book.sheetnames}
    assert "Kabupaten Pati" in cells["Regencies"] and 600_000 in cells["Regencies"]
    assert "Cabang Anggrek itself" in cells["Offices"] and 600_000 in cells["Offices"]
    assert "People helped" in cells["Summary"]
    outsider = login(world.bob).get(reverse("distribution:report") + "?format=xlsx")
    assert b"Pati" not in outsider.content and "Pati" not in str(
        [c for s in load_workbook(BytesIO(outsider.content)) for r in s.iter_rows(values_only=True) for c in r]
    )
