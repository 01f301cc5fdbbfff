"""Service requests: taking one (refusals all at once, documents checked by content, the due date in
working days), its steps, the checklist, hand-over, notifications through the outbox, documents."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.organizations.models import Closure
from satuatap.outbox.models import Message, MessageChannel
from satuatap.servicedesk.models import RequestDocument, RequestStatus, RequestStep, ServiceRequest
from satuatap.servicedesk.requests import selectors, services
from satuatap.servicedesk.tests.test_requests_support import (  # noqa: F401  (fixtures)
    PNG,
    at,
    create,
    desk_fixture,
    english_messages,
    pdf,
    tick_all,
)


def messages_of(error: ValidationError) -> dict:
    return error.message_dict


def test_a_request_gets_a_code_a_due_date_a_first_step_and_an_audit_entry(desk):
    request = create(desk, at=at(date(2026, 3, 2)))  # a Monday, no holiday that week
    assert len(request.code) == 10
    assert request.status == RequestStatus.RECEIVED
    assert request.standard == desk.bantu.standard
    assert request.applicant_phone == "+6281234567890"
    # 3 working days after Monday: Thursday, at closing time (16:00 WIB).
    assert request.due_at == at(date(2026, 3, 5), 16)
    assert list(request.steps.values_list("status", flat=True)) == ["received"]
    assert request.documents.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_REQUEST_CREATED, target_id=str(request.pk)).exists()


def test_the_due_date_skips_weekends_and_holidays(desk):
    # Thursday 13 August 2026: Friday 14 counts, 15–16 are the weekend, 17 August is Independence Day.
    request = create(desk, at=at(date(2026, 8, 13)))
    assert request.due_at == at(date(2026, 8, 19), 16)


def test_the_due_date_skips_a_closure_of_the_unit_or_above(desk):
    Closure.objects.create(unit=desk.world.area, first_day=date(2026, 3, 3), last_day=date(2026, 3, 3), name="Haul")
    request = create(desk, at=at(date(2026, 3, 2)))
    assert request.due_at == at(date(2026, 3, 6), 16)


def test_every_missing_document_is_named_at_once_and_nothing_is_kept(desk):
    with pytest.raises(ValidationError) as refused:
        create(desk, documents={}, applicant_phone="12", applicant_name=" ")
    fields = messages_of(refused.value)
    b = desk.bantu
    assert f"document_{b.ktp.pk}" in fields and f"document_{b.kk.pk}" in fields
    assert f"document_{b.letter.pk}" not in fields  # optional
    assert "applicant_phone" in fields and "applicant_name" in fields
    assert "KTP" in fields[f"document_{b.ktp.pk}"][0]
    assert ServiceRequest.objects.count() == 0


def test_a_fake_pdf_is_refused_by_its_content(desk):
    b = desk.bantu
    fake = pdf("ktp.pdf", b"MZ\x90\x00 this is an executable")
    with pytest.raises(ValidationError) as refused:
        create(desk, documents={b.ktp.pk: fake, b.kk.pk: pdf()})
    assert list(messages_of(refused.value)) == [f"document_{b.ktp.pk}"]
    assert "PDF, JPEG, PNG or WebP" in messages_of(refused.value)[f"document_{b.ktp.pk}"][0]
    assert ServiceRequest.objects.count() == 0 and RequestDocument.objects.count() == 0


def test_a_service_without_a_published_standard_takes_no_request(desk):
    d = desk.draft
    with pytest.raises(ValidationError) as refused:
        create(desk, service=d.service, documents={})
    assert "no published service standard" in messages_of(refused.value)["service"][0]


def test_a_service_that_takes_no_requests_is_refused(desk):
    desk.bantu.service.needs_request = False
    desk.bantu.service.save()
    with pytest.raises(ValidationError) as refused:
        create(desk)
    assert "does not take requests" in messages_of(refused.value)["service"][0]


def test_an_outsider_or_a_role_that_does_not_serve_cannot_take_a_request(desk):
    with pytest.raises(PermissionDenied):
        create(desk, actor=desk.world.bob)
    with pytest.raises(PermissionDenied):
        create(desk, actor=desk.audrey)


def test_a_request_from_a_served_ticket_keeps_the_ticket_once(desk):
    request = create(desk, ticket=desk.ticket)
    assert request.channel == "ticket" and request.ticket == desk.ticket
    with pytest.raises(ValidationError) as refused:
        create(desk, ticket=desk.ticket)
    assert "already become a request" in messages_of(refused.value)["ticket"][0]


def test_a_whatsapp_conversation_keeps_its_transcript_and_the_sender(desk):
    request = create(
        desk,
        channel="whatsapp",
        transcript="[08.12] Siti: Assalamualaikum, saya mau ajukan bantuan",
        applicant_phone="+62 812 3456 7890",
    )
    assert request.channel == "whatsapp"
    assert request.transcript.startswith("[08.12] Siti")
    assert request.applicant_phone == "+6281234567890"
    with pytest.raises(ValidationError) as refused:
        create(desk, channel="whatsapp", transcript="", applicant_phone="")
    assert {"transcript", "applicant_phone"} <= set(messages_of(refused.value))
    with pytest.raises(ValidationError) as refused:
        create(desk, channel="whatsapp", transcript="halo", applicant_phone="0812")
    assert "applicant_phone" in messages_of(refused.value)


def test_an_online_request_needs_a_way_to_reach_the_applicant_and_no_actor(desk):
    request = create(desk, actor=None, channel="online", applicant_phone="", applicant_email="siti@example.org")
    assert request.created_by is None and request.channel == "online"
    with pytest.raises(ValidationError) as refused:
        create(desk, actor=None, channel="online", applicant_phone="", applicant_email="")
    assert "applicant_phone" in messages_of(refused.value)


def test_steps_go_in_order(desk):
    request = create(desk)
    with pytest.raises(ValidationError) as refused:
        services.request_step(actor=desk.frank, request=request, to_status="processed")
    assert "next step" in messages_of(refused.value)["to_status"][0]
    tick_all(desk, request)
    for status in ("verified", "processed", "ready"):
        request = services.request_step(actor=desk.frank, request=request, to_status=status)
    request = services.request_step(
        actor=desk.frank, request=request, to_status="handed_over", handed_to="Siti Aminah", handed_to_note="sendiri"
    )
    assert request.status == "handed_over" and request.finished_at is not None
    assert request.handed_to == "Siti Aminah"
    assert list(request.steps.values_list("status", flat=True)) == [
        "received", "verified", "processed", "ready", "handed_over",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_REQUEST_STEP, target_id=str(request.pk)).count() >= 4
    with pytest.raises(ValidationError):
        services.request_step(actor=desk.frank, request=request, to_status="rejected", reject_reason="late")


def test_verification_needs_every_mandatory_requirement_met(desk):
    request = create(desk)
    b = desk.bantu
    services.request_check(actor=desk.frank, request=request, requirement=b.ktp, is_met=True)
    with pytest.raises(ValidationError) as refused:
        services.request_step(actor=desk.frank, request=request, to_status="verified")
    message = messages_of(refused.value)["to_status"][0]
    assert "Kartu Keluarga" in message and "Datang langsung" in message and "KTP" not in message
    services.request_check(actor=desk.frank, request=request, requirement=b.kk, is_met=True)
    services.request_check(actor=desk.frank, request=request, requirement=b.visit, is_met=False)
    with pytest.raises(ValidationError):
        services.request_step(actor=desk.frank, request=request, to_status="verified")
    services.request_check(actor=desk.frank, request=request, requirement=b.visit, is_met=True)
    assert services.request_step(actor=desk.frank, request=request, to_status="verified").status == "verified"


def test_a_requirement_of_another_standard_cannot_be_ticked(desk):
    request = create(desk)
    with pytest.raises(ValidationError):
        services.request_check(actor=desk.frank, request=request, requirement=desk.draft.ktp, is_met=True)


def test_a_rejection_needs_a_reason_and_the_applicant_is_told_it(desk):
    request = create(desk)
    with pytest.raises(ValidationError) as refused:
        services.request_step(actor=desk.frank, request=request, to_status="rejected", reject_reason="  ")
    assert "reject_reason" in messages_of(refused.value)
    request = services.request_step(
        actor=desk.frank, request=request, to_status="rejected", reject_reason="KK tidak terbaca"
    )
    assert request.status == "rejected" and request.finished_at is not None
    last = Message.objects.order_by("-pk").first()
    assert last.channel == MessageChannel.WHATSAPP and "KK tidak terbaca" in last.body
    assert f"?code={request.code}" in last.body


def test_the_hand_over_records_who_received_the_product(desk):
    request = create(desk)
    tick_all(desk, request)
    for status in ("verified", "processed", "ready"):
        request = services.request_step(actor=desk.frank, request=request, to_status=status)
    with pytest.raises(ValidationError) as refused:
        services.request_step(actor=desk.frank, request=request, to_status="handed_over")
    assert "handed_to" in messages_of(refused.value)


def test_each_step_queues_a_message_by_email_when_given_else_whatsapp(desk):
    request = create(desk, applicant_email="siti@example.org")
    tick_all(desk, request)
    services.request_step(actor=desk.frank, request=request, to_status="verified")
    emails = Message.objects.filter(channel=MessageChannel.EMAIL, recipient="siti@example.org")
    assert emails.count() == 2  # received, verified
    assert request.code in emails.last().subject
    quiet = create(desk, notify=False)
    services.request_step(actor=desk.frank, request=quiet, to_status="rejected", reject_reason="x")
    assert not Message.objects.filter(reference__startswith=f"service_request:{quiet.pk}:").exists()
    by_phone = create(desk)
    assert Message.objects.get(reference=f"service_request:{by_phone.pk}:received").channel == MessageChannel.WHATSAPP


def test_documents_added_and_opened_are_audited_and_need_the_documents_role(desk):
    request = create(desk)
    document = services.request_document_add(
        actor=desk.frank, request=request, upload=pdf("surat.png", PNG), requirement=desk.bantu.letter
    )
    assert document.content_type == "image/png"
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_REQUEST_DOCUMENT_ADDED).count() == 1
    with services.request_document_open(actor=desk.audrey, document=document) as handle:
        assert handle.read().startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_REQUEST_DOCUMENT_VIEWED).count() == 1
    with pytest.raises(PermissionDenied):
        services.request_document_open(actor=desk.alice, document=document)  # admin: no documents role


def test_the_overdue_are_listed_and_counted_for_the_head(desk):
    late = create(desk, at=at(date(2026, 1, 5)))
    create(desk)
    done = create(desk, at=at(date(2026, 1, 5)))
    services.request_step(actor=desk.frank, request=done, to_status="rejected", reject_reason="x")
    assert list(selectors.request_list(desk.hank, overdue=True)) == [late]
    assert selectors.overdue_count(desk.hank, desk.unit) == 1
    items = selectors.work_overdue(desk.hank, desk.world.alpha)
    assert [i.title.split(" ")[0] for i in items] == [late.code] and items[0].overdue
    assert selectors.work_overdue(desk.world.bob, desk.world.alpha) == []


def test_the_public_status_shows_nothing_personal_beyond_an_initial(desk):
    request = create(desk)
    services.request_step(actor=desk.frank, request=request, to_status="rejected", reject_reason="KK buram")
    found = selectors.request_by_code(request.code.lower()[:5] + "-" + request.code[5:])
    status = selectors.public_status(found)
    assert status.initial == "S." and status.reject_reason == "KK buram"
    assert [s.status for s in status.steps] == ["received", "rejected"]
    assert selectors.request_by_code("nonsense") is None
    assert RequestStep.objects.filter(request=request).count() == 2
