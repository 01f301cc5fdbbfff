"""Staff accounts over the REST API: an administrator opens an account with its first role, as the
"new staff account" page does, in their own units only.

Personas from ``world``: alice = admin of branch A, audrey = auditor of branch A, frank = front
office of branch A, bob = admin of branch B.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditEvent
from satuatap.organizations.models import Membership

URL = "/api/v1/staff-accounts"


def post(user, body):
    client = Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def _body(unit, **changes):
    return {
        "unit_id": unit.pk,
        "role": "program",
        "username": "paula.program",
        "full_name": "Paula Program",
        "email": "paula@example.id",
        "password": "kopi-tubruk-pagi-2026",
        **changes,
    }


def test_an_admin_opens_a_staff_account_with_its_first_role(world):
    response = post(world.alice, _body(world.branch_a_sub))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["user"]["username"], body["unit_id"], body["role"]) == (
        "paula.program",
        world.branch_a_sub.pk,
        "program",
    )
    paula = get_user_model().objects.get(username="paula.program")
    assert paula.check_password("kopi-tubruk-pagi-2026")
    assert Membership.objects.filter(user=paula, unit=world.branch_a_sub, role="program", is_active=True).exists()
    assert AuditEvent.objects.filter(action="membership.granted", actor=world.alice).exists()


@pytest.mark.parametrize("persona", ["audrey", "frank"])
def test_roles_that_do_not_manage_staff_are_refused(world, persona):
    response = post(getattr(world, persona), _body(world.branch_a))
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="paula.program").exists()


def test_no_account_is_opened_in_another_unit(world):
    for unit in (world.branch_b, world.beta_branch, world.alpha):
        response = post(world.alice, _body(unit))
        assert response.status_code == 404
        assert "SECRET" not in response.content.decode()
    assert not get_user_model().objects.filter(username="paula.program").exists()


def test_a_taken_username_and_a_weak_password_are_refused_on_their_fields(world):
    response = post(world.alice, _body(world.branch_a, username="alice"))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["username"]
    response = post(world.alice, _body(world.branch_a, password="1234567890"))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["password"]
    assert not get_user_model().objects.filter(username="paula.program").exists()


def test_bad_staff_input_lists_every_field_at_once(world):
    response = post(
        world.alice, {"unit_id": "x", "role": "boss", "username": "A B", "email": "nope", "password": "short"}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"unit_id", "role", "username", "full_name", "email", "password"}
    assert not get_user_model().objects.filter(username="A B").exists()
