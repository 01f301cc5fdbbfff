from datetime import date

import pytest

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries import services
from satuatap.beneficiaries.errors import BeneficiaryRefused, MergeRefused
from satuatap.beneficiaries.models import Beneficiary, Status
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_BUDI, NIK_SITI, person
from satuatap.core.errors import NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_registration_keeps_nik_encrypted_masked_and_in_a_household(world, registry):
    siti = Beneficiary.objects.get(pk=registry.siti.pk)
    assert siti.nik == NIK_SITI
    assert siti.nik_masked == "3318••••••••0003"
    assert siti.name_key == "siti aminah"
    assert siti.household.kk == KK_SITI and siti.relation == "head"
    assert siti.number.startswith("ALPHA-M")
    assert siti.status == Status.APPLICANT and siti.status_changes.count() == 1
    assert siti.consents.get().method == "written"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM beneficiaries_beneficiary WHERE id = %s", [siti.pk])
        assert NIK_SITI not in cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("33180152058000", "16 digits"),
        ("9918015205800003", "region code or birth date"),
        ("3318013405800003", "region code or birth date"),
    ],
)
def test_invalid_nik_is_refused_with_its_reason(world, registry, nik, message):
    with pytest.raises(BeneficiaryRefused, match=message):
        person(registry.paula, world.branch_a, "Budi", nik=nik)


def test_invalid_kk_and_a_second_head_are_refused(world, registry):
    with pytest.raises(BeneficiaryRefused, match="region code"):
        person(registry.paula, world.branch_a, "Budi", kk="9918011203150002")
    with pytest.raises(BeneficiaryRefused, match="issue date"):
        person(registry.paula, world.branch_a, "Budi", kk="3318013213150002")
    with pytest.raises(BeneficiaryRefused, match="already has a head"):
        person(registry.paula, world.branch_a, "Budi", kk=KK_SITI, relation="head")
    child = person(
        registry.paula,
        world.branch_a,
        "Ahmad",
        kk=KK_SITI,
        relation="child",
        birth_date=date(2015, 1, 1),
        consent={"method": "written", "guardian_name": "Siti Aminah", "guardian_relation": "mother"},
    )
    assert child.household_id == registry.siti.household_id


def test_a_child_needs_a_guardians_consent_and_nothing_is_saved_without(world, registry):
    before = Beneficiary.objects.count()
    with pytest.raises(BeneficiaryRefused, match="guardian"):
        person(registry.paula, world.branch_a, "Ahmad", birth_date=date(2015, 1, 1))
    assert Beneficiary.objects.count() == before


def test_nik_must_agree_with_birth_date_and_sex_and_be_unique(world, registry):
    with pytest.raises(BeneficiaryRefused, match="does not match the NIK"):
        person(registry.paula, world.branch_a, "Budi", nik=NIK_BUDI, birth_date=date(1975, 11, 3))
    with pytest.raises(BeneficiaryRefused, match="does not match the NIK"):
        person(registry.paula, world.branch_a, "Budi", nik=NIK_BUDI, sex="F")
    with pytest.raises(BeneficiaryRefused, match="already registered"):
        person(registry.bella, world.branch_b, "Siti A", nik=NIK_SITI)


