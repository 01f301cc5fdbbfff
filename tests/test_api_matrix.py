"""Every API operation, generated from the OpenAPI schema: outsiders get nothing, auditors write nothing."""

import json

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.organizations.models import Membership
from tests.scoping import API_BODIES, API_PARAMS, PUBLIC_API, api_operations
from tests.scoping_beneficiaries import beneficiary_matrix_ids
from tests.scoping_collection import collection_matrix_ids
from tests.scoping_distribution import distribution_matrix_ids
from tests.scoping_ledger import ledger_matrix_ids
from tests.test_scoping_matrix import snapshot

OPERATIONS = list(api_operations())
IDS = [f"{m.upper()} {p}" for m, p, _params, _op in OPERATIONS]
WRITES = {"post", "put", "patch", "delete"}


def call(token, method, path, body=None, **headers):
    client = Client()
    kwargs = {"content_type": "application/json"} if body is not None else {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = json.dumps(body) if body is not None else None
    return (
        getattr(client, method)(path, data, **kwargs, **headers) if data else getattr(client, method)(path, **headers)
    )


def fill(path: str, ids: dict) -> str:
    for param, kind in API_PARAMS.items():
        path = path.replace("{" + param + "}", str(ids[kind]))
    return path


def matrix_ids(world) -> dict:
    """Ledger, collection and registry objects of other units and institutions, merged per id set."""
    led = ledger_matrix_ids(world)
    col = collection_matrix_ids(world)
    reg = beneficiary_matrix_ids(world)
    registry = reg["foreign"]
    dist = distribution_matrix_ids(world)
    payouts = dist["foreign"]
    closures = closure_matrix_ids(world)
    return {
        "foreign": [
            {
                **lf,
                **cf,
                **registry[i % len(registry)],
                **payouts[i % len(payouts)],
                "money_account": lf["account"],
                "closure": closures["foreign"][i % len(closures["foreign"])],
            }
            for i, (lf, cf) in enumerate(zip(led["foreign"], col["foreign"], strict=True))
        ],
        "own": {
            **led["own"],
            **col["own"],
            **reg["own"],
            **dist["own"],
            "money_account": led["own"]["account"],
            "closure": closures["own"],
        },
    }


def closure_matrix_ids(world) -> dict:
    """A closure of branch B, of BETA's branch (SECRET in their names) and of branch A."""
    from datetime import date

    from satuatap.organizations.models import Closure

    def close(unit, name):
        return Closure.objects.create(unit=unit, first_day=date(2026, 4, 1), last_day=date(2026, 4, 1), name=name).pk

    foreign = [close(world.branch_b, "SECRET closure Bakung"), close(world.beta_branch, "SECRET closure Xenon")]
    return {"foreign": [*foreign, 987654321], "own": close(world.branch_a, "Own closure")}


def foreign_id_sets(world, led) -> list[dict]:
    """The ids an outsider tries: branch B's, BETA's, the ALPHA root's and ids that do not exist.

    Each kind gets an object of another unit and one of another institution across the sets
    (checked by tests/test_access_coverage.py).
    """
    return [
        {"unit": world.branch_b.pk, "membership": world.memberships.bob.pk, "user": world.bob.pk, **led["foreign"][0]},
        {
            "unit": world.beta.pk,
            "membership": Membership.objects.get(user=world.eve).pk,
            "user": world.eve.pk,
            **led["foreign"][2],
        },
        {
            "unit": world.alpha.pk,
            "membership": Membership.objects.get(user=world.carol).pk,
            "user": world.carol.pk,
            **led["foreign"][1],
        },
        {"unit": 987654321, "membership": 987654321, "user": 987654321, **led["foreign"][4]},
    ]


@pytest.fixture
def tokens(world):
    return {name: api_token_create(actor=getattr(world, name), name="matrix")[1] for name in ("alice", "audrey")}


def test_every_operation_is_in_the_matrix():
    unknown_params = sorted({p for _m, _path, params, _op in OPERATIONS for p in params} - set(API_PARAMS))
    assert not unknown_params, f"Add these path parameters to tests/scoping.py API_PARAMS: {unknown_params}"
    missing = [(m, p) for m, p, _params, _op in OPERATIONS if m in WRITES and (m, p) not in API_BODIES]
    assert not missing, f"Add bodies for these writes to tests/scoping.py API_BODIES: {missing}"


@pytest.mark.parametrize(("method", "path", "params", "operation"), OPERATIONS, ids=IDS)
def test_outsider_token_reaches_nothing_of_other_units(world, tokens, method, path, params, operation):
    if (method, path) in PUBLIC_API:
        return  # public by design; tested to show no personal data in test_api_receipts
    led = matrix_ids(world)
    before = snapshot()
    foreign_sets = foreign_id_sets(world, led)
    for ids in foreign_sets:
        body = API_BODIES[(method, path)](ids) if method in WRITES else None
        response = call(tokens["alice"], method, fill(path, ids), body)
        if params or method in WRITES:
            assert response.status_code in (403, 404), f"{method.upper()} {fill(path, ids)}: {response.status_code}"
            assert set(response.json()) == {"error"}
        else:
            assert response.status_code == 200
        assert b"SECRET" not in response.content, f"{method.upper()} {path} shows another unit's data"
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "params", "operation"), OPERATIONS, ids=IDS)
def test_auditor_token_writes_nothing(world, tokens, method, path, params, operation):
    if method not in WRITES:
        return
    led = matrix_ids(world)
    own = {
        "unit": world.branch_a_sub.pk,
        "membership": world.memberships.frank.pk,
        "user": world.frank.pk,
        **led["own"],
    }
    before = snapshot()
    response = call(tokens["audrey"], method, fill(path, own), API_BODIES[(method, path)](own))
    assert response.status_code == 403, response.content
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "params", "operation"), OPERATIONS, ids=IDS)
def test_no_token_is_unauthenticated_with_the_error_shape(world, method, path, params, operation):
    if (method, path) in PUBLIC_API:
        return
    led = matrix_ids(world)
    own = {"unit": world.branch_a.pk, "membership": world.memberships.frank.pk, "user": world.frank.pk, **led["own"]}
    body = API_BODIES[(method, path)](own) if method in WRITES else None
    for token in (None, "sat_not-a-real-token"):
        response = call(token, method, fill(path, own), body)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
