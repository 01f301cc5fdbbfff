"""Receipts over the API: read (scoped, identifiers masked), PDF, void (finance), public verification."""

import json

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection.models import DonationStatus, ReceiptPrint
from satuatap.collection.tests.conftest import give

FULL_NPWP = "01.312.166.0-091.000"


@pytest.fixture
def call(world, desk):
    keys = {}

    def _call(user, method, api_path, body=None):
        if user is not None and user.pk not in keys:
            keys[user.pk] = api_token_create(actor=user, name="test")[1]
        headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if user is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {keys[user.pk]}"
        client = Client()
        if body is None:
            return getattr(client, method)(f"/api/v1{api_path}", **headers)
        return getattr(client, method)(
            f"/api/v1{api_path}", json.dumps(body), content_type="application/json", **headers
        )

    return _call


@pytest.fixture
def receipt(world, desk):
    return give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 50_000)).receipt


def test_front_office_reads_the_receipt_with_the_npwp_masked(world, desk, receipt, call):
    response = call(world.frank, "get", f"/receipts/{receipt.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == "BRA-2026-000001" and body["status"] == "recorded"
    assert body["total"] == 1_300_000 and body["total_in_words"] == "satu juta tiga ratus ribu rupiah"
    assert [line["kind"] for line in body["lines"]] == ["zakat_maal", "infak"]
    assert body["donor"]["npwp"] == desk.donor.npwp_masked and not body["donor"]["npwp_is_full"]
    assert body["verify_url"].endswith(f"/r/{receipt.verify_token}/")
    assert FULL_NPWP not in response.content.decode()


def test_finance_reads_the_full_npwp_and_the_read_is_audited(world, desk, receipt, call):
    body = call(desk.fiona, "get", f"/receipts/{receipt.pk}").json()
    assert body["donor"]["npwp"] == FULL_NPWP and body["donor"]["npwp_is_full"]
    assert AuditEvent.objects.filter(action=AuditAction.DONOR_IDENTIFIERS_VIEWED, actor=desk.fiona).exists()


@pytest.mark.parametrize("persona", ["bob", "eve"])  # nina, with no role, cannot hold a token at all
def test_outsider_token_gets_404_for_every_receipt_operation(world, desk, receipt, call, persona):
    user = getattr(world, persona)
    assert call(user, "get", f"/receipts/{receipt.pk}").status_code == 404
    assert call(user, "get", f"/receipts/{receipt.pk}/pdf").status_code == 404
    assert not ReceiptPrint.objects.exists()


def test_finance_of_another_branch_cannot_void_or_read(world, desk, receipt, call):
    for user in (desk.felix, desk.evan):
        assert call(user, "get", f"/receipts/{receipt.pk}").status_code == 404
    response = call(desk.felix, "post", f"/receipts/{receipt.pk}/void", {"reason": "x"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    receipt.donation.refresh_from_db()
    assert receipt.donation.status == DonationStatus.RECORDED


def test_no_token_gets_401(world, desk, receipt, call):
    response = call(None, "get", f"/receipts/{receipt.pk}")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_pdf_download_in_both_layouts_is_logged_as_the_first_print_of_each(world, desk, receipt, call):
    a5 = call(world.frank, "get", f"/receipts/{receipt.pk}/pdf")
    assert a5.status_code == 200 and a5["Content-Type"] == "application/pdf" and a5.content.startswith(b"%PDF")
    thermal = call(world.frank, "get", f"/receipts/{receipt.pk}/pdf?layout=thermal")
    assert thermal.status_code == 200
    assert list(ReceiptPrint.objects.order_by("id").values_list("kind", "layout")) == [
        ("print", "a5"),
        ("print", "thermal"),
    ]
    bad = call(world.frank, "get", f"/receipts/{receipt.pk}/pdf?layout=letter")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"


def test_admin_without_counter_rights_cannot_download_the_pdf(world, desk, receipt, call):
    response = call(world.alice, "get", f"/receipts/{receipt.pk}/pdf")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_only_finance_voids_with_a_reason_and_not_twice(world, desk, receipt, call):
    refused = call(world.frank, "post", f"/receipts/{receipt.pk}/void", {"reason": "salah"})
    assert refused.status_code == 403
    empty = call(desk.fiona, "post", f"/receipts/{receipt.pk}/void", {"reason": ""})
    assert empty.status_code == 422 and "reason" in empty.json()["error"]["fields"]
    done = call(desk.fiona, "post", f"/receipts/{receipt.pk}/void", {"reason": "Salah input"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "void" and done.json()["void_reason"] == "Salah input"
    assert done.json()["number"] == "BRA-2026-000001"
    again = call(desk.fiona, "post", f"/receipts/{receipt.pk}/void", {"reason": "lagi"})
    assert again.status_code == 400 and "already void" in again.json()["error"]["message"]


def test_public_verification_needs_no_token_and_shows_no_donor_data(world, desk, receipt, call):
    response = call(None, "get", f"/public/receipts/{receipt.verify_token}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "number": "BRA-2026-000001",
        "date": "2026-03-10",
        "total": 1_300_000,
        "institution": world.alpha.name,
        "licence": "",
        "office": world.branch_a.name,
        "status": "recorded",
        "voided_on": None,
    }
    assert desk.donor.full_name not in response.content.decode()


def test_public_verification_reports_void_and_unknown_tokens(world, desk, receipt, call):
    call(desk.fiona, "post", f"/receipts/{receipt.pk}/void", {"reason": "Dobel"})
    assert call(None, "get", f"/public/receipts/{receipt.verify_token}").json()["status"] == "void"
    missing = call(None, "get", "/public/receipts/no-such-token-at-all")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
