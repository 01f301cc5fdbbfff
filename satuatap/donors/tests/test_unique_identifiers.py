"""One active donor per NIK and per NPWP in an institution, even when registrations race.

Registrations queue on the institution's donor-number lock before their duplicate check; a
unique constraint on active donors is the backstop, and when it refuses a row the clerk gets the
usual "donor X already has this NIK" refusal, never a server error.
"""

import threading

import pytest
from django.db import IntegrityError, connections, transaction

from satuatap.donors import services
from satuatap.donors.errors import DonorRefused
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_merge, donor_register, donor_update

NIK = "3171011708450009"
NPWP = "01.312.166.0-091.009"


@pytest.fixture
def racing_check(monkeypatch):
    """The duplicate check as a racing writer sees it: blind to the donor registered meanwhile,
    the first time it runs (later calls, such as naming the holder, see everything)."""
    real = services.donor_identifiers_check_unique
    calls = []

    def blind_once(donor, fields):
        calls.append(fields)
        if len(calls) > 1:
            real(donor, fields)

    monkeypatch.setattr(services, "donor_identifiers_check_unique", blind_once)
    return calls


@pytest.mark.parametrize(("field", "value"), [("nik", NIK), ("npwp", NPWP)])
def test_a_registration_that_raced_past_the_check_is_refused_by_the_existing_number(world, field, value, racing_check):
    first = donor_register(actor=world.frank, unit=world.branch_a, full_name="Budi", **{field: value})
    racing_check.clear()
    with pytest.raises(DonorRefused, match=first.number):
        donor_register(actor=world.frank, unit=world.branch_a_sub, full_name="Budi S.", **{field: value})
    assert Donor.objects.filter(**{f"{field}_hash": getattr(first, f"{field}_hash")}).count() == 1


def test_a_change_that_raced_past_the_check_is_refused_and_changes_nothing(world, racing_check):
    first = donor_register(actor=world.frank, unit=world.branch_a, full_name="Budi", nik=NIK)
    other = donor_register(actor=world.frank, unit=world.branch_a, full_name="Ani", phone="0812-1111-3333")
    racing_check.clear()
    with pytest.raises(DonorRefused, match=first.number):
        donor_update(actor=world.frank, donor=other, nik=NIK)
    other.refresh_from_db()
    assert other.nik == "" and other.nik_hash == ""


def test_the_database_keeps_one_active_donor_per_nik_and_leaves_merged_ones_out(world):
    first = donor_register(actor=world.frank, unit=world.branch_a, full_name="Budi", nik=NIK)
    twin = Donor.objects.get(pk=first.pk)
    twin.pk, twin.number = None, "ALPHA-TWIN"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    twin.pk, twin.merged_into = None, first  # a merged donor keeps its NIK beside the survivor
    twin.save()
    blank = donor_register(actor=world.frank, unit=world.branch_a, full_name="Tanpa NIK")
    assert donor_register(actor=world.frank, unit=world.branch_a, full_name="Juga tanpa NIK").nik_hash == blank.nik_hash


def test_another_institution_may_hold_the_same_nik(world):
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Budi", nik=NIK)
    assert donor_register(actor=world.eve, unit=world.beta_branch, full_name="Budi", nik=NIK).pk


def test_a_merge_hands_the_nik_to_the_survivor_without_tripping_the_constraint(world):
    bare = donor_register(actor=world.frank, unit=world.branch_a, full_name="Nur Hidayat")
    holder = donor_register(actor=world.frank, unit=world.branch_a, full_name="Nur Hidayat", nik=NIK, npwp=NPWP)
    donor_merge(actor=world.alice, survivor=bare, duplicate=holder, unit=world.branch_a)
    bare.refresh_from_db()
    holder.refresh_from_db()
    assert bare.nik == NIK and holder.merged_into_id == bare.pk and holder.nik == NIK


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_nik_make_one_donor(world):
    """A double-clicked "register", or two clerks at once, with the same NIK: one donor, the others
    refused by its number (SQLite serialises the writers; PostgreSQL runs them at once)."""
    clerks = 4
    barrier = threading.Barrier(clerks)
    refusals, errors = [], []

    def work(i):
        try:
            barrier.wait()
            donor_register(actor=world.frank, unit=world.branch_a, full_name=f"Budi {i}", nik=NIK)
        except DonorRefused as exc:
            refusals.append(exc)
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clerks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    donor = Donor.objects.get(nik_last4=NIK[-4:])
    assert len(refusals) == clerks - 1 and all(donor.number in " ".join(e.messages) for e in refusals)
