"""One duplicate check for every way a donor is created, and every field error in one round.

An exact match (same NIK or NPWP: always refused; same phone or email, or the same normalised name
with the same birth date: refused until confirmed) is never created silently: not by the service,
the donor form, the counter, the import or the API. ``desk.donor`` is Muhammad Nur Hidayat,
0812-3456-7890, hidayat@example.id, registered at branch A; ``people.stranger`` (SECRET) is a
donor of branch B, out of frank's scope.
"""

import json
from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.donors.errors import DonorRefused, DuplicateDonor
from satuatap.donors.models import Channel, Donor
from satuatap.donors.services import donor_register

BIRTH = date(1985, 8, 17)


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


# --- the service -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"full_name": "Hidayat", "phone": "+62 812 3456 7890"}, "phone"),
        ({"full_name": "Nur Hidayat", "email": "hidayat@EXAMPLE.id"}, "email"),
    ],
)
def test_a_registration_with_a_registered_phone_or_email_must_be_confirmed(world, desk, fields, reason):
    before = Donor.objects.count()
    with pytest.raises(DuplicateDonor) as refused:
        donor_register(actor=world.frank, unit=world.branch_a, **fields)
    assert [(c.donor, c.reasons, c.visible) for c in refused.value.candidates] == [(desk.donor, [reason], True)]
    assert desk.donor.number in refused.value.messages[0]
    assert Donor.objects.count() == before
    again = donor_register(actor=world.frank, unit=world.branch_a, confirm_duplicate=True, **fields)
    assert again.pk != desk.donor.pk


def test_the_same_name_with_the_same_birth_date_must_be_confirmed_a_close_name_need_not(world, desk):
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Rahmawati", birth_date=BIRTH)
    with pytest.raises(DuplicateDonor) as refused:
        donor_register(actor=world.frank, unit=world.branch_a, full_name="Hj. SITTI Rahmawati, S.Pd.", birth_date=BIRTH)
    assert refused.value.candidates[0].reasons == ["name_birth_date"]
    # Another birth date, or only a close name: two people, registered without a question.
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Rahmawati", birth_date=date(1990, 1, 1))
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Rahmawatie", birth_date=BIRTH)


def test_a_duplicate_outside_the_scope_is_named_by_its_number_only(world, desk, people):
    with pytest.raises(DuplicateDonor) as refused:
        donor_register(actor=world.frank, unit=world.branch_a, full_name="Someone", phone="0813-9999-0000")
    (candidate,) = refused.value.candidates
    assert candidate.donor == people.stranger and not candidate.visible
    message = refused.value.messages[0]
    assert people.stranger.number in message and "SECRET" not in message


def test_a_same_nik_is_refused_even_when_confirmed(world, desk):
    with pytest.raises(DonorRefused) as refused:
        donor_register(
            actor=world.frank, unit=world.branch_a, full_name="X", nik="3171011708450001", confirm_duplicate=True
        )
    assert "nik" in refused.value.message_dict


def test_every_bad_field_is_refused_at_once(world):
    with pytest.raises(DonorRefused) as refused:
        donor_register(
            actor=world.frank, unit=world.branch_a, full_name="Budi", nik="12345", phone="0812", postal_code="1"
        )
    assert set(refused.value.message_dict) == {"nik", "phone", "postal_code"}


# --- the donor form ------------------------------------------------------------------------------------------


def form_data(**fields):
    data = {"kind": "person", "full_name": "", "preferred_channel": "whatsapp"}
    data.update(fields)
    return data


def test_the_donor_form_asks_to_confirm_a_duplicate_and_registers_it_only_then(world, desk):
    client = as_user(world.frank)
    data = form_data(full_name="Hidayat", phone="0812 3456 7890")
    response = client.post("/donors/new/", data)
    assert response.status_code == 200
    assert 'data-testid="duplicate-confirm"' in response.content.decode()
    assert desk.donor.number in str(response.context["form"].non_field_errors())
    assert not Donor.objects.filter(full_name="Hidayat").exists()
    response = client.post("/donors/new/", {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302 and Donor.objects.filter(full_name="Hidayat").exists()


def test_the_donor_form_shows_a_bad_date_a_bad_nik_and_a_bad_phone_in_one_round(world):
    response = as_user(world.frank).post(
        "/donors/new/", form_data(full_name="Budi", birth_date="17-08-19xx", nik="12345", phone="0812")
    )
    assert set(response.context["form"].errors) == {"birth_date", "nik", "phone"}


# --- the API --------------------------------------------------------------------------------------------------


def api_post(user, data):
    token = api_token_create(actor=user, name="test")[1]
    return Client().post(
        "/api/v1/donors",
        json.dumps(data),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_api_answers_409_to_a_duplicate_naming_it_and_registers_on_confirmation(world, desk, people):
    response = api_post(world.frank, {"full_name": "Hidayat", "phone": "081234567890", "unit_id": world.branch_a.pk})
    assert response.status_code == 409
    body = response.json()["error"]
    assert body["code"] == "duplicate_donor"
    assert desk.donor.number in body["message"] and body["fields"]["confirm_duplicate"]
    response = api_post(world.frank, {"full_name": "Someone", "phone": "0813-9999-0000"})
    assert response.status_code == 409 and "SECRET" not in response.content.decode()
    assert people.stranger.number in response.json()["error"]["message"]
    response = api_post(world.frank, {"full_name": "Hidayat", "phone": "081234567890", "confirm_duplicate": True})
    assert response.status_code == 201


def test_the_api_names_every_bad_field_at_once(world):
    response = api_post(world.frank, {"full_name": "Budi", "nik": "12345", "phone": "0812"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"nik", "phone"}


# --- consent ---------------------------------------------------------------------------------------------------


def test_a_donor_registered_without_a_channel_is_contacted_only_as_they_agreed(world):
    agreed = donor_register(actor=world.frank, unit=world.branch_a, full_name="A", consent_whatsapp=True)
    silent = donor_register(actor=world.frank, unit=world.branch_a, full_name="B")
    assert agreed.preferred_channel == Channel.WHATSAPP
    assert silent.preferred_channel == Channel.NONE


def test_the_donor_page_says_which_channels_the_donor_agreed_to(world, desk):
    Donor.objects.filter(pk=desk.donor.pk).update(consent_whatsapp=True, preferred_channel=Channel.EMAIL)
    page = as_user(world.frank).get(f"/donors/{desk.donor.pk}/").content.decode()
    assert "The donor has not agreed to be contacted by email." in page
    assert "without consent to it, nothing is sent that way" in page
