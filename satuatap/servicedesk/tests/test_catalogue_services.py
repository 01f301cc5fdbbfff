"""The service catalogue's writes: services and adoption, standards drafted, approved, published and
frozen in versions, desk settings; every refusal of one call at once; each action audited.

Personas on top of ``conftest.world``: ``hank`` head of branch A (approves), ``alice`` admin of
branch A (configures, cannot approve), ``frank`` front office (neither), ``rita`` head of region R1.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.organizations.models import Role
from satuatap.servicedesk.catalogue import selectors, services
from satuatap.servicedesk.errors import CatalogueRefused
from satuatap.servicedesk.models import StandardStatus
from tests.factories import UserFactory, grant

FULL = {
    "legal_basis": "UU 25/2009 tentang Pelayanan Publik\nPermenPANRB 15/2014",
    "requirements": [{"name": "Fotokopi KTP"}, {"name": "Kartu Keluarga", "is_mandatory": False}],
    "procedure": ["Ambil nomor antrean", "Serahkan berkas", "Terima bukti"],
    "service_minutes": 10,
    "is_free": True,
    "product": "Bukti setor zakat",
    "complaint_channels": "Kotak saran, WhatsApp",
    "facilities": "Ruang tunggu, kursi roda",
    "staff_competence": "Memahami fikih zakat",
    "internal_supervision": "Kepala kantor",
    "staff_count": 2,
    "service_guarantee": "Dilayani sesuai standar",
    "security_guarantee": "Data pribadi dijaga",
    "performance_evaluation": "Survei kepuasan tiap triwulan",
}


@pytest.fixture
def desk(world):
    hank = UserFactory(username="hank")
    grant(hank, world.branch_a, Role.HEAD)
    rita = UserFactory(username="rita")
    grant(rita, world.region, Role.HEAD)
    world.hank, world.rita = hank, rita
    return world


def make_service(actor, unit, code="ZIS", **fields):
    return services.service_save(actor=actor, unit=unit, code=code, name=f"Layanan {code}", **fields)


def published(actor, head, service, **fields):
    """A service's next version, filled in, approved and published today."""
    standard = services.standard_draft(actor=actor, service=service, **{**FULL, **fields})
    services.standard_approve(actor=head, standard=standard)
    today = timezone.localdate()
    return services.standard_publish(actor=actor, standard=standard, effective_from=today)


def fields_of(exc) -> set[str]:
    return set(exc.value.error_dict)


# --- services ---------------------------------------------------------------------------------------


def test_admin_adds_a_service_and_it_is_audited(desk):
    service = make_service(desk.alice, desk.branch_a, daily_quota=50, needs_appointment=True)
    assert service.code == "ZIS" and service.daily_quota == 50 and service.needs_appointment
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_SAVED, target_id=str(service.pk)).exists()


def test_every_refusal_of_a_service_comes_at_once(desk):
    make_service(desk.alice, desk.branch_a)
    with pytest.raises(CatalogueRefused) as exc:
        services.service_save(
            actor=desk.alice, unit=desk.branch_a, code="ZIS", name="", needs_queue=False,
            daily_quota=0, slot_minutes=2, slot_capacity=0,
        )  # fmt: skip
    assert fields_of(exc) == {"code", "name", "needs_queue", "daily_quota", "slot_minutes", "slot_capacity"}


def test_a_code_is_checked_for_its_form_and_may_repeat_in_another_unit(desk):
    make_service(desk.alice, desk.branch_a)
    with pytest.raises(CatalogueRefused) as exc:
        make_service(desk.alice, desk.branch_a, code="zis 1")
    assert fields_of(exc) == {"code"}
    grant(desk.alice, desk.branch_b, Role.ADMIN)
    assert make_service(desk.alice, desk.branch_b).unit == desk.branch_b


def test_front_office_cannot_configure_services(desk):
    with pytest.raises(PermissionDenied):
        make_service(desk.frank, desk.branch_a)


def test_editing_changes_only_the_fields_given(desk):
    service = make_service(desk.alice, desk.branch_a, category="Zakat")
    services.service_save(actor=desk.alice, unit=desk.branch_a, service=service, daily_quota=20)
    service.refresh_from_db()
    assert service.category == "Zakat" and service.daily_quota == 20


