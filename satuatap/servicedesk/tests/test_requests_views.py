"""Staff pages of service requests: the list (overdue flagged, exports), the request page (masking,
checklist, steps, reject, hand-over), a new request (documents kept across a refused round, from a
ticket, from WhatsApp), document views audited, outsiders refused."""

from datetime import date

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.servicedesk.models import ServiceRequest
from satuatap.servicedesk.requests import services
from satuatap.servicedesk.tests.test_requests_support import (  # noqa: F401  (fixtures)
    PDF,
    at,
    create,
    desk_fixture,
    english_messages,
    pdf,
    tick_all,
)

LIST = "/servicedesk/requests/"
NEW = "/servicedesk/requests/new/"


def test_the_list_flags_the_overdue_and_filters_them(login, desk):
    late = create(desk, at=at(date(2026, 1, 5)), applicant_name="Budi Terlambat")
    fresh = create(desk, applicant_name="Ani Baru")
    client = login(desk.hank)
    page = client.get(LIST).content.decode()
    assert "1 request is past its due date" in page
    assert f'data-testid="request-{late.pk}"' in page and f'data-testid="request-{fresh.pk}"' in page
    overdue = client.get(LIST + "?overdue=1").content.decode()
    assert "Budi Terlambat" in overdue and "Ani Baru" not in overdue
    assert "Ani Baru" in client.get(LIST + f"?q={fresh.code.lower()}").content.decode()
    assert "Ani Baru" not in client.get(LIST + f"?q={late.code}").content.decode()


def test_the_list_exports_csv_and_xlsx(login, desk):
    late = create(desk, at=at(date(2026, 1, 5)))
    client = login(desk.hank)
    csv = client.get(LIST + "?format=csv")
    assert csv.status_code == 200 and late.code in csv.content.decode()
    xlsx = client.get(LIST + "?format=xlsx&overdue=1")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_request_page_masks_contacts_for_a_role_without_documents(login, desk):
    request = create(desk, applicant_email="siti.aminah@example.org")
    admin = login(desk.alice).get(f"{LIST}{request.pk}/").content.decode()
    assert "siti.aminah@example.org" not in admin and "+62 812" not in admin and "wa.me" not in admin
    clerk = login(desk.frank).get(f"{LIST}{request.pk}/").content.decode()
    assert (
        "siti.aminah@example.org" in clerk and "+62 812-3456-7890" in clerk and "https://wa.me/6281234567890" in clerk
    )


def test_the_request_page_walks_the_steps(login, desk):
    request = create(desk)
    client = login(desk.frank)
    url = f"{LIST}{request.pk}/"
    page = client.get(url).content.decode()
    assert "working day" in page and "KTP" in page and 'data-testid="step-verified"' in page
    refused = client.post(url + "step/", {"to_status": "verified"})
    assert refused.status_code == 400 and "Tick every mandatory requirement" in refused.content.decode()
    for requirement in (desk.bantu.ktp, desk.bantu.kk, desk.bantu.visit):
        assert client.post(url + "check/", {"requirement": requirement.pk, "is_met": "1"}).status_code == 302
    for status in ("verified", "processed", "ready"):
        assert client.post(url + "step/", {"to_status": status}).status_code == 302
    no_one = client.post(url + "step/", {"to_status": "handed_over"})
    assert no_one.status_code == 400 and "who received the product" in no_one.content.decode()
    client.post(url + "step/", {"to_status": "handed_over", "handed_to": "Siti Aminah", "handed_to_note": "sendiri"})
    request.refresh_from_db()
    assert request.status == "handed_over" and request.handed_to == "Siti Aminah"
    assert "Handed over to Siti Aminah" in client.get(url).content.decode()


def test_rejecting_on_the_page_needs_a_reason(login, desk):
    request = create(desk)
    client = login(desk.frank)
    url = f"{LIST}{request.pk}/step/"
    assert client.post(url, {"to_status": "rejected", "reject_reason": ""}).status_code == 400
    client.post(url, {"to_status": "rejected", "reject_reason": "Berkas tidak lengkap"})
    request.refresh_from_db()
    assert request.status == "rejected" and request.reject_reason == "Berkas tidak lengkap"


def test_an_auditor_reads_but_does_not_step(login, desk):
    request = create(desk)
    client = login(desk.audrey)
    page = client.get(f"{LIST}{request.pk}/").content.decode()
    assert 'data-testid="actions"' not in page
    assert client.post(f"{LIST}{request.pk}/step/", {"to_status": "rejected", "reject_reason": "x"}).status_code == 403
    assert client.get(NEW).status_code == 403


