"""Merging two donors: everything moves to the survivor, audited; what cannot be merged is refused."""

import pytest

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection.models import Donation, Receipt
from satuatap.core.errors import NotAllowed
from satuatap.donors.errors import MergeRefused
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_merge, donor_references, donor_register, donor_update
from satuatap.donors.tests.conftest import give


@pytest.fixture
def twin(world, desk):
    """The same person as ``desk.donor``, registered again at branch A's service unit."""
    return donor_register(
        actor=world.frank,
        unit=world.branch_a_sub,
        full_name="Moh. Noor Hidayat",
        birth_date=desk.day.replace(year=1945, month=8, day=17),
        street="Jl. Kenanga 5",
        regency="Kota Bogor",
        tags=["upz", "tetap"],
    )


def test_merging_moves_donations_and_receipts_fills_empty_fields_and_freezes_the_duplicate(world, desk, twin):
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000))
    given = [give(world.branch_a_sub, twin, world.frank, ("infak", 50_000)) for _ in range(2)]
    survivor = donor_merge(actor=world.alice, survivor=desk.donor, duplicate=twin, unit=world.branch_a)
    assert survivor.merge_counts["donations"] == 2
    assert Donation.objects.filter(donor=desk.donor).count() == 3 and not Donation.objects.filter(donor=twin).exists()
    assert Receipt.objects.filter(donation__donor=desk.donor).count() == 3
    survivor.refresh_from_db()
    assert survivor.street == "Jl. Kenanga 5" and survivor.regency == "Kota Bogor"
    assert survivor.birth_date.isoformat() == "1945-08-17" and survivor.tags == ["tetap", "upz"]
    assert survivor.nik == "3171011708450001"  # the survivor's own identifiers are kept
    twin.refresh_from_db()
    assert twin.merged_into == survivor and twin.full_name == "Moh. Noor Hidayat"
    # The moved donations keep their history: a new version names the merge.
    assert given[0].history.latest().history_change_reason.startswith("Merged from donor")


def test_a_merge_is_audited_on_both_donors_with_counts(world, desk, twin):
    give(world.branch_a_sub, twin, world.frank, ("infak", 50_000))
    donor_merge(actor=world.alice, survivor=desk.donor, duplicate=twin, unit=world.branch_a)
    on_survivor = AuditEvent.objects.get(action=AuditAction.DONOR_MERGED, target_id=str(desk.donor.pk))
    assert on_survivor.actor == world.alice and on_survivor.changes["donations"] == [None, 1]
    assert on_survivor.changes["merged_from"] == [None, twin.number]
    on_duplicate = AuditEvent.objects.get(action=AuditAction.DONOR_MERGED, target_id=str(twin.pk))
    assert on_duplicate.changes == {"merged_into": [None, desk.donor.number]}


def test_identifiers_missing_on_the_survivor_come_from_the_duplicate(world, desk):
    bare = donor_register(actor=world.frank, unit=world.branch_a, full_name="Nur Hidayat")
    donor_merge(actor=world.alice, survivor=bare, duplicate=desk.donor, unit=world.branch_a)
    bare.refresh_from_db()
    assert bare.nik == "3171011708450001" and bare.nik_masked.endswith("0001")
    assert bare.npwp_hash == desk.donor.npwp_hash and bare.phone == "+6281234567890"
    # The NIK now belongs to the survivor: registering it again is refused by the survivor's number.
    from satuatap.donors.errors import DonorRefused

    with pytest.raises(DonorRefused, match=bare.number):
        donor_register(actor=world.frank, unit=world.branch_a, full_name="X", nik="3171011708450001")


def test_donors_merged_earlier_into_the_duplicate_now_lead_to_the_survivor(world, desk, twin):
    third = donor_register(actor=world.frank, unit=world.branch_a, full_name="M. Nur Hidayat")
    donor_merge(actor=world.alice, survivor=twin, duplicate=third, unit=world.branch_a)
    donor_merge(actor=world.alice, survivor=desk.donor, duplicate=twin, unit=world.branch_a)
    third.refresh_from_db()
    assert third.merged_into_id == desk.donor.pk


def test_a_donor_cannot_be_merged_into_itself(world, desk):
    with pytest.raises(MergeRefused, match="itself"):
        donor_merge(actor=world.alice, survivor=desk.donor, duplicate=desk.donor, unit=world.branch_a)


def test_merging_from_or_into_a_merged_donor_is_refused(world, desk, twin):
    third = donor_register(actor=world.frank, unit=world.branch_a, full_name="M. Nur Hidayat")
    donor_merge(actor=world.alice, survivor=desk.donor, duplicate=twin, unit=world.branch_a)
    with pytest.raises(MergeRefused, match="already merged"):
        donor_merge(actor=world.alice, survivor=third, duplicate=twin, unit=world.branch_a)
    with pytest.raises(MergeRefused, match="already merged"):
        donor_merge(actor=world.alice, survivor=twin, duplicate=third, unit=world.branch_a)


def test_donors_of_two_institutions_are_never_merged(world, desk):
    with pytest.raises((MergeRefused, NotAllowed)):
        donor_merge(actor=world.alice, survivor=desk.donor, duplicate=desk.secret_donor, unit=world.branch_a)
    with pytest.raises(MergeRefused, match="same institution"):
        donor_merge(actor=world.carol, survivor=desk.donor, duplicate=desk.secret_donor, unit=world.alpha)
    assert not Donor.objects.filter(merged_into__isnull=False).exists()


def test_two_different_niks_are_two_people(world, desk):
    other = donor_register(
        actor=world.frank, unit=world.branch_a, full_name="Muhammad Nur Hidayat", nik="3171014101900002"
    )
    with pytest.raises(MergeRefused, match="different NIKs"):
        donor_merge(actor=world.alice, survivor=desk.donor, duplicate=other, unit=world.branch_a)


def test_only_admin_and_finance_merge_and_only_donors_they_see(world, desk, people):
    with pytest.raises(NotAllowed):
        donor_merge(actor=world.frank, survivor=desk.donor, duplicate=people.visitor, unit=world.branch_a)
    with pytest.raises(NotAllowed):
        # alice sees the visitor (who gave at branch A) but not the stranger of branch B
        donor_merge(actor=world.alice, survivor=people.visitor, duplicate=people.stranger, unit=world.branch_a)
    assert not Donor.objects.filter(merged_into__isnull=False).exists()


def test_a_merged_donor_can_no_longer_be_changed(world, desk, twin):
    from satuatap.donors.errors import DonorRefused

    donor_merge(actor=world.alice, survivor=desk.donor, duplicate=twin, unit=world.branch_a)
    with pytest.raises(DonorRefused):
        donor_update(actor=world.frank, donor=twin, full_name="Changed")


def test_every_reference_to_a_donor_is_known_to_the_merge():
    found = {f"{model._meta.label}.{field.name}" for model, field in donor_references()}
    assert "collection.Donation.donor" in found
    assert not any(label.split(".")[1].startswith("Historical") for label in found)
