"""The catalogue over the API: the public list of a unit's services, staff services and standards
(draft, approve, publish), the error shape of refusals, an outsider refused."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.servicedesk.tests.test_catalogue_services import FULL, desk, make_service, published  # noqa: F401

URL = "/api/v1/servicedesk"


class Api:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = "Bearer " + api_token_create(actor=user, name="test")[1]

    def get(self, path, **query):
        return self.client.get(URL + path, query, **self.headers)

    def post(self, path, data=None):
        return self.client.post(URL + path, json.dumps(data or {}), content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch(URL + path, json.dumps(data), content_type="application/json", **self.headers)


@pytest.fixture
def offered(desk):  # noqa: F811
    service = make_service(desk.alice, desk.branch_a)
    desk.service, desk.standard = service, published(desk.alice, desk.hank, service)
    return desk


def test_the_public_list_shows_published_standards_only(offered):
    make_service(offered.alice, offered.branch_a, code="DRAFT")
    response = Api().get("/public/units/alpha/bra/services")
    assert response.status_code == 200
    body = response.json()
    assert [s["code"] for s in body] == ["ZIS"]
    assert body[0]["standard"]["requirements"][0]["name"] == "Fotokopi KTP"
    assert Api().get("/public/units/alpha/nope/services").status_code == 404


def test_staff_create_patch_and_list_services(offered):
    api = Api(offered.alice)
    created = api.post("/services", {"code": "KONS", "name": "Konsultasi", "needs_appointment": True})
    assert created.status_code == 201, created.content
    service_id = created.json()["id"]
    patched = api.patch(f"/services/{service_id}", {"daily_quota": 30})
    assert patched.status_code == 200 and patched.json()["daily_quota"] == 30
    assert {s["code"] for s in api.get("/services").json()["items"]} == {"ZIS", "KONS"}
    refused = api.post("/services", {"code": "ZIS", "name": "", "needs_queue": False})
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"code", "name", "needs_queue"}


def test_staff_draft_approve_and_publish_a_version(offered):
    api = Api(offered.alice)
    draft = api.post(f"/services/{offered.service.pk}/standards", {"service_days": 2, "requirements": [{"name": "KK"}]})
    assert draft.status_code == 201, draft.content
    body = draft.json()
    assert body["version"] == 2 and body["service_days"] == 2 and body["requirements"][0]["name"] == "KK"
    assert api.post(f"/standards/{body['id']}/approve").status_code == 403  # an admin is not the head
    assert Api(offered.hank).post(f"/standards/{body['id']}/approve").status_code == 200
    past = api.post(f"/standards/{body['id']}/publish", {"effective_from": "2020-01-01"})
    assert past.status_code == 400 and "effective_from" in past.json()["error"]["fields"]
    today = timezone.localdate().isoformat()
    assert api.post(f"/standards/{body['id']}/publish", {"effective_from": today}).json()["status"] == "published"
    versions = api.get(f"/services/{offered.service.pk}/standards").json()
    assert [v["version"] for v in versions] == [2, 1]


def test_an_outsider_reaches_nothing(offered):
    api = Api(offered.bob)
    assert api.get(f"/services/{offered.service.pk}").status_code == 404
    assert api.get(f"/services/{offered.service.pk}/standards").status_code == 404
    assert api.post(f"/standards/{offered.standard.pk}/approve").status_code == 404
    assert api.patch(f"/services/{offered.service.pk}", {"name": "x"}).status_code == 404
    assert api.post("/services", {"unit_id": offered.branch_a.pk, "code": "X1", "name": "x"}).status_code == 404
    assert api.get("/services").json()["items"] == []