# --- adoption ---------------------------------------------------------------------------------------


def test_a_unit_below_adopts_a_parent_service_and_follows_its_standard(desk):
    parent = make_service(desk.rita, desk.region)
    with pytest.raises(CatalogueRefused):  # nothing published yet
        services.service_adopt(actor=desk.alice, unit=desk.branch_a, parent_service=parent)
    standard = published(desk.rita, desk.rita, parent)
    assert parent in selectors.adoptable(desk.branch_a)
    local = services.service_adopt(
        actor=desk.alice, unit=desk.branch_a, parent_service=parent, local_details="Loket 2, lantai 1"
    )
    assert local.adopted_from == parent and local.code == parent.code
    assert selectors.standard_in_force(local) == standard
    assert parent not in selectors.adoptable(desk.branch_a)
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_ADOPTED, target_id=str(local.pk)).exists()
    with pytest.raises(CatalogueRefused):
        services.service_adopt(actor=desk.alice, unit=desk.branch_a, parent_service=parent)
    with pytest.raises(CatalogueRefused):  # an adopted service has no standard of its own
        services.standard_draft(actor=desk.alice, service=local)


def test_a_sibling_unit_service_cannot_be_adopted(desk):
    grant(desk.hank, desk.branch_b, Role.HEAD)
    other = make_service(desk.hank, desk.branch_b)
    published(desk.hank, desk.hank, other)
    with pytest.raises(CatalogueRefused) as exc:
        services.service_adopt(actor=desk.alice, unit=desk.branch_a, parent_service=other)
    assert fields_of(exc) == {"parent_service"}


# --- standards --------------------------------------------------------------------------------------


def test_a_standard_goes_from_draft_to_approved_to_published(desk):
    service = make_service(desk.alice, desk.branch_a)
    standard = services.standard_draft(actor=desk.alice, service=service, **FULL)
    assert standard.version == 1 and standard.status == StandardStatus.DRAFT
    assert [r.name for r in standard.requirements.all()] == ["Fotokopi KTP", "Kartu Keluarga"]
    with pytest.raises(CatalogueRefused):  # cannot publish unapproved
        services.standard_publish(actor=desk.alice, standard=standard, effective_from=timezone.localdate())
    with pytest.raises(PermissionDenied):  # only the head approves
        services.standard_approve(actor=desk.alice, standard=standard)
    services.standard_approve(actor=desk.hank, standard=standard)
    services.standard_publish(actor=desk.alice, standard=standard, effective_from=timezone.localdate())
    standard.refresh_from_db()
    assert standard.status == StandardStatus.PUBLISHED and standard.approved_by == desk.hank
    assert selectors.standard_in_force(service) == standard
    actions = set(AuditEvent.objects.filter(target_id=str(standard.pk)).values_list("action", flat=True))
    assert {AuditAction.STANDARD_SAVED, AuditAction.STANDARD_APPROVED, AuditAction.STANDARD_PUBLISHED} <= actions


def test_approval_names_every_missing_component(desk):
    service = make_service(desk.alice, desk.branch_a)
    standard = services.standard_draft(actor=desk.alice, service=service, legal_basis="UU 25/2009", is_free=False,
                                       tariff=5_000)  # fmt: skip
    with pytest.raises(CatalogueRefused) as exc:
        services.standard_approve(actor=desk.hank, standard=standard)
    assert len(fields_of(exc)) == 13 and "legal_basis" not in fields_of(exc) and "tariff" in fields_of(exc)


def test_every_refusal_of_a_draft_comes_at_once(desk):
    service = make_service(desk.alice, desk.branch_a)
    with pytest.raises(CatalogueRefused) as exc:
        services.standard_draft(
            actor=desk.alice, service=service, service_minutes=0, service_days=-1, is_free=False, tariff=0,
            staff_count=-2, procedure=["x" * 501], requirements=[{"name": "y" * 301}],
        )  # fmt: skip
    assert fields_of(exc) == {"service_minutes", "service_days", "tariff", "staff_count", "procedure", "requirements"}
    assert not service.standards.exists()


