"""The needs standard (had kifayah) over the REST API: what the standards page lists and sets.

Personas from ``world``: carol = admin of ALPHA, alice = admin of branch A, audrey = auditor of
branch A, frank = front office of branch A, bob = admin of branch B.
"""

import json
from datetime import date

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.beneficiaries.models import NeedsStandard
from satuatap.beneficiaries.services import standard_save

from .conftest import AMOUNTS

URL = "/api/v1/beneficiaries/standards"


def call(user, body=None, **query):
    client = Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])
    if body is None:
        return client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def _body(unit, **changes):
    return {
        "unit_id": unit.pk,
        "name": "Had kifayah Anggrek 2026",
        "region": "Pati",
        "valid_from": "2026-01-01",
        "amounts": {"food": {"base": 1_200_000, "per_member": 600_000}, "housing": {"base": 400_000}},
        **changes,
    }


def test_an_admin_sets_the_standard_of_their_office_and_it_is_in_force_there(world):
    standard_save(
        actor=world.carol, unit=world.alpha, name="Had kifayah ALPHA", valid_from=date(2025, 1, 1), amounts=AMOUNTS
    )
    response = call(world.alice, _body(world.branch_a))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amounts"]["food"] == {"base": 1_200_000, "per_member": 600_000}
    assert body["amounts"]["clothing"] == {"base": 0, "per_member": 0}
    assert body["family_of_four"] == 1_200_000 + 3 * 600_000 + 400_000
    assert body["in_force"] is True
    listed = call(world.alice, unit_id=world.branch_a_sub.pk).json()
    assert [(s["name"], s["in_force"]) for s in listed] == [
        ("Had kifayah ALPHA", False),
        ("Had kifayah Anggrek 2026", True),
    ]


def test_a_standard_of_the_same_date_is_replaced(world):
    call(world.alice, _body(world.branch_a))
    response = call(world.alice, _body(world.branch_a, name="Revised"))
    assert response.status_code == 201
    assert list(NeedsStandard.objects.values_list("name", flat=True)) == ["Revised"]


@pytest.mark.parametrize("persona", ["audrey", "frank"])
def test_roles_that_do_not_keep_the_standard_are_refused(world, persona):
    user = getattr(world, persona)
    assert call(user, unit_id=world.branch_a.pk).status_code == 200  # everyone reads it
    response = call(user, _body(world.branch_a))
    assert response.status_code == 403
    assert not NeedsStandard.objects.exists()


def test_another_units_standards_are_not_found(world):
    standard_save(
        actor=world.bob, unit=world.branch_b, name="SECRET Bakung", valid_from=date(2026, 1, 1), amounts=AMOUNTS
    )
    for unit in (world.branch_b, world.beta_branch, world.alpha):
        assert call(world.alice, unit_id=unit.pk).status_code == 404
        response = call(world.alice, _body(unit))
        assert response.status_code == 404
        assert "SECRET" not in response.content.decode()
    assert "SECRET" not in call(world.alice).content.decode()
    assert NeedsStandard.objects.count() == 1


def test_a_standard_without_any_amount_is_refused_on_amounts(world):
    response = call(world.alice, _body(world.branch_a, amounts={}))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["amounts"]


def test_bad_standard_input_lists_every_field_at_once(world):
    response = call(
        world.alice,
        {"unit_id": "x", "name": "", "valid_from": "someday", "amounts": {"food": {"base": -1, "per_member": "a"}}},
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {
        "unit_id",
        "name",
        "valid_from",
        "amounts.food.base",
        "amounts.food.per_member",
    }
