"""Staff accounts and roles name every bad field in one round (issue 14 item 4): a taken username
used to hide a weak password (and a bad e-mail address hid both) until the next try."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from satuatap.api.services import api_token_create
from satuatap.organizations.errors import MembershipRefused
from satuatap.organizations.models import Membership
from satuatap.organizations.services import membership_grant

pytestmark = pytest.mark.django_db

NEW_STAFF = "/memberships/new-staff/"
NEW_ROLE = "/memberships/new/"
TAKEN = "This username is already taken."
NUMERIC = "This password is entirely numeric."


def _browser(user) -> Client:
    client = Client()
    client.cookies["satuatap_language"] = "en"
    client.force_login(user)
    return client


def _staff(world, **changes):
    return {
        "username": "frank",  # taken by the front office of branch A
        "full_name": "Frank Kedua",
        "email": "frank2@example.id",
        "password": "2026202620",
        "unit": world.branch_a.pk,
        "role": "finance",
        **changes,
    }


def _users():
    return get_user_model().objects.count()


def test_the_staff_form_shows_a_taken_username_and_a_weak_password_together(world):
    before = _users()
    response = _browser(world.alice).post(NEW_STAFF, _staff(world))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert TAKEN in errors["username"]
    assert NUMERIC in errors["password"]
    assert _users() == before


def test_the_staff_form_shows_the_services_refusals_beside_a_bad_email(world):
    """The form's own mistake (the e-mail address) used to keep the service's from being asked at all."""
    before = _users()
    response = _browser(world.alice).post(NEW_STAFF, _staff(world, email="not-an-address"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"username", "password", "email"}, errors
    assert TAKEN in errors["username"] and NUMERIC in errors["password"]
    assert _users() == before


def test_the_staff_api_names_the_taken_username_and_the_weak_password_in_one_answer(world):
    key = api_token_create(actor=world.alice, name="test")[1]
    body = {
        "unit_id": world.branch_a.pk,
        "role": "finance",
        "username": "frank",
        "full_name": "Frank Kedua",
        "password": "2026202620",
    }
    before = _users()
    response = Client().post(
        "/api/v1/staff-accounts",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content[:300]
    fields = response.json()["error"]["fields"]
    assert fields["username"] == [TAKEN]
    assert NUMERIC in fields["password"]
    assert _users() == before


def test_the_grant_service_names_the_user_and_the_role_together(world):
    """eve works for another institution and the role does not exist: both are said at once."""
    before = Membership.objects.count()
    with translation.override("en"), pytest.raises(MembershipRefused) as refused:
        membership_grant(actor=world.alice, user=world.eve, unit=world.branch_a, role="caliph")
    assert refused.value.message_dict == {
        "user": ["This user works for another institution."],
        "role": ["Unknown role."],
    }
    assert Membership.objects.count() == before


def test_the_grant_form_shows_a_bad_user_and_a_bad_role_together(world):
    before = Membership.objects.count()
    response = _browser(world.alice).post(NEW_ROLE, {"user": "999999", "unit": world.branch_a.pk, "role": "caliph"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"user", "role"}
    assert Membership.objects.count() == before