def test_a_published_version_is_frozen_and_a_new_version_copies_it(desk):
    service = make_service(desk.alice, desk.branch_a)
    first = published(desk.alice, desk.hank, service)
    with pytest.raises(CatalogueRefused):
        services.standard_draft(actor=desk.alice, service=service, standard=first, product="Lain")
    second = services.standard_draft(actor=desk.alice, service=service)
    assert second.version == 2 and second.product == first.product
    assert [r.name for r in second.requirements.all()] == [r.name for r in first.requirements.all()]
    with pytest.raises(CatalogueRefused):  # one version waits at a time
        services.standard_draft(actor=desk.alice, service=service)
    services.standard_draft(actor=desk.alice, service=service, standard=second, requirements=["Fotokopi KTP"],
                            service_days=3)  # fmt: skip
    services.standard_approve(actor=desk.hank, standard=second)
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.standard_publish(actor=desk.alice, standard=second, effective_from=tomorrow)
    # Until tomorrow the first version is still in force; both stay readable.
    assert selectors.standard_in_force(service) == first
    assert selectors.standard_in_force(service, on=tomorrow).pk == second.pk
    assert list(selectors.published_versions(service)) == [second, first]
    first.refresh_from_db()
    assert first.product == FULL["product"] and first.requirements.count() == 2


def test_changing_an_approved_version_sends_it_back_to_draft(desk):
    service = make_service(desk.alice, desk.branch_a)
    standard = services.standard_draft(actor=desk.alice, service=service, **FULL)
    services.standard_approve(actor=desk.hank, standard=standard)
    standard = services.standard_draft(actor=desk.alice, service=service, standard=standard, staff_count=3)
    assert standard.status == StandardStatus.DRAFT and standard.approved_by is None


def test_the_effective_date_cannot_be_in_the_past(desk):
    service = make_service(desk.alice, desk.branch_a)
    standard = services.standard_draft(actor=desk.alice, service=service, **FULL)
    services.standard_approve(actor=desk.hank, standard=standard)
    with pytest.raises(CatalogueRefused) as exc:
        services.standard_publish(
            actor=desk.alice, standard=standard, effective_from=timezone.localdate() - timedelta(days=1)
        )
    assert fields_of(exc) == {"effective_from"}


# --- desk settings ----------------------------------------------------------------------------------


def test_desk_settings_check_the_whatsapp_number_and_the_rules_at_once(desk):
    with pytest.raises(CatalogueRefused) as exc:
        services.desk_settings_save(
            actor=desk.alice, unit=desk.branch_a, whatsapp_line="12345", priority_every=0, no_show_rule="never"
        )
    assert fields_of(exc) == {"whatsapp_line", "priority_every", "no_show_rule"}
    saved = services.desk_settings_save(
        actor=desk.alice, unit=desk.branch_a, whatsapp_line="0812-2600-1234", maklumat="Kami siap melayani"
    )
    assert saved.whatsapp_line == "+6281226001234"
    assert selectors.desk_settings(desk.branch_a).maklumat == "Kami siap melayani"
    assert AuditEvent.objects.filter(action=AuditAction.QUEUE_CONFIGURED, unit=desk.branch_a).count() == 1


def test_hours_now_says_when_the_office_opens_again(desk):
    from datetime import datetime

    monday_night = datetime(2026, 12, 7, 20, 0, tzinfo=desk.branch_a.tzinfo)
    hours = selectors.hours_now(desk.branch_a, at=monday_night)
    assert not hours.is_open and "08.00" in str(hours.text)
    morning = datetime(2026, 12, 8, 9, 0, tzinfo=desk.branch_a.tzinfo)
    assert selectors.hours_now(desk.branch_a, at=morning).is_open


def test_a_week_reads_as_one_line():
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    hours = ["08.00–16.00"] * 5 + ["08.00–12.00", ""]
    assert selectors.week_summary(list(zip(names, hours, strict=True))) == "Mon–Fri 08.00–16.00; Sat 08.00–12.00"
