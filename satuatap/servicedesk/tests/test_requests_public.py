"""The public request pages and API: apply online with documents (kept across a refused round), the
status page by tracking code (steps, due date, the reason of a rejection, nothing personal), unknown
codes and units answered clearly."""

import json

from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.servicedesk.models import ServiceRequest
from satuatap.servicedesk.requests import services
from satuatap.servicedesk.tests.test_requests_support import (  # noqa: F401  (fixtures)
    create,
    desk_fixture,
    english_messages,
    pdf,
    tick_all,
)

STATUS = "/permohonan/status/"
API = "/api/v1/servicedesk"


def apply_url(desk):
    return f"/permohonan/{desk.world.alpha.code.lower()}/{desk.unit.code.lower()}/"


def test_the_apply_page_lists_the_services_with_a_published_standard(client, desk):
    page = client.get(apply_url(desk)).content.decode()
    assert 'data-testid="service-BANTU"' in page and "Kartu Keluarga" in page
    assert 'data-testid="service-SURAT"' not in page
    assert client.get("/permohonan/alpha/nothere/").status_code == 404


def test_applying_online_leads_to_the_tracking_code(client, desk):
    b = desk.bantu
    url = apply_url(desk) + f"?service={b.service.pk}"
    refused = client.post(
        url,
        {"service": b.service.pk, "applicant_name": "Siti Aminah", "applicant_phone": "", f"document_{b.kk.pk}": pdf()},
    )
    body = refused.content.decode()
    assert refused.status_code == 400 and "Upload KTP; it is required." in body
    assert "Enter a phone number or an email address" in body
    token = body.split(f'name="kept_{b.kk.pk}" value="')[1].split('"')[0]
    sent = client.post(
        url,
        {
            "service": b.service.pk,
            "applicant_name": "Siti Aminah",
            "applicant_phone": "0812-3456-7890",
            f"kept_{b.kk.pk}": token,
            f"document_{b.ktp.pk}": pdf(),
        },
    )
    assert sent.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.channel == "online" and request.documents.count() == 2
    page = client.get(sent["Location"]).content.decode()
    assert request.code in page and "Your request has been sent" in page


def test_the_honeypot_refuses_a_robot(client, desk):
    b = desk.bantu
    response = client.post(
        apply_url(desk) + f"?service={b.service.pk}",
        {
            "service": b.service.pk,
            "applicant_name": "Bot",
            "applicant_phone": "0812-3456-7890",
            "leave_empty": "x",
            f"document_{b.ktp.pk}": pdf(),
            f"document_{b.kk.pk}": pdf(),
        },
    )
    assert response.status_code == 400 and not ServiceRequest.objects.exists()


def test_the_status_page_shows_the_steps_and_the_reason_but_nothing_personal(client, desk):
    request = create(desk, applicant_email="siti@example.org")
    services.request_step(actor=desk.frank, request=request, to_status="rejected", reject_reason="KK tidak terbaca")
    page = client.get(STATUS + f"?code={request.code[:5]} {request.code[5:].lower()}").content.decode()
    assert "KK tidak terbaca" in page and "Rejected" in page and "Received" in page
    assert "Siti" not in page and "Aminah" not in page and "siti@example.org" not in page and "0812" not in page
    assert "S." in page


def test_an_unknown_or_junk_code_gets_a_clear_message(client, desk):
    for code in ("ABCDEFGHJK", "<script>", "x" * 500):
        response = client.get(STATUS, {"code": code})
        assert response.status_code == 404 and "No request has this tracking code" in response.content.decode()
    assert client.get(STATUS).status_code == 200


def test_the_public_api_takes_and_tracks_a_request(client, desk):
    b = desk.bantu
    url = f"{API}/public/units/alpha/bra/requests"
    refused = client.post(
        url,
        {
            "service_id": b.service.pk,
            "applicant_name": "Siti",
            "applicant_phone": "0812-3456-7890",
            f"document_{b.ktp.pk}": pdf("ktp.pdf", b"GIF89a not a pdf"),
        },
    )
    assert refused.status_code == 422 or refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    assert f"document_{b.ktp.pk}" in fields
    created = client.post(
        url,
        {
            "service_id": b.service.pk,
            "applicant_name": "Siti",
            "applicant_phone": "0812-3456-7890",
            f"document_{b.ktp.pk}": pdf(),
            f"document_{b.kk.pk}": pdf(),
        },
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    status = client.get(f"{API}/public/requests/{code.lower()}")
    assert status.status_code == 200 and status.json()["status"] == "received"
    assert "Siti" not in status.content.decode()
    assert client.get(f"{API}/public/requests/NOPE").status_code == 404
    assert client.post(f"{API}/public/units/alpha/nothere/requests", {}).status_code == 404
    missing = client.post(url, {"service_id": desk.draft.service.pk, "applicant_name": "x"})
    assert missing.status_code == 400


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": "en",
                        "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, name="test")[1]}  # fmt: skip

    def get(self, path, **query):
        return self.client.get(API + path, query, **self.headers)

    def post(self, path, data):
        return self.client.post(API + path, json.dumps(data), content_type="application/json", **self.headers)


def test_the_staff_api_walks_a_request(desk):
    b = desk.bantu
    api = Api(desk.frank)
    missing = api.post("/requests", {"service_id": b.service.pk, "applicant_name": "Siti"})
    assert missing.status_code == 400 and f"document_{b.ktp.pk}" in missing.json()["error"]["fields"]
    request = create(desk, applicant_email="siti@example.org")
    listed = api.get("/requests", overdue="false")
    assert listed.status_code == 200 and [r["code"] for r in listed.json()["items"]] == [request.code]
    detail = api.get(f"/requests/{request.pk}").json()
    assert detail["applicant_email"] == "siti@example.org" and len(detail["checklist"]) == 4
    early = api.post(f"/requests/{request.pk}/step", {"to_status": "verified"})
    assert early.status_code == 400
    for requirement in (b.ktp, b.kk, b.visit):
        assert (
            api.post(f"/requests/{request.pk}/checks", {"requirement_id": requirement.pk, "is_met": True}).status_code
            == 200
        )
    stepped = api.post(f"/requests/{request.pk}/step", {"to_status": "verified"})
    assert stepped.status_code == 200 and stepped.json()["status"] == "verified"
    masked = Api(desk.alice).get(f"/requests/{request.pk}").json()
    assert masked["applicant_email"] != "siti@example.org"


def test_the_staff_api_refuses_outsiders(desk):
    request = create(desk)
    api = Api(desk.world.bob)
    assert api.get(f"/requests/{request.pk}").status_code == 404
    assert api.post(f"/requests/{request.pk}/step", {"to_status": "rejected", "reject_reason": "x"}).status_code == 404
    assert api.get("/requests").json()["items"] == []
    auditor = Api(desk.audrey)
    assert (
        auditor.post(f"/requests/{request.pk}/step", {"to_status": "rejected", "reject_reason": "x"}).status_code == 403
    )


def test_ids_beyond_64_bits_are_refused_not_a_server_error(desk):
    api = Api(desk.frank)
    assert api.get("/requests", service_id="-36893488147419103231").status_code == 422
    too_big = {"service_id": 2**70, "applicant_name": "x"}
    assert api.post("/requests", too_big).status_code == 422
