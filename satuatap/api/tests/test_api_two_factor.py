"""The API and the second factor: a session that has given only its password cannot reach the API,
whatever headers it adds, and a token does not outlive its owner's duty to set up two-factor."""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from ninja.security import SessionAuth

from satuatap.accounts.tests.test_two_factor import VERIFY, code_for, enrol, password_login
from satuatap.api.core import VerifiedSessionAuth
from satuatap.api.services import api_token_create
from satuatap.organizations.models import Membership, Role
from satuatap.organizations.services import membership_grant

UNITS = "/api/v1/units"
MEMBERSHIPS = "/api/v1/memberships"
BOGUS = [
    pytest.param({"HTTP_AUTHORIZATION": "Bearer nonsense"}, id="bogus-bearer"),
    pytest.param({"HTTP_AUTHORIZATION": "Bearer sat_made-up"}, id="made-up-token"),
    pytest.param({"HTTP_AUTHORIZATION": "Basic YWxpY2U6eA=="}, id="other-scheme"),
    pytest.param({"HTTP_X_API_KEY": "x"}, id="bogus-api-key"),
]


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.REQUIRE_2FA = True
    cache.clear()
    yield
    cache.clear()


def _post_grant(client, world, **headers):
    body = {"user_id": world.frank.pk, "unit_id": world.branch_a.pk, "role": Role.FINANCE}
    return client.post(MEMBERSHIPS, json.dumps(body), content_type="application/json", **headers)


def _frank_is_finance():
    return Membership.objects.filter(user__username="frank", role=Role.FINANCE, is_active=True).exists()


@pytest.fixture
def unverified(world):
    """alice (administrator) with a phone, logged in with her password only."""
    device = enrol(world.alice)
    return device, password_login(world.alice)


# --- a session that owes its second factor -----------------------------------------------------


@pytest.mark.parametrize("headers", BOGUS)
def test_an_unverified_session_with_a_made_up_token_header_cannot_read(world, unverified, headers):
    _device, client = unverified
    response = client.get(UNITS, **headers)
    assert response.status_code in (401, 403), response.content[:300]
    assert "items" not in response.json()


@pytest.mark.parametrize("headers", BOGUS)
def test_an_unverified_session_with_a_made_up_token_header_cannot_write(world, unverified, headers):
    _device, client = unverified
    response = _post_grant(client, world, **headers)
    assert response.status_code in (401, 403), response.content[:300]
    assert not _frank_is_finance()


# Either guard alone holds: the middleware in front of the API, and the API's session
# authentication behind it.


@pytest.mark.parametrize("headers", BOGUS)
def test_the_api_refuses_the_session_even_without_the_middleware(world, settings, headers):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith(".TwoFactorMiddleware")]
    enrol(world.alice)
    client = password_login(world.alice)  # a new client, so that it loads the middleware above
    response = client.get(UNITS, **headers)
    assert response.status_code == 403, response.content[:300]
    assert response.json()["error"]["code"] == "two_factor_required"
    assert _post_grant(client, world, **headers).status_code == 403
    assert not _frank_is_finance()


@pytest.mark.parametrize("headers", BOGUS)
def test_the_middleware_refuses_the_session_even_if_the_api_let_it_in(world, unverified, monkeypatch, headers):
    monkeypatch.setattr(VerifiedSessionAuth, "authenticate", SessionAuth.authenticate)
    _device, client = unverified
    response = client.get(UNITS, **headers)
    assert response.status_code == 403, response.content[:300]
    assert response.json()["error"]["code"] == "two_factor_required"
    assert _post_grant(client, world, **headers).status_code == 403
    assert not _frank_is_finance()


def test_a_session_that_must_still_set_up_a_phone_is_refused_too(world):
    membership_grant(actor=world.carol, user=world.frank, unit=world.branch_a, role=Role.FINANCE)
    client = password_login(world.frank)  # owes the set-up, not a code
    for headers in ({"HTTP_AUTHORIZATION": "Bearer nonsense"}, {"HTTP_X_API_KEY": "x"}):
        response = client.get(UNITS, **headers)
        assert response.status_code in (401, 403), response.content[:300]
        assert response.json()["error"]["code"] in ("two_factor_required", "unauthenticated")


def test_the_same_session_after_its_code_reaches_the_api(world, unverified):
    device, client = unverified
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get(UNITS).status_code == 200
    # A header that names no token no longer matters: the verified session answers.
    assert client.get(UNITS, HTTP_AUTHORIZATION="Bearer nonsense").status_code == 200
    assert client.get(UNITS, HTTP_X_API_KEY="x").status_code == 200
    response = _post_grant(client, world, HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 201, response.content[:300]
    assert _frank_is_finance()


def test_a_verified_session_still_needs_the_csrf_token_to_write(world, unverified):
    device, client = unverified
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    client.handler.enforce_csrf_checks = True
    response = _post_grant(client, world)
    assert response.status_code == 403, response.content[:300]
    assert not _frank_is_finance()


# --- tokens ------------------------------------------------------------------------------------


def test_a_valid_token_works_without_any_session(world):
    enrol(world.alice)
    _token, key = api_token_create(actor=world.alice, name="script")
    client = Client()
    assert client.get(UNITS, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert client.get(UNITS, HTTP_X_API_KEY=key).status_code == 200
    response = _post_grant(client, world, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 201, response.content[:300]


def test_a_valid_token_sent_from_an_unverified_browser_acts_as_the_token(world, unverified):
    """The token is a credential of its own: the request is the token's, as before."""
    _device, client = unverified
    enrol(world.carol)
    _token, key = api_token_create(actor=world.carol, name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["username"] == "carol"


def test_a_token_made_before_a_role_that_needs_two_factor_is_refused_until_it_is_set_up(world):
    _token, key = api_token_create(actor=world.frank, name="script")  # front office: no second factor needed
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    membership_grant(actor=world.carol, user=world.frank, unit=world.branch_a, role=Role.FINANCE)

    for headers in ({"HTTP_AUTHORIZATION": f"Bearer {key}"}, {"HTTP_X_API_KEY": key}):
        response = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en", **headers)
        assert response.status_code == 401, response.content[:300]
        error = response.json()["error"]
        assert error["code"] == "two_factor_required"
        assert "two-factor" in error["message"]
    indonesian = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="id")
    assert "verifikasi dua langkah" in indonesian.json()["error"]["message"]

    enrol(world.frank)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert Role.FINANCE in [m["role"] for m in response.json()["memberships"]]


def test_a_token_needs_no_second_factor_where_the_office_has_turned_the_requirement_off(world, settings):
    settings.REQUIRE_2FA = False
    _token, key = api_token_create(actor=world.frank, name="script")
    membership_grant(actor=world.carol, user=world.frank, unit=world.branch_a, role=Role.FINANCE)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_a_made_up_token_is_still_just_unauthenticated(world):
    response = Client().get(UNITS, HTTP_AUTHORIZATION="Bearer sat_made-up")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
