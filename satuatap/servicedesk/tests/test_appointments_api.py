"""Appointments over the API: public slots, booking, status and cancel by code (nothing about the
person, 404 for an unknown code, refusals naming their fields); staff list, book for a caller and
cancel in their units only."""

import json

from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture)
from satuatap.servicedesk.appointments.services import appointment_book
from satuatap.servicedesk.models import Appointment, AppointmentStatus
from satuatap.servicedesk.tests import appointments_setup
from satuatap.servicedesk.tests.appointments_setup import CHRISTMAS
from satuatap.servicedesk.tests.test_appointments_pages import first_free

API = "/api/v1/servicedesk"

desk = appointments_setup.desk  # the fixture


def post(path, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(API + path, json.dumps(body), content_type="application/json", **headers)


def get(path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(API + path, **headers)


def token(user):
    return api_token_create(actor=user, name="test")[1]


def test_public_slots_of_a_day_with_places_left(desk):
    day, slot = first_free(desk.kons)
    response = get(f"/public/units/alpha/bra/slots?service=kons&day={day.isoformat()}")
    assert response.status_code == 200
    body = response.json()
    assert body["closed"] is False and body["slots"][0]["left"] == 2
    christmas = get(f"/public/units/alpha/bra/slots?service=KONS&day={CHRISTMAS.isoformat()}").json()
    assert christmas["closed"] is True and christmas["slots"] == [] and christmas["closed_because"]
    assert get("/public/units/alpha/nothere/slots?service=KONS&day=2026-12-14").status_code == 404
    assert get("/public/units/alpha/bra/slots?service=ZIS&day=2026-12-14").status_code == 404
    assert get("/public/units/alpha/bra/slots?service=KONS&day=junk").status_code == 422


def test_public_booking_answers_the_code_and_the_status_tells_nothing_about_the_person(desk):
    day, slot = first_free(desk.kons)
    body = {"institution": "ALPHA", "unit": "BRA", "service": "KONS", "slot_start": slot.start.isoformat(),
            "name": "Ani Rahma", "phone": "08123456789"}  # fmt: skip
    response = post("/public/appointments", body)
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    status = get(f"/public/appointments/{code}")
    assert status.status_code == 200 and status.json()["status"] == "booked"
    assert b"Ani" not in status.content and b"0812" not in status.content
    cancelled = post(f"/public/appointments/{code}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(f"/public/appointments/{code}/cancel", {})
    assert again.status_code == 400 and again.json()["error"]["code"] == "refused"


def test_a_naive_time_is_the_offices_local_time(desk):
    day, slot = first_free(desk.kons)
    body = {"institution": "alpha", "unit": "bra", "service": "KONS", "slot_start": slot.key, "name": "A",
            "email": "a@example.org"}  # fmt: skip
    assert post("/public/appointments", body).status_code == 201
    assert Appointment.objects.get().slot_start == slot.start


def test_public_refusals_name_every_field_at_once(desk):
    body = {"institution": "alpha", "unit": "bra", "service": "ZIS", "slot_start": "2020-01-01T09:00:00+07:00",
            "name": "A"}  # fmt: skip
    response = post("/public/appointments", body)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"service", "slot_start", "phone"}


def test_an_unknown_code_is_404_never_500(desk):
    for code in ("ABCDEFGHJK", "junk", "x" * 80):
        assert get(f"/public/appointments/{code}").status_code == 404
        assert post(f"/public/appointments/{code}/cancel", {}).status_code == 404


def test_a_staff_token_is_refused_on_the_public_booking(desk, world):
    day, slot = first_free(desk.kons)
    body = {"institution": "alpha", "unit": "bra", "service": "KONS", "slot_start": slot.key, "name": "A",
            "phone": "08123456789"}  # fmt: skip
    response = post("/public/appointments", body, token=token(world.frank))
    assert response.status_code == 403 and not Appointment.objects.exists()


def test_staff_list_book_for_a_caller_and_cancel_in_their_units(desk, world):
    day, slot = first_free(desk.kons)
    frank = token(world.frank)
    made = post("/appointments", {"service_id": desk.kons.pk, "slot_start": slot.start.isoformat(), "name": "Penelepon",
                                  "phone": "0812999999"}, token=frank)  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["name"] == "Penelepon"
    listed = get(f"/appointments?unit_id={desk.unit.pk}&day={day.isoformat()}", token=frank)
    assert [a["code"] for a in listed.json()["items"]] == [made.json()["code"]]
    cancelled = post(f"/appointments/{made.json()['id']}/cancel", {"reason": "minta batal"}, token=frank)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_outsiders_are_refused_by_the_staff_api(desk, world):
    day, slot = first_free(desk.secret)
    secret = appointment_book(service=desk.secret, slot_start=slot.start, name="Rahasia", phone="0811111111")
    frank, audrey = token(world.frank), token(world.audrey)
    assert get(f"/appointments?unit_id={world.branch_b.pk}", token=frank).status_code == 404
    assert b"Rahasia" not in get("/appointments", token=frank).content
    assert post(f"/appointments/{secret.pk}/cancel", {}, token=frank).status_code == 404
    body = {"service_id": desk.secret.pk, "slot_start": slot.start.isoformat(), "name": "x", "phone": "0812345678"}
    assert post("/appointments", body, token=frank).status_code == 404
    own = {**body, "service_id": desk.kons.pk, "slot_start": first_free(desk.kons)[1].start.isoformat()}
    assert post("/appointments", own, token=audrey).status_code == 403
    assert get("/appointments").status_code == 401
    secret.refresh_from_db()
    assert secret.status == AppointmentStatus.BOOKED
    assert timezone.now()  # the slots above are real, in the future


def test_far_away_days_are_empty_not_errors(desk, world):
    assert get("/public/units/alpha/bra/slots?service=KONS&day=0001-01-01").json()["slots"] == []
    assert get("/public/units/alpha/bra/slots?service=KONS&day=9999-12-31").json()["slots"] == []
    listed = get(f"/appointments?unit_id={desk.unit.pk}&day=9999-12-31", token=token(world.frank))
    assert listed.status_code == 200 and listed.json()["items"] == []


def test_ids_beyond_any_key_are_refused_or_not_found_never_a_500(desk, world):
    frank = token(world.frank)
    huge = 2**70
    assert get(f"/appointments?service_id={huge}", token=frank).status_code == 422
    assert get(f"/appointments?unit_id={huge}", token=frank).status_code == 422
    assert post(f"/appointments/{huge}/cancel", {}, token=frank).status_code in (404, 422)
    body = {"service_id": huge, "slot_start": "2030-01-07T09:00:00+07:00", "name": "x", "phone": "08123456789"}
    assert post("/appointments", body, token=frank).status_code == 422
    body = {"institution": "alpha", "unit": "bra", "service": "KONS", "slot_start": "0001-01-01T00:00:00",
            "name": "x", "phone": "08123456789"}  # fmt: skip
    assert post("/public/appointments", body).status_code == 400