def test_an_outsider_sees_no_request_nor_document(login, desk):
    request = create(desk)
    document = request.documents.first()
    client = login(desk.world.bob)
    assert client.get(f"{LIST}{request.pk}/").status_code == 404
    assert client.get(f"{LIST}documents/{document.pk}/").status_code == 404
    assert request.code not in client.get(LIST).content.decode()


def test_every_document_view_is_audited(login, desk):
    request = create(desk)
    document = request.documents.first()
    client = login(desk.audrey)
    response = client.get(f"{LIST}documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    client.get(f"{LIST}documents/{document.pk}/")
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_REQUEST_DOCUMENT_VIEWED).count() == 2
    assert login(desk.alice).get(f"{LIST}documents/{document.pk}/").status_code == 403


def test_a_new_request_keeps_the_files_already_chosen(login, desk):
    b = desk.bantu
    client = login(desk.frank)
    page = client.get(NEW + f"?service={b.service.pk}").content.decode()
    assert f'name="document_{b.ktp.pk}"' in page and "SURAT" not in page  # no published standard
    first = client.post(
        NEW,
        {
            "service": b.service.pk,
            "applicant_name": "Siti",
            "applicant_phone": "0812-3456-7890",
            f"document_{b.ktp.pk}": pdf(),
        },
    )
    body = first.content.decode()
    assert first.status_code == 400 and "Upload Kartu Keluarga; it is required." in body
    assert f'data-testid="kept-document_{b.ktp.pk}"' in body
    token = body.split(f'name="kept_{b.ktp.pk}" value="')[1].split('"')[0]
    second = client.post(
        NEW,
        {
            "service": b.service.pk,
            "applicant_name": "Siti",
            "applicant_phone": "0812-3456-7890",
            f"kept_{b.ktp.pk}": token,
            f"document_{b.kk.pk}": pdf("kk.pdf"),
            "notify": "on",
        },
    )
    assert second.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.documents.count() == 2 and request.channel == "counter"


def test_a_new_request_from_a_served_ticket_is_prefilled(login, desk):
    client = login(desk.frank)
    page = client.get(NEW + f"?ticket={desk.ticket.pk}").content.decode()
    assert "B-012" in page and f'name="document_{desk.bantu.ktp.pk}"' in page
    b = desk.bantu
    response = client.post(
        NEW + f"?ticket={desk.ticket.pk}",
        {
            "service": b.service.pk,
            "ticket": desk.ticket.pk,
            "applicant_name": "Siti",
            f"document_{b.ktp.pk}": pdf(),
            f"document_{b.kk.pk}": pdf(),
        },
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().ticket == desk.ticket


def test_a_whatsapp_conversation_is_logged_as_a_request(login, desk):
    b = desk.bantu
    client = login(desk.frank)
    page = client.get(NEW + f"?whatsapp=1&service={b.service.pk}").content.decode()
    assert 'name="transcript"' in page and "Sender" in page
    response = client.post(
        NEW + "?whatsapp=1",
        {
            "service": b.service.pk,
            "whatsapp": "1",
            "applicant_name": "Pak Joko",
            "applicant_phone": "0813 2222 3333",
            "transcript": "Joko: mau tanya bantuan",
            f"document_{b.ktp.pk}": pdf(),
            f"document_{b.kk.pk}": pdf(),
        },
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.channel == "whatsapp" and request.transcript == "Joko: mau tanya bantuan"
    assert request.applicant_phone == "+6281322223333"


def test_overdue_requests_are_in_the_heads_work_list(login, desk):
    from satuatap.core.work import waiting_for

    late = create(desk, at=at(date(2026, 1, 5)))
    services.request_step(
        actor=desk.frank, request=create(desk, at=at(date(2026, 1, 5))), to_status="rejected", reject_reason="x"
    )
    items = [i for i in waiting_for(desk.hank, desk.unit) if i.url.startswith("/servicedesk/requests/")]
    assert [i.url for i in items] == [f"/servicedesk/requests/{late.pk}/"]
    assert all(i.overdue for i in items)
    tick_all(desk, late)


def test_junk_in_the_lists_query_is_no_server_error(login, desk):
    client = login(desk.hank)
    for query in ("?service=99999999999999999999999", "?status=nonsense&q=%27%22x", "?page=-1", "?overdue=yes"):
        assert client.get(LIST + query).status_code == 200
    assert client.get(NEW + "?ticket=99999999999999999999999&service=x").status_code == 200
