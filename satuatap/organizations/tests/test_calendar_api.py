"""The calendar through the API: read a unit's hours, closures and holidays; set a week; add and
remove closures; scoped like every unit endpoint."""

import json
from datetime import date

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.organizations.models import Closure, OpeningPeriod


@pytest.fixture
def api():
    def _client(user):
        return Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])

    return _client


def send(client, method, path, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", json.dumps(body) if body is not None else None, content_type="application/json"
    )


OFFICE_WEEK = {
    "days": [
        {"weekday": day, "periods": [{"opens": "08:00", "closes": "12:00"}, {"opens": "13:00", "closes": "16:00"}]}
        for day in range(4)
    ]
    + [{"weekday": 4, "periods": [{"opens": "08:00", "closes": "11:30"}, {"opens": "13:30", "closes": "16:00"}]}]
}


def test_reading_a_units_calendar(world, api):
    Closure.objects.create(unit=world.area, first_day=date(2026, 4, 1), last_day=date(2026, 4, 1), name="Raker")
    response = api(world.frank).get(f"/api/v1/units/{world.branch_a.pk}/calendar?year=2026")
    assert response.status_code == 200
    data = response.json()
    assert data["office"]["own"] is False and data["office"]["inherited_from"] is None
    assert [len(day["periods"]) for day in data["office"]["week"]] == [1, 1, 1, 1, 2, 0, 0]
    assert data["office"]["week"][4]["periods"][1] == {"opens": "13:30", "closes": "16:00"}
    assert [c["name"] for c in data["closures"]] == ["Raker"]
    holidays = {h["day"]: h for h in data["holidays"]}
    assert holidays["2026-08-17"]["collective_leave"] is False
    assert holidays["2026-12-24"]["collective_leave"] is True and holidays["2026-12-24"]["observed"] is True
    assert isinstance(data["open_now"], bool) and data["next_opening"]


def test_setting_a_week_then_inheriting_again(world, api):
    client = api(world.alice)
    response = send(client, "put", f"/units/{world.branch_a.pk}/calendar/office", OFFICE_WEEK)
    assert response.status_code == 200, response.content
    assert response.json()["own"] is True
    assert response.json()["summary"].endswith("13.30–16.00")
    assert OpeningPeriod.objects.filter(unit=world.branch_a, schedule="office").count() == 10
    below = client.get(f"/api/v1/units/{world.branch_a_sub.pk}/calendar").json()
    assert below["office"]["inherited_from"] == world.branch_a.pk
    response = send(client, "put", f"/units/{world.branch_a.pk}/calendar/office", {"inherit": True})
    assert response.status_code == 200 and response.json()["own"] is False
    assert not OpeningPeriod.objects.exists()


def test_a_bad_week_is_refused_with_every_day_named(world, api, settings):
    body = {
        "days": [
            {"weekday": 0, "periods": [{"opens": "08:00", "closes": "12:00"}, {"opens": "11:00", "closes": "13:00"}]},
            {"weekday": 1, "periods": [{"opens": "9", "closes": "16:00"}]},
        ]
    }
    client = api(world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = send(
        client,
        "put",
        f"/units/{world.branch_a.pk}/calendar/whatsapp",
        body,
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"day_0", "day_1"}
    assert not OpeningPeriod.objects.exists()
    response = send(client, "put", f"/units/{world.branch_a.pk}/calendar/whatsapp", {"days": [{"weekday": 9}]})
    assert response.status_code == 422


def test_adding_and_removing_a_closure(world, api):
    client = api(world.alice)
    body = {"first_day": "2026-10-05", "last_day": "2026-10-06", "kind": "local", "name": "Haul"}
    response = send(client, "post", f"/units/{world.branch_a.pk}/closures", body)
    assert response.status_code == 201, response.content
    closure_id = response.json()["id"]
    response = send(client, "post", f"/units/{world.branch_a.pk}/closures", {**body, "last_day": "2026-10-01"})
    assert response.status_code == 400 and "last_day" in response.json()["error"]["fields"]
    response = client.delete(f"/api/v1/units/{world.branch_a.pk}/closures/{closure_id}")
    assert response.status_code == 204
    assert not Closure.objects.exists()


def test_outsiders_and_other_roles_are_refused(world, api):
    day = date(2026, 4, 1)
    mine = Closure.objects.create(unit=world.branch_a, first_day=day, last_day=day, name="x")
    theirs = Closure.objects.create(unit=world.branch_b, first_day=day, last_day=day, name="y")
    alice, frank = api(world.alice), api(world.frank)
    assert alice.get(f"/api/v1/units/{world.branch_b.pk}/calendar").status_code == 404
    assert send(alice, "put", f"/units/{world.branch_b.pk}/calendar/office", OFFICE_WEEK).status_code == 404
    assert alice.delete(f"/api/v1/units/{world.branch_b.pk}/closures/{theirs.pk}").status_code == 404
    assert alice.delete(f"/api/v1/units/{world.branch_a.pk}/closures/{theirs.pk}").status_code == 404
    assert send(frank, "put", f"/units/{world.branch_a.pk}/calendar/office", OFFICE_WEEK).status_code == 403
    assert frank.delete(f"/api/v1/units/{world.branch_a.pk}/closures/{mine.pk}").status_code == 403
    assert Closure.objects.count() == 2 and not OpeningPeriod.objects.exists()
