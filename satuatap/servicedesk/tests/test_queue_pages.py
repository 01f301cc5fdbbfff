# ruff: noqa: F811  (the shared fixture "desk" is imported, then named by the tests)
"""The queue's pages and API: kiosk, ticket, display board and feed (public), counters and the
counter screen (staff), and the REST endpoints; bad input is a clear answer, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from satuatap.servicedesk.models import QueueTicket, TicketStatus
from satuatap.servicedesk.queue import services as queue
from satuatap.servicedesk.tests.test_queue_services import at, desk, english_messages  # noqa: F401  (fixtures)

NOW = at(9, 30)


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    """The pages take tickets "now": now is Monday 2 March 2026, 09:30 WIB (the office is open)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def kiosk_url(desk):
    return reverse("servicedesk:kiosk", args=["alpha", "bra"])


def test_the_kiosk_lists_the_queue_services_and_gives_a_ticket(client, desk, kiosk_url):
    page = client.get(kiosk_url + "?kiosk=1")
    assert page.status_code == 200 and b"Bayar zakat" in page.content and b"booking code" in page.content
    response = client.post(kiosk_url + "?kiosk=1", {"service": desk.zis.pk, "priority": "elderly"})
    ticket = QueueTicket.objects.get()
    assert response.status_code == 302 and ticket.code in response["Location"] and "kiosk=1" in response["Location"]
    assert (ticket.priority, ticket.source, ticket.label) == ("elderly", "kiosk", "A-001")
    slip = client.get(response["Location"])
    assert slip.status_code == 200 and b"A-001" in slip.content and b"<svg" in slip.content
    assert b'data-return-url="/antrean/alpha/bra/?kiosk=1"' in slip.content


def test_a_phone_ticket_shows_its_live_position_and_may_ask_to_be_told(client, desk, kiosk_url):
    queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9))
    client.post(kiosk_url, {"service": desk.zis.pk})
    mine = QueueTicket.objects.get(number=2)
    assert mine.source == "phone"
    url = reverse("servicedesk:ticket", args=[mine.code])
    live = client.get(url, HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and b'data-testid="ahead">1<' in live.content
    told = client.post(url, {"notify_to": "mina@example.org"})
    assert told.status_code == 200
    mine.refresh_from_db()
    assert (mine.notify_channel, mine.notify_to) == ("email", "mina@example.org")


def test_a_refused_ticket_says_why_on_the_kiosk(client, desk, kiosk_url, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(20))
    response = client.post(kiosk_url, {"service": desk.zis.pk})
    assert response.status_code == 400 and b"closed" in response.content
    assert client.post(kiosk_url, {"service": "junk"}).status_code == 400
    assert client.post(kiosk_url, {"check_in": "1", "code": "???"}).status_code == 400


def test_unknown_units_and_codes_are_clear_404s(client, desk):
    for url in [
        reverse("servicedesk:kiosk", args=["nope", "bra"]),
        reverse("servicedesk:display", args=["alpha", "nope"]),
        reverse("servicedesk:display_feed", args=["alpha", "nope"]),
        reverse("servicedesk:ticket", args=["NOTACODE"]),
        reverse("servicedesk:ticket", args=["AAAAAAAAAA"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_the_display_board_and_its_feed_show_the_calls(client, desk):
    ticket = queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9)).ticket
    queue.counter_open(actor=desk.olga, counter=desk.c1, at=at(9, 1))
    queue.counter_next(actor=desk.olga, counter=desk.c1, at=at(9, 2))
    board = client.get(reverse("servicedesk:display", args=["alpha", "bra"]))
    assert board.status_code == 200 and b"A-001" in board.content
    feed = client.get(reverse("servicedesk:display_feed", args=["alpha", "bra"]) + "?after=0").json()
    call = feed["calls"][-1]
    assert call["label"] == ticket.label and call["counter"] == 1
    assert call["say"] == "Nomor antrean A satu, silakan ke loket satu"
    later = client.get(reverse("servicedesk:display_feed", args=["alpha", "bra"]) + f"?after={feed['last_id']}")
    assert later.json()["calls"] == []
    assert client.get(reverse("servicedesk:display_feed", args=["alpha", "bra"]) + "?after=x").status_code == 200


def test_the_counter_screen_calls_serves_and_finishes(client, desk):
    queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9))
    client.force_login(desk.olga)
    listing = client.get(reverse("servicedesk:counters"))
    assert listing.status_code == 200 and b"Counter screen" in listing.content
    url = reverse("servicedesk:counter", args=[desk.c1.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"action": "next"}, HTTP_HX_REQUEST="true")
    assert b"Open the counter first" in refused.content
    client.post(url, {"action": "open"})
    client.post(url, {"action": "next"})
    assert QueueTicket.objects.get().status == TicketStatus.CALLED
    client.post(url, {"action": "start"})
    done = client.post(url, {"action": "finish", "outcome": "served"}, follow=True)
    assert done.status_code == 200 and QueueTicket.objects.get().status == TicketStatus.DONE
    assert client.post(url, {"action": "whatever"}).status_code == 400


