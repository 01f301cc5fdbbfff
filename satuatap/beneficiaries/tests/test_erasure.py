"""Data-subject erasure (UU 27/2022): the person's data goes from the record, the records merged with
it, the field history and the audit trail; the ledger and the statistics stay."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries import services
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import Assessment, Beneficiary, Household
from satuatap.beneficiaries.tests.conftest import person
from satuatap.core.errors import NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _erase(world, beneficiary):
    return services.subject_erase(actor=world.alice, beneficiary=beneficiary, reason="request 1 Mar")


def _duplicate_of_siti(world, registry, **fields):
    """A second record of Siti, merged into her first one by the program officer."""
    dup = person(
        registry.paula,
        world.branch_a,
        "Siti Aminah Duplikat",
        phone="0813-9999-8888",
        street="Jl. Mawar 7",
        rt="4",
        rw="2",
        birth_date=date(1980, 5, 12),
        sex="F",
        **fields,
    )
    services.beneficiary_merge(actor=registry.paula, survivor=registry.siti, duplicate=dup, unit=world.branch_a)
    return dup


def _raw_nik(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM beneficiaries_beneficiary WHERE id = %s", [pk])
        return cursor.fetchone()[0] or ""


def _erased_events(pk):
    return AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_ERASED, target_id=str(pk))


# --- the merge group --------------------------------------------------------------------------------


def test_erasing_a_person_also_erases_the_record_merged_into_them(world, registry):
    dup = _duplicate_of_siti(world, registry)
    _erase(world, registry.siti)

    dup = Beneficiary.objects.get(pk=dup.pk)
    assert dup.full_name == f"Erased {dup.number}" and "Aminah" not in dup.name_key
    assert (dup.phone, dup.street, dup.rt, dup.rw) == ("", "", "", "")
    assert dup.birth_date == date(1980, 1, 1) and dup.erased_at is not None
    assert dup.merged_into_id == registry.siti.pk  # still the same person's record, for the statistics
    page = Client()
    page.force_login(world.alice)
    html = page.get(f"/beneficiaries/{dup.pk}/").content.decode()
    assert "Aminah" not in html and "9999" not in html and "Mawar" not in html
    assert _erased_events(registry.siti.pk).count() == 1 and _erased_events(dup.pk).count() == 1


def test_a_nik_brought_by_the_merged_record_is_erased_with_the_survivor(world, registry):
    # The survivor had no NIK; the record merged into it brought one (the merge copies it over).
    survivor = person(registry.paula, world.branch_a, "Siti A", birth_date=date(1980, 5, 12), sex="F")
    services.beneficiary_merge(actor=registry.paula, survivor=survivor, duplicate=registry.siti, unit=world.branch_a)
    assert _raw_nik(registry.siti.pk) != ""
    _erase(world, survivor)

    for pk in (survivor.pk, registry.siti.pk):
        record = Beneficiary.objects.get(pk=pk)
        assert (record.nik, record.nik_hash, record.nik_first4, record.nik_last4) == ("", "", "", "")
        assert _raw_nik(pk) == "", "an encrypted NIK stays in the table"
    assert not Beneficiary.history.filter(id__in=[survivor.pk, registry.siti.pk]).exclude(nik_hash="").exists()


def test_asking_to_erase_a_merged_away_record_erases_the_whole_person(world, registry):
    dup = _duplicate_of_siti(world, registry)
    erased = _erase(world, dup)

    assert erased.pk == dup.pk and erased.erased_at is not None
    assert Beneficiary.objects.get(pk=dup.pk).phone == ""
    siti = Beneficiary.objects.get(pk=registry.siti.pk)
    assert siti.erased_at is not None and siti.nik == "" and "Aminah" not in siti.full_name
    assert _erased_events(registry.siti.pk).count() == 1 and _erased_events(dup.pk).count() == 1


def test_a_person_erased_whole_cannot_be_erased_again(world, registry):
    dup = _duplicate_of_siti(world, registry)
    _erase(world, registry.siti)
    for record in (registry.siti, dup):
        with pytest.raises(BeneficiaryRefused, match="was erased"):
            _erase(world, record)
    assert _erased_events(registry.siti.pk).count() == 1


def test_a_merged_record_left_by_an_earlier_erasure_is_erased_on_request(world, registry):
    """Before erasure took the merge group, only the survivor was erased: asking again completes it."""
    dup = _duplicate_of_siti(world, registry)
    Beneficiary.objects.filter(pk=registry.siti.pk).update(erased_at=timezone.now())
    _erase(world, dup)
    assert Beneficiary.objects.get(pk=dup.pk).phone == ""
    assert _erased_events(dup.pk).count() == 1 and not _erased_events(registry.siti.pk).exists()


def test_outsiders_cannot_erase_a_person_through_a_merged_record(world, registry):
    dup = _duplicate_of_siti(world, registry)
    for outsider in (registry.paula, world.bob, world.eve):  # no privacy role; another unit; another institution
        with pytest.raises(NotAllowed):
            services.subject_erase(actor=outsider, beneficiary=dup, reason="request 1 Mar")
    assert not Beneficiary.objects.filter(pk__in=[dup.pk, registry.siti.pk], erased_at__isnull=False).exists()
    assert Beneficiary.objects.get(pk=dup.pk).phone != ""


# --- history ----------------------------------------------------------------------------------------


def test_assessment_history_keeps_no_coordinates_or_free_text_after_erasure(world, registry):
    services.assessment_record(
        actor=registry.paula,
        beneficiary=registry.siti,
        unit=world.branch_a,
        assessed_on=date(2026, 2, 1),
        household_size=3,
        dependants=1,
        monthly_income=500_000,
        housing="rented",
        housing_condition="poor",
        latitude="-6.745123",
        longitude="111.037456",
        notes="Rumah di belakang masjid",
        health="Asma",
        education="Putri kelas 3 SD",
    )
    _erase(world, registry.siti)

    assessment = Assessment.objects.get(beneficiary=registry.siti)
    assert (assessment.latitude, assessment.longitude) == (None, None)
    assert (assessment.notes, assessment.health, assessment.education) == ("", "", "")
    assert assessment.monthly_income == 500_000 and assessment.household_size == 3  # the statistics stay
    history = Assessment.history.filter(id=assessment.pk)
    assert history.exists()
    assert not history.filter(latitude__isnull=False).exists()
    assert not history.filter(longitude__isnull=False).exists()


def test_assessments_brought_by_a_merged_record_lose_their_history_coordinates(world, registry):
    dup = person(registry.paula, world.branch_a, "Siti Aminah Dua", birth_date=date(1980, 5, 12), sex="F")
    services.assessment_record(
        actor=registry.paula,
        beneficiary=dup,
        unit=world.branch_a,
        household_size=2,
        dependants=1,
        monthly_income=300_000,
        housing="rented",
        housing_condition="poor",
        latitude="-6.7",
        longitude="111.0",
    )
    services.beneficiary_merge(actor=registry.paula, survivor=registry.siti, duplicate=dup, unit=world.branch_a)
    _erase(world, registry.siti)
    assert not Assessment.history.filter(latitude__isnull=False).exists()


def test_field_history_keeps_only_the_birth_year_and_no_address_after_erasure(world, registry):
    services.beneficiary_update(
        actor=registry.paula, beneficiary=registry.siti, street="Jl. Melati 12", rt="3", rw="5", note="Janda"
    )
    _erase(world, registry.siti)

    history = Beneficiary.history.filter(id=registry.siti.pk)
    assert history.count() >= 3
    assert set(history.values_list("birth_date", flat=True)) == {date(1980, 1, 1)}
    for field in ("street", "rt", "rw", "note", "phone", "nik_hash", "nik_last4"):
        assert set(history.values_list(field, flat=True)) == {""}, field
    assert set(history.values_list("full_name", flat=True)) == {f"Erased {registry.siti.number}"}


# --- audit trail ------------------------------------------------------------------------------------


def test_audit_trail_keeps_what_changed_but_not_the_persons_data(world, registry):
    services.beneficiary_update(
        actor=registry.paula,
        beneficiary=registry.siti,
        phone="0813-2222-3333",
        street="Jl. Melati 12",
        note="Suami di Malaysia",
        birth_place="Pati Kota",
    )
    document = services.document_add(
        actor=registry.paula,
        beneficiary=registry.siti,
        kind="ktp",
        upload=SimpleUploadedFile("KTP Siti Aminah.png", PNG, content_type="image/png"),
    )
    services.document_open(actor=registry.paula, document=document)
    _erase(world, registry.siti)

    events = AuditEvent.objects.filter(target_id=str(registry.siti.pk), target_type__model="beneficiary")
    dumped = str([(e.target_repr, e.changes, e.note) for e in events])
    for trace in ("Aminah", "Melati", "2222", "3456", "Malaysia", "Pati Kota", "0003"):
        assert trace not in dumped, trace
    update = events.get(action=AuditAction.BENEFICIARY_UPDATED)
    assert update.actor == registry.paula
    assert update.changes["phone"] == ["(erased)", "(erased)"] and update.changes["street"] == ["", "(erased)"]
    assert set(update.changes) == {"phone", "street", "note", "birth_place"}
    registered = events.get(action=AuditAction.BENEFICIARY_REGISTERED)
    assert registered.changes["full_name"] == [None, f"Erased {registry.siti.number}"]
    assert registered.changes["number"] == [None, registry.siti.number]
    assert events.get(action=AuditAction.BENEFICIARY_DOCUMENT_VIEWED).note.endswith(": (erased)")
    assert events.filter(action=AuditAction.BENEFICIARY_ERASED).get().note == "request 1 Mar"


def test_the_merge_event_keeps_no_data_the_merged_record_brought(world, registry):
    _duplicate_of_siti(world, registry, note="Tinggal dengan anak")
    Beneficiary.objects.filter(pk=registry.siti.pk).update(street="")  # so the merge fills the street
    _erase(world, registry.siti)
    dumped = str(list(AuditEvent.objects.values_list("target_repr", "changes")))
    assert "Aminah" not in dumped and "Mawar" not in dumped and "9999" not in dumped


def test_erasure_keeps_the_aid_and_the_region(world, registry):
    dup = _duplicate_of_siti(world, registry)
    services.aid_record(
        actor=registry.paula,
        beneficiary=registry.siti,
        unit=world.branch_a,
        given_on=date(2026, 2, 1),
        program="Sembako",
        amount=250_000,
    )
    _erase(world, dup)
    siti = Beneficiary.objects.get(pk=registry.siti.pk)
    assert siti.aid.get().amount == 250_000 and siti.village == "Kayen" and siti.sex == "F"
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_AID).get().changes["amount"] == [None, 250_000]


# --- household changes are audited -------------------------------------------------------------------


def test_changing_single_parent_is_audited(world, registry):
    before = AuditEvent.objects.count()
    services.beneficiary_update(actor=registry.paula, beneficiary=registry.siti, single_parent=True)
    assert Household.objects.get(pk=registry.siti.household_id).single_parent is True
    assert AuditEvent.objects.count() == before + 1, "the household changed with no audit event"
    event = AuditEvent.objects.get(action=AuditAction.BENEFICIARY_UPDATED)
    assert event.changes == {"single_parent": [False, True]} and event.actor == registry.paula
    services.beneficiary_update(actor=registry.paula, beneficiary=registry.siti, single_parent=True)
    assert AuditEvent.objects.count() == before + 1, "nothing changed, nothing to audit"
