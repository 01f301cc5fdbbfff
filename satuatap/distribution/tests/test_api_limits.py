"""Approval limits over the REST API: the limits page's grid and its one write, with its role rules.

Personas from ``world``: carol = admin of ALPHA, alice = admin of branch A, bob = admin of branch B,
audrey = auditor of branch A, frank = front office of branch A; hank = head of branch A (made here).
"""

import json

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.distribution import services
from satuatap.distribution.models import AuthorityLimit
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

URL = "/api/v1/distribution/approval-limits"


def call(user, body=None, **query):
    client = Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])
    if body is None:
        return client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def _cell(rows, unit, role):
    row = next(r for r in rows if r["unit_id"] == unit.pk)
    return next(c for c in row["limits"] if c["role"] == role)


def test_an_admin_sets_a_heads_limit_below_and_the_grid_shows_own_and_inherited_limits(world):
    services.authority_limit_set(actor=world.carol, unit=world.branch_a, role=Role.HEAD, max_amount=5_000_000)
    response = call(world.alice, {"unit_id": world.branch_a_sub.pk, "role": "head", "max_amount": 2_000_000})
    assert response.status_code == 200, response.content
    assert response.json() == {"unit_id": world.branch_a_sub.pk, "role": "head", "max_amount": 2_000_000}
    rows = call(world.alice, unit_id=world.branch_a.pk).json()
    assert [r["unit_id"] for r in rows] == [world.branch_a.pk, world.branch_a_sub.pk]
    assert _cell(rows, world.branch_a_sub, "head") == {
        "role": "head",
        "own": 2_000_000,
        "in_force": 2_000_000,
        "set_at_unit_id": world.branch_a_sub.pk,
    }
    assert _cell(rows, world.branch_a, "head")["own"] == 5_000_000
    assert _cell(rows, world.branch_a, "program") == {
        "role": "program",
        "own": None,
        "in_force": None,
        "set_at_unit_id": None,
    }


def test_removing_a_units_own_limit_lets_the_one_above_apply(world):
    services.authority_limit_set(actor=world.carol, unit=world.branch_a, role=Role.HEAD, max_amount=5_000_000)
    services.authority_limit_set(actor=world.alice, unit=world.branch_a_sub, role=Role.HEAD, max_amount=1_000_000)
    response = call(world.alice, {"unit_id": world.branch_a_sub.pk, "role": "head", "max_amount": None})
    assert response.status_code == 200, response.content
    assert not AuthorityLimit.objects.filter(unit=world.branch_a_sub).exists()
    cell = _cell(call(world.alice, unit_id=world.branch_a_sub.pk).json(), world.branch_a_sub, "head")
    assert (cell["own"], cell["in_force"], cell["set_at_unit_id"]) == (None, 5_000_000, world.branch_a.pk)


def test_nobody_sets_the_limit_of_a_role_they_hold_there(world):
    response = call(world.alice, {"unit_id": world.branch_a.pk, "role": "admin", "max_amount": 99_000_000})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    hank = UserFactory(username="hank")
    grant(hank, world.branch_a, Role.HEAD)
    response = call(hank, {"unit_id": world.branch_a.pk, "role": "head", "max_amount": 99_000_000})
    assert response.status_code == 403
    assert not AuthorityLimit.objects.exists()


@pytest.mark.parametrize("persona", ["frank", "audrey"])
def test_roles_that_do_not_configure_distribution_are_refused(world, persona):
    user = getattr(world, persona)
    assert call(user).status_code == 403
    assert call(user, unit_id=world.branch_a.pk).status_code == 403
    response = call(user, {"unit_id": world.branch_a.pk, "role": "head", "max_amount": 1_000})
    assert response.status_code == 403
    assert not AuthorityLimit.objects.exists()


def test_another_units_limits_are_not_found(world):
    services.authority_limit_set(actor=world.carol, unit=world.branch_b, role=Role.HEAD, max_amount=7_000_000)
    for unit in (world.branch_b, world.beta_branch, world.alpha):
        assert call(world.alice, unit_id=unit.pk).status_code == 404
        response = call(world.alice, {"unit_id": unit.pk, "role": "head", "max_amount": 1_000})
        assert response.status_code == 404
        assert "SECRET" not in response.content.decode()
    assert list(AuthorityLimit.objects.values_list("unit_id", "max_amount")) == [(world.branch_b.pk, 7_000_000)]
    rows = call(world.alice).json()
    assert world.branch_b.pk not in {r["unit_id"] for r in rows}


def test_a_role_that_does_not_approve_is_refused_on_its_field(world):
    response = call(world.alice, {"unit_id": world.branch_a_sub.pk, "role": "auditor", "max_amount": 1_000})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["role"]


def test_bad_limit_input_lists_every_field_at_once(world):
    response = call(world.alice, {"unit_id": "here", "role": "boss"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"unit_id", "role", "max_amount"}
    response = call(world.alice, {"unit_id": world.branch_a.pk, "role": "head", "max_amount": 0})
    assert set(response.json()["error"]["fields"]) == {"max_amount"}