def test_the_set_up_forms_are_for_those_who_configure(client, desk):
    client.force_login(desk.olga)
    assert client.post(reverse("servicedesk:counters"), {"form": "counter", "number": 9}).status_code == 403
    client.force_login(desk.hana)
    response = client.post(reverse("servicedesk:counters"),
                           {"form": "counter", "number": 9, "services": [desk.zis.pk], "is_active": "on"})  # fmt: skip
    assert response.status_code == 302 and desk.unit.counters.filter(number=9).exists()
    response = client.post(reverse("servicedesk:counters"),
                           {"form": "line", "prefix": "A", "name": "X", "kind": "walk_in", "position": 0,
                            "services": [desk.zis.pk], "is_active": "on"})  # fmt: skip
    assert response.status_code == 400 and b"Another line" in response.content


def test_another_units_counter_is_a_404(client, desk, world):
    client.force_login(world.bob)
    assert client.get(reverse("servicedesk:counter", args=[desk.c1.pk])).status_code == 404


# --- API --------------------------------------------------------------------------------------------


API = "/api/v1/servicedesk"


def test_the_public_api_takes_a_ticket_and_tells_its_status(client, desk):
    response = client.post(f"{API}/public/units/alpha/bra/tickets", {"service": "zis"}, content_type="application/json")
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["label"] == "A-001"
    status = client.get(f"{API}/public/tickets/{code}")
    assert status.status_code == 200 and status.json()["status"] == "waiting"
    assert client.get(f"{API}/public/tickets/NOSUCH").status_code == 404
    refused = client.post(f"{API}/public/units/alpha/bra/tickets", {"service": "XX"}, content_type="application/json")
    assert refused.status_code == 400 and "error" in refused.json()
    missing = client.post(f"{API}/public/units/alpha/nope/tickets", {"service": "ZIS"}, content_type="application/json")
    assert missing.status_code == 404
    board = client.get(f"{API}/public/units/alpha/bra/display?after=0")
    assert board.status_code == 200 and board.json()["lines"][0]["waiting"] == 1
    checked = client.post(f"{API}/public/units/alpha/bra/check-in", {"code": "NOPE"}, content_type="application/json")
    assert checked.status_code == 400


def token_client(user):
    from django.test import Client

    from satuatap.api.services import api_token_create

    return Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])


def test_the_staff_api_acts_at_a_counter(desk, world):
    queue.ticket_take(unit=desk.unit, service=desk.zis, at=at(9))
    client = token_client(desk.olga)
    listed = client.get(f"{API}/counters")
    assert listed.status_code == 200 and listed.json()["count"] == 3
    assert client.post(f"{API}/counters/{desk.c1.pk}/next", {}, content_type="application/json").status_code == 400
    opened = client.post(f"{API}/counters/{desk.c1.pk}/open", {}, content_type="application/json")
    assert opened.status_code == 200, opened.content
    assert opened.json()["status"] == "open"
    called = client.post(f"{API}/counters/{desk.c1.pk}/next", {}, content_type="application/json").json()
    assert called["current"]["label"] == "A-001"
    moved = client.post(f"{API}/counters/{desk.c1.pk}/transfer", {"to_counter_id": desk.c2.pk},
                        content_type="application/json")  # fmt: skip
    assert moved.status_code == 400 and "tidak melayani" in moved.json()["error"]["message"]
    finished = client.post(f"{API}/counters/{desk.c1.pk}/finish", {"outcome": "served"},
                           content_type="application/json")  # fmt: skip
    assert finished.status_code == 200 and finished.json()["current"] is None
    assert client.post(f"{API}/counters/{desk.c1.pk}/dance", {}, content_type="application/json").status_code == 404
    tickets = client.get(f"{API}/tickets?unit_id={desk.unit.pk}&day=2026-03-02").json()
    assert tickets["items"][0]["status"] == "done"
    client = token_client(world.audrey)
    assert client.post(f"{API}/counters/{desk.c1.pk}/pause", {}, content_type="application/json").status_code == 403
    client = token_client(world.bob)
    assert client.get(f"{API}/counters/{desk.c1.pk}").status_code == 404
