import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from satuatap.api.models import ApiToken
from satuatap.api.services import api_token_create, api_token_revoke
from satuatap.audit.models import AuditEvent
from satuatap.organizations.models import Membership, Unit, UnitKind
from tests.factories import grant, make_unit


@pytest.fixture
def api(world):
    _token, key = api_token_create(actor=world.alice, name="test")

    def request(method, path, body=None, language="id", key=key):
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": language}
        if body is None:
            return getattr(client, method)(f"/api/v1{path}", **headers)
        return getattr(client, method)(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)

    return request


def test_openapi_schema_is_published_at_a_stable_url(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Satu Atap API"
    assert "/api/v1/units" in schema["paths"]


def test_me_lists_the_users_roles(world, api):
    body = api("get", "/me").json()
    assert body["username"] == "alice"
    assert body["full_name"] == str(world.alice)
    assert [m["unit_id"] for m in body["memberships"]] == [world.branch_a.pk]


def test_units_list_is_scoped_paginated_and_carries_parents(world, api):
    body = api("get", "/units").json()
    assert body["count"] == 2
    by_code = {u["code"]: u for u in body["items"]}
    assert set(by_code) == {"BRA", "BRAS1"}
    assert by_code["BRAS1"]["parent_id"] == world.branch_a.pk
    assert by_code["BRA"]["parent_id"] == world.area.pk


def test_units_list_takes_a_fixed_number_of_queries(world, api):
    for n in range(10):
        make_unit(world.branch_a, f"X{n:02d}", f"Layanan {n}")
    api("get", "/me")  # the token's last-used stamp is written once a minute, not on every call
    with CaptureQueriesContext(connection) as few:
        api("get", "/units")
    for n in range(10, 30):
        make_unit(world.branch_a, f"X{n:02d}", f"Layanan {n}")
    with CaptureQueriesContext(connection) as many:
        assert api("get", "/units?limit=100").json()["count"] == 32
    assert len(many) == len(few)


def test_create_unit_through_the_api(world, api):
    response = api(
        "post", "/units", {"parent_id": world.branch_a.pk, "kind": "service", "name": "Loket 2", "code": "lk2"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "LK2"
    assert response.json()["parent_id"] == world.branch_a.pk
    assert AuditEvent.objects.filter(action="unit.created", actor=world.alice).exists()


def test_refusals_have_one_shape_with_field_messages_in_the_requested_language(world, api):
    body = {"parent_id": world.branch_a.pk, "kind": "service", "name": "Dup", "code": "BRAS1"}
    english = api("post", "/units", body, language="en")
    assert english.status_code == 400
    error = english.json()["error"]
    assert error["code"] == "refused"
    assert "already used" in error["fields"]["code"][0]
    indonesian = api("post", "/units", body, language="id")
    assert indonesian.json()["error"]["fields"]["code"][0] != error["fields"]["code"][0]


def test_schema_errors_name_the_field(world, api):
    response = api("post", "/units", {"parent_id": world.branch_a.pk, "kind": "castle", "name": "", "code": "X"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert "kind" in fields and "name" in fields


def test_malformed_json_is_a_clear_error_not_a_crash(world, api):
    client = Client()
    _token, key = api_token_create(actor=world.carol, name="t")
    response = client.post(
        "/api/v1/units", "{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code in (400, 422)
    assert "error" in response.json()


def test_patch_and_move_units(world, api):
    new = make_unit(world.branch_a, "NEW1", "Baru", UnitKind.SERVICE)
    assert api("patch", f"/units/{new.pk}", {"phone": "0295 381000"}).json()["phone"] == "0295 381000"
    moved = api("post", f"/units/{new.pk}/move", {"new_parent_id": world.branch_a_sub.pk})
    assert moved.status_code == 200, moved.content
    assert moved.json()["parent_id"] == world.branch_a_sub.pk
    cycle = api("post", f"/units/{world.branch_a_sub.pk}/move", {"new_parent_id": new.pk})
    assert cycle.status_code == 400
    assert "new_parent" in cycle.json()["error"]["fields"]


def test_grant_and_end_a_role(world, api, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="x-long-password-1")
    granted = api("post", "/memberships", {"user_id": newcomer.pk, "unit_id": world.branch_a.pk, "role": "finance"})
    assert granted.status_code == 201, granted.content
    membership_id = granted.json()["id"]
    again = api("post", "/memberships", {"user_id": newcomer.pk, "unit_id": world.branch_a.pk, "role": "finance"})
    assert again.status_code == 400
    ended = api("post", f"/memberships/{membership_id}/end", {"note": "pindah tugas"})
    assert ended.json()["is_active"] is False
    assert api("post", f"/memberships/{membership_id}/end", {}).status_code == 400


def test_staff_of_another_institution_cannot_be_named(world, api):
    response = api("post", "/memberships", {"user_id": world.eve.pk, "unit_id": world.branch_a.pk, "role": "finance"})
    assert response.status_code == 404
    assert not Membership.objects.filter(user=world.eve, unit=world.branch_a).exists()


def test_revoked_and_expired_tokens_are_refused(world, api):
    token, key = api_token_create(actor=world.alice, name="short-lived")
    assert api("get", "/me", key=key).status_code == 200
    api_token_revoke(actor=world.alice, token=token)
    assert api("get", "/me", key=key).status_code == 401
    token2, key2 = api_token_create(actor=world.alice, name="expired")
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now())
    assert api("get", "/me", key=key2).status_code == 401


def test_only_the_hash_of_a_token_is_stored(world):
    token, key = api_token_create(actor=world.alice, name="x")
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_audit_events_need_the_audit_role(world):
    grant(world.frank, world.branch_a_sub, "front_office")
    _t, key = api_token_create(actor=world.frank, name="x")
    client = Client()
    response = client.get(f"/api/v1/units/{world.branch_a.pk}/audit-events", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403
    _t, key = api_token_create(actor=world.audrey, name="x")
    response = client.get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert Unit.objects.count() > 0
