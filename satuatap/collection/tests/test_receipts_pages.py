"""The staff receipt page, its PDFs, voiding and sending; the public verification page."""

from datetime import UTC, datetime

import pytest

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection.models import Donation, DonationStatus, ReceiptPrint
from satuatap.collection.services import donation_void, receipts
from satuatap.collection.tests.conftest import give
from satuatap.donors.models import Donor
from satuatap.organizations.models import Unit
from satuatap.outbox.models import Message

FULL_NPWP = "01.312.166.0-091.000"


@pytest.fixture
def receipt(world, desk):
    return give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 50_000)).receipt


def url(receipt, action=""):
    return f"/receipts/{receipt.pk}/{action + '/' if action else ''}"


def test_front_office_sees_the_receipt_with_identifiers_masked(world, desk, receipt, login):
    page = login(world.frank).get(url(receipt))
    assert page.status_code == 200
    html = page.content.decode()
    assert receipt.number in html and "Rp1.300.000" in html and "satu juta tiga ratus ribu rupiah" in html
    assert desk.donor.npwp_masked in html and FULL_NPWP not in html
    assert desk.donor.nik_masked in html and "3171011708450001" not in html
    assert f"/r/{receipt.verify_token}/" in html
    assert 'data-testid="void"' not in html  # front office does not void


def test_finance_sees_full_identifiers_and_the_read_is_audited(world, desk, receipt, login):
    html = login(desk.fiona).get(url(receipt)).content.decode()
    assert FULL_NPWP in html and "3171011708450001" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.DONOR_IDENTIFIERS_VIEWED, actor=desk.fiona, target_id=str(desk.donor.pk)
    ).exists()
    assert 'data-testid="void"' in html


@pytest.mark.parametrize("persona", ["bob", "eve", "nina"])
def test_outsider_is_refused_every_receipt_page(world, desk, receipt, login, persona):
    client = login(getattr(world, persona))
    for action in ("", "pdf"):
        assert client.get(url(receipt, action)).status_code == 404
    assert client.post(url(receipt, "void"), {"reason": "x"}).status_code == 404
    assert client.post(url(receipt, "send"), {"channel": "email"}).status_code == 404
    assert not ReceiptPrint.objects.exists()
    receipt.donation.refresh_from_db()
    assert receipt.donation.status == DonationStatus.RECORDED


def test_finance_of_another_branch_and_another_institution_cannot_reach_the_receipt(world, desk, receipt, login):
    for user in (desk.felix, desk.evan):
        client = login(user)
        assert client.get(url(receipt)).status_code == 404
        assert client.post(url(receipt, "void"), {"reason": "x"}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, receipt):
    for action in ("", "pdf", "void"):
        response = client.get(url(receipt, action))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_costs_the_same_queries_however_many_prints(
    world, desk, receipt, login, django_assert_max_num_queries
):
    client = login(world.frank)
    client.get(url(receipt))
    ReceiptPrint.objects.bulk_create(
        ReceiptPrint(receipt=receipt, kind="reprint", layout="a5", by=world.frank) for _ in range(15)
    )
    with django_assert_max_num_queries(8):
        page = client.get(url(receipt))
    assert page.content.decode().count("Re-printed") + page.content.decode().count("Dicetak ulang") >= 15


def test_pdf_is_served_inline_and_each_download_is_logged(world, desk, receipt, login):
    client = login(world.frank)
    first = client.get(url(receipt, "pdf"))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF") and f"{receipt.number}-a5.pdf" in first["Content-Disposition"]
    thermal = client.get(url(receipt, "pdf") + "?layout=thermal")
    assert thermal.status_code == 200
    kinds = list(ReceiptPrint.objects.order_by("at", "id").values_list("kind", "layout"))
    assert kinds == [("print", "a5"), ("print", "thermal")]
    page = client.get(url(receipt)).content.decode()
    assert page.count('data-testid="print-log"') == 1


def test_a_role_that_may_not_print_gets_403_not_a_pdf(world, desk, receipt, login):
    assert login(world.alice).get(url(receipt, "pdf")).status_code == 403
    assert not ReceiptPrint.objects.exists()


def test_front_office_cannot_void(world, desk, receipt, login):
    response = login(world.frank).post(url(receipt, "void"), {"reason": "salah"})
    assert response.status_code == 403
    receipt.donation.refresh_from_db()
    assert receipt.donation.status == DonationStatus.RECORDED


