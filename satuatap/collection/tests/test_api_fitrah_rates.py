"""Zakat fitrah rates over the REST API: what the settings page shows and sets, with its role rules.

Personas from ``world`` and ``desk``: alice = admin of branch A, fiona = finance of branch A,
felix = finance of branch B, frank = front office of branch A, audrey = auditor of branch A,
eve = admin of BETA. ``desk`` sets branch A's rate for 1447 H at Rp45.000.
"""

import json

import pytest
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.collection.models import FitrahRate
from satuatap.collection.services import hijri_year

URL = "/api/v1/collection/fitrah-rates"


def call(user, method, body=None, **query):
    client = Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])
    if body is None:
        return client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_finance_sets_this_years_rate_and_the_office_below_inherits_it(world, desk):
    year = hijri_year(timezone.localdate())
    response = call(
        desk.fiona, "post", {"unit_id": world.branch_a.pk, "hijri_year": year, "mode": "money", "amount": 50_000}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["per_person"], response.json()["unit_id"]) == (50_000, world.branch_a.pk)
    below = call(desk.fiona, "get", unit_id=world.branch_a_sub.pk)
    assert below.status_code == 200
    body = below.json()
    assert (body["in_force"]["per_person"], body["in_force_inherited"], body["rates"]) == (50_000, True, [])
    own = call(world.alice, "get", unit_id=world.branch_a.pk).json()
    assert [r["hijri_year"] for r in own["rates"]] == sorted({year, 1447}, reverse=True)
    assert own["in_force_inherited"] is False


def test_a_rice_rate_is_priced_per_person_rounded_up(world, desk):
    response = call(
        world.alice,
        "post",
        {
            "unit_id": world.branch_a_sub.pk,
            "hijri_year": 1447,
            "mode": "rice",
            "rice_kg": "2.5",
            "rice_price_per_kg": 15_001,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["per_person"] == 37_503  # 37,502.5 rounded up: a donor never pays short
    assert FitrahRate.objects.get(unit=world.branch_a_sub, hijri_year=1447).rice_price_per_kg == 15_001


@pytest.mark.parametrize("persona", ["frank", "audrey"])
def test_roles_that_do_not_keep_collection_settings_are_refused(world, desk, persona):
    user = getattr(world, persona)
    assert call(user, "get", unit_id=world.branch_a.pk).status_code == 403
    assert call(user, "get").status_code == 403
    response = call(user, "post", {"unit_id": world.branch_a.pk, "hijri_year": 1447, "mode": "money", "amount": 1})
    assert response.status_code == 403
    assert FitrahRate.objects.get(unit=world.branch_a, hijri_year=1447).amount == 45_000


def test_another_units_rates_are_not_found(world, desk):
    for unit in (world.branch_b, world.beta_branch, world.alpha):
        assert call(desk.fiona, "get", unit_id=unit.pk).status_code == 404
        response = call(desk.fiona, "post", {"unit_id": unit.pk, "hijri_year": 1447, "mode": "money", "amount": 1})
        assert response.status_code == 404
        assert "SECRET" not in response.content.decode()
    assert not FitrahRate.objects.exclude(unit=world.branch_a).exists()


def test_a_refused_rate_names_its_field(world, desk):
    response = call(desk.fiona, "post", {"hijri_year": 1447, "mode": "money"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["amount"]


def test_bad_rate_input_lists_every_field_at_once(world, desk):
    response = call(
        desk.fiona,
        "post",
        {"unit_id": "a", "hijri_year": 99, "mode": "gold", "amount": 0, "rice_kg": "11", "rice_price_per_kg": -1},
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {
        "unit_id",
        "hijri_year",
        "mode",
        "amount",
        "rice_kg",
        "rice_price_per_kg",
    }
