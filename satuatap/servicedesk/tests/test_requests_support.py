"""Fixtures of the service requests' tests (imported by the test_requests_* modules): a service desk
at branch A with a service that takes requests (BANTU, 3 working days) and its published standard of
four requirements (KTP and KK mandatory documents, a letter optional, coming in person mandatory
without a document), a letter service without a published standard, a served queue ticket, and the
people: frank (front office), hank (head), audrey (auditor), paula (program), alice (admin)."""

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture re-exported)
from satuatap.organizations.models import Role
from satuatap.servicedesk.models import (
    QueueLine,
    QueueTicket,
    Service,
    ServiceStandard,
    StandardRequirement,
    StandardStatus,
    TicketStatus,
)
from satuatap.servicedesk.requests import services
from tests.factories import UserFactory, grant

PDF = b"%PDF-1.4\n" + b"0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
WIB = ZoneInfo("Asia/Jakarta")


def pdf(name="ktp.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def at(day: date, hour=10, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def make_service(unit, code="BANTU", *, days=3, published=True, marker=""):
    service = Service.objects.create(
        unit=unit, code=code, name=f"Pengajuan bantuan {marker}".strip(), needs_queue=True, needs_request=True
    )
    standard = ServiceStandard.objects.create(
        service=service,
        version=1,
        status=StandardStatus.PUBLISHED if published else StandardStatus.DRAFT,
        effective_from=date(2020, 1, 1) if published else None,
        service_days=days,
        product="Surat keputusan bantuan",
    )
    ktp = StandardRequirement.objects.create(standard=standard, position=1, name="KTP")
    kk = StandardRequirement.objects.create(standard=standard, position=2, name="Kartu Keluarga")
    letter = StandardRequirement.objects.create(
        standard=standard, position=3, name="Surat keterangan", is_mandatory=False
    )
    visit = StandardRequirement.objects.create(
        standard=standard, position=4, name="Datang langsung", needs_document=False
    )
    return SimpleNamespace(service=service, standard=standard, ktp=ktp, kk=kk, letter=letter, visit=visit)


@pytest.fixture(name="desk")
def desk_fixture(world):
    unit = world.branch_a
    bantu = make_service(unit)
    draft = make_service(unit, "SURAT", published=False)
    hank = UserFactory(username="hank")
    grant(hank, unit, Role.HEAD)
    paula = UserFactory(username="paula")
    grant(paula, unit, Role.PROGRAM)
    line = QueueLine.objects.create(unit=unit, prefix="B", name="Bantuan")
    now = timezone.now()
    ticket = QueueTicket.objects.create(
        unit=unit, line=line, service=bantu.service, day=timezone.localdate(), number=12, code="TCKTAAAAAA",
        status=TicketStatus.DONE, taken_at=now, wait_from=now,
    )  # fmt: skip
    return SimpleNamespace(
        unit=unit, bantu=bantu, draft=draft, frank=world.frank, hank=hank, paula=paula, audrey=world.audrey,
        alice=world.alice, ticket=ticket, world=world,
    )  # fmt: skip


def documents(b, **extra):
    return {b.ktp.pk: pdf("ktp.pdf"), b.kk.pk: pdf("kk.pdf"), **extra}


def create(desk, **changes):
    b = desk.bantu
    kwargs = {
        "actor": desk.frank,
        "unit": desk.unit,
        "service": b.service,
        "channel": "counter",
        "applicant_name": "Siti Aminah",
        "applicant_phone": "0812-3456-7890",
        "applicant_email": "",
        "details": "Bantuan biaya sekolah",
        "documents": documents(b),
        **changes,
    }
    return services.request_create(**kwargs)


def tick_all(desk, request):
    b = desk.bantu
    for requirement in (b.ktp, b.kk, b.visit):
        services.request_check(actor=desk.frank, request=request, requirement=requirement, is_met=True)