def test_finance_voids_with_a_reason_and_the_number_stays(world, desk, receipt, login):
    client = login(desk.fiona)
    assert client.get(url(receipt, "void")).status_code == 200
    empty = client.post(url(receipt, "void"), {"reason": "  "})
    assert empty.status_code == 400 and "is-invalid" in empty.content.decode()
    done = client.post(url(receipt, "void"), {"reason": "Salah input nominal"})
    assert done.status_code == 302 and done["Location"] == url(receipt)
    receipt.donation.refresh_from_db()
    receipt.refresh_from_db()
    assert receipt.donation.status == DonationStatus.VOID and receipt.number == "BRA-2026-000001"
    page = client.get(url(receipt)).content.decode()
    assert 'data-testid="void-note"' in page and "Salah input nominal" in page
    again = client.post(url(receipt, "void"), {"reason": "lagi"})
    assert again.status_code == 400 and receipt.number in again.content.decode()


def test_sending_by_email_needs_consent_and_queues_the_message(world, desk, receipt, login, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login(world.frank)
    refused = client.post(url(receipt, "send"), {"channel": "email"}, follow=True)
    assert refused.status_code == 200 and not Message.objects.exists()
    assert "alert-danger" in refused.content.decode()
    Donor.objects.filter(pk=desk.donor.pk).update(consent_email=True)
    sent = client.post(url(receipt, "send"), {"channel": "email"})
    assert sent.status_code == 302 and sent["Location"] == url(receipt)
    assert Message.objects.get().recipient == "hidayat@example.id"


def test_sending_by_whatsapp_opens_the_wa_me_link(world, desk, receipt, login):
    Donor.objects.filter(pk=desk.donor.pk).update(consent_whatsapp=True)
    response = login(world.frank).post(url(receipt, "send"), {"channel": "whatsapp"})
    assert response.status_code == 302 and response["Location"].startswith("https://wa.me/6281234567890?text=")
    assert ReceiptPrint.objects.get().kind == "whatsapp"


def test_auditor_cannot_send(world, desk, receipt, login):
    Donor.objects.filter(pk=desk.donor.pk).update(consent_email=True)
    assert login(world.audrey).post(url(receipt, "send"), {"channel": "email"}).status_code == 403
    assert not Message.objects.exists()


def test_public_verification_confirms_the_receipt_without_the_donor(world, desk, receipt, client):
    page = client.get(f"/r/{receipt.verify_token}/")
    assert page.status_code == 200 and page["X-Robots-Tag"].startswith("noindex")
    html = page.content.decode()
    assert receipt.number in html and "Rp1.300.000" in html and "LAZ Alpha" in html
    for private in (desk.donor.full_name, desk.donor.number, FULL_NPWP, desk.donor.npwp_masked, "hidayat@"):
        assert private not in html
    assert 'data-testid="verdict"' in html and "border-success" in html


def test_public_verification_says_void_for_a_voided_receipt(world, desk, receipt, client):
    donation_void(actor=desk.fiona, donation=receipt.donation, reason="Dobel")
    html = client.get(f"/r/{receipt.verify_token}/").content.decode()
    assert "border-danger" in html and "text-bg-danger" in html and "Dobel" not in html


def test_public_verification_gives_the_void_date_in_the_units_time_zone(world, desk, receipt, client):
    """Voided at 00:30 on 16 March in Jayapura (UTC+9), which is still 15 March in Jakarta."""
    Unit.objects.filter(pk=world.branch_a.pk).update(time_zone="Asia/Jayapura")
    donation_void(actor=desk.fiona, donation=receipt.donation, reason="Dobel")
    Donation.objects.filter(pk=receipt.donation_id).update(voided_at=datetime(2026, 3, 15, 15, 30, tzinfo=UTC))
    html = client.get(f"/r/{receipt.verify_token}/").content.decode()
    assert "16 March 2026" in html and "15 March 2026" not in html
    api = client.get(f"/api/v1/public/receipts/{receipt.verify_token}").json()
    assert api["voided_on"] == "2026-03-16"


def test_public_verification_of_an_unknown_or_guessed_link_is_404(world, desk, receipt, client):
    assert client.get("/r/not-a-real-token-123/").status_code == 404
    assert client.get(f"/r/{receipt.number}/").status_code == 404


def test_receipt_verification_is_rate_limited_per_address_like_the_other_public_lookups(
    client, world, desk, receipt, monkeypatch
):
    from django.core.cache import cache
    from django.test import Client

    from satuatap.core.throttle import Rate

    cache.clear()  # the counts other tests' visits left for this address
    monkeypatch.setattr(receipts, "VERIFY_RATE", Rate(count=3, seconds=600))
    assert client.get(f"/r/{receipt.verify_token}/").status_code == 200
    assert client.get("/r/notarealtoken1/").status_code == 404
    assert client.get(f"/api/v1/public/receipts/{receipt.verify_token}").status_code == 200
    refused = client.get(f"/r/{receipt.verify_token}/")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
    assert receipt.number not in refused.content.decode()
    api = client.get(f"/api/v1/public/receipts/{receipt.verify_token}")
    assert api.status_code == 429 and api.json()["error"]["code"] == "throttled" and "Retry-After" in api
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.9.8.7").get(f"/r/{receipt.verify_token}/").status_code == 200