def test_status_lifecycle_with_reasons_and_roles(world, registry):
    siti = registry.siti
    with pytest.raises(BeneficiaryRefused, match="cannot become"):
        services.status_change(actor=registry.paula, beneficiary=siti, to_status="active", reason="skip")
    assessment = services.assessment_record(
        actor=registry.paula,
        beneficiary=siti,
        unit=world.branch_a,
        household_size=4,
        dependants=3,
        monthly_income=1_200_000,
        housing="rented",
        housing_condition="poor",
    )
    siti.refresh_from_db()
    assert siti.status == Status.ASSESSED
    # Food 1,000,000 + 3 x 500,000, six other needs at 200,000: 3,700,000 a month.
    assert assessment.need_amount == 3_700_000
    assert assessment.recommended_asnaf == "fakir"
    with pytest.raises(BeneficiaryRefused, match="asnaf"):
        services.status_change(actor=registry.hana, beneficiary=siti, to_status="verified", reason="visited")
    services.beneficiary_update(actor=registry.paula, beneficiary=siti, asnaf="fakir", asnaf_reason="income below half")
    with pytest.raises(NotAllowed):
        services.status_change(actor=world.frank, beneficiary=siti, to_status="verified", reason="visited")
    services.status_change(actor=registry.hana, beneficiary=siti, to_status="verified", reason="visited")
    siti.refresh_from_db()
    assert [c.to_status for c in siti.status_changes.order_by("pk")] == ["applicant", "assessed", "verified"]
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_STATUS, target_id=str(siti.pk)).count() == 2


def test_merge_moves_history_and_refuses_self_and_different_niks(world, registry):
    again = person(registry.paula, world.branch_a, "Siti Aminah", phone="0812 3456 7890", is_orphan=False)
    services.aid_record(
        actor=registry.paula,
        beneficiary=again,
        unit=world.branch_a,
        given_on=date(2026, 2, 1),
        program="Sembako",
        amount=250_000,
    )
    with pytest.raises(MergeRefused, match="themself"):
        services.beneficiary_merge(actor=registry.paula, survivor=again, duplicate=again, unit=world.branch_a)
    survivor = services.beneficiary_merge(
        actor=registry.paula, survivor=registry.siti, duplicate=again, unit=world.branch_a
    )
    again.refresh_from_db()
    assert again.merged_into_id == survivor.pk
    assert survivor.aid.get().amount == 250_000
    other = person(registry.paula, world.branch_a, "Budi", nik=NIK_BUDI)
    with pytest.raises(MergeRefused, match="different NIKs"):
        services.beneficiary_merge(actor=registry.paula, survivor=registry.siti, duplicate=other, unit=world.branch_a)


def test_erasure_keeps_statistics_and_drops_identity(world, registry):
    services.aid_record(
        actor=registry.paula,
        beneficiary=registry.siti,
        unit=world.branch_a,
        given_on=date(2026, 2, 1),
        program="Sembako",
        amount=250_000,
    )
    erased = services.subject_erase(actor=world.alice, beneficiary=registry.siti, reason="request 1 Mar")
    erased = Beneficiary.objects.get(pk=erased.pk)
    assert erased.full_name.startswith("Erased") and erased.nik == "" and erased.phone == ""
    assert erased.birth_date == date(1980, 1, 1) and erased.village == "Kayen"
    assert erased.aid.get().amount == 250_000
    assert not erased.history.filter(full_name__icontains="Aminah").exists()


def test_full_identifiers_need_the_role_over_the_persons_own_unit(world, registry):
    """Seeing a person through one role does not lend them another role's reach: a program officer
    of branch A who is front office at branch B sees B's people, but not their full NIK."""
    from tests.factories import UserFactory, grant

    both = UserFactory(username="both")
    grant(both, world.branch_a, "program")
    grant(both, world.branch_b, "front_office")
    b_person = person(registry.bella, world.branch_b, "Budi", nik=NIK_BUDI)
    with pytest.raises(NotAllowed):
        services.identifiers_read(actor=both, beneficiary=b_person)
    assert services.identifiers_read(actor=both, beneficiary=registry.siti)["nik"] == NIK_SITI
    event = AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_IDENTIFIERS_VIEWED).latest("pk")
    assert event.unit_id == world.branch_a.pk and event.target_id == str(registry.siti.pk)


def test_a_bad_nik_a_bad_phone_and_a_bad_rt_are_refused_in_one_round():
    with pytest.raises(BeneficiaryRefused) as refused:
        services.clean_fields({"full_name": "Budi", "nik": "12345", "phone": "0812", "rt": "abcd"})
    assert set(refused.value.message_dict) == {"nik", "phone", "rt"}
