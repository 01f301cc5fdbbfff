"""The public booking pages (no login) and the staff's list: booking leads to the code, its QR,
the calendar file and the cancel button; an unknown code is a 404 page; staff see only their
units' bookings, book for a caller and cancel; an outsider is refused."""

from django.urls import reverse
from django.utils import timezone

from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture)
from satuatap.servicedesk.appointments import selectors
from satuatap.servicedesk.appointments.services import appointment_book
from satuatap.servicedesk.models import Appointment, AppointmentStatus
from satuatap.servicedesk.tests import appointments_setup

BOOK = "/janji/alpha/bra/"

desk = appointments_setup.desk  # the fixture


def first_free(service):
    day = selectors.days_open(service, timezone.localdate(timezone.now(), service.unit.tzinfo), 1)[0][0]
    return day, next(s for s in selectors.slots_for(service, day) if not s.is_full)


def test_the_booking_page_offers_services_by_appointment_days_and_times(client, desk):
    response = client.get(BOOK)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Konsultasi zakat" in text and "Bayar zakat" not in text and "SECRET" not in text
    assert 'data-testid="days"' in text and 'data-testid="slots"' in text  # the only service is chosen


def test_booking_leads_to_the_code_qr_calendar_and_cancel(client, desk):
    day, slot = first_free(desk.kons)
    response = client.post(
        BOOK,
        {"service": "KONS", "day": day.isoformat(), "slot": slot.key, "name": "Ani", "phone": "0812 3456 789"},
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/janji/kode/{appointment.code}/?baru=1"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and appointment.code[:5] in text and "<svg" in text
    assert "Ani" not in text and "0812" not in text  # nothing about the person
    ics = client.get(f"/janji/kode/{appointment.code}/?format=ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    assert client.get(f"/janji/kode/{appointment.code}/?batal=1").content.count(b"cancel-confirm") == 1
    client.post(f"/janji/kode/{appointment.code}/", {"confirm": "1"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_refused_booking_shows_every_reason_beside_its_field(client, desk):
    day, slot = first_free(desk.kons)
    response = client.post(BOOK, {"service": "KONS", "day": day.isoformat(), "slot": "2020-01-01T09:00", "name": "A"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "This time has passed" in text and "Give a phone number or an email address" in text
    assert not Appointment.objects.exists()


def test_the_honeypot_refuses_a_robot(client, desk):
    day, slot = first_free(desk.kons)
    data = {"service": "KONS", "day": day.isoformat(), "slot": slot.key, "name": "Bot", "phone": "08123456789"}
    assert client.post(BOOK, {**data, "leave_empty": "x"}).status_code == 400
    assert not Appointment.objects.exists()


def test_an_unknown_code_or_office_is_a_clear_404_page(client, desk):
    for url in ("/janji/kode/ABCDEFGHJK/", "/janji/kode/not-a-code/", "/janji/alpha/nothere/", "/janji/xx/bra/"):
        response = client.get(url)
        assert response.status_code == 404 and b'data-testid="not-found"' in response.content


def test_a_typed_code_opens_its_booking(client, desk):
    assert client.get(BOOK + "?kode=abcde-fghjk")["Location"] == "/janji/kode/ABCDEFGHJK/"


def test_the_booking_page_is_throttled(client, desk, settings):
    from satuatap.core.throttle import Rate

    selectors.LOOKUP_RATE = Rate(count=2, seconds=600)
    try:
        codes = [client.get("/janji/kode/ABCDEFGHJK/").status_code for _ in range(3)]
    finally:
        selectors.LOOKUP_RATE = Rate(count=60, seconds=600)
    assert codes == [404, 404, 429]


# --- staff ----------------------------------------------------------------------------------------------


def test_staff_see_the_days_bookings_and_export_them(login, desk, world):
    day, slot = first_free(desk.kons)
    appointment_book(service=desk.kons, slot_start=slot.start, name="Ani Rahma", phone="08123456789")
    appointment_book(
        service=desk.secret, slot_start=first_free(desk.secret)[1].start, name="SECRET Orang", phone="0811111111"
    )
    client = login(world.audrey)
    response = client.get(reverse("servicedesk:appointments") + f"?day={day.isoformat()}")
    assert response.status_code == 200
    assert b"Ani Rahma" in response.content and b"SECRET" not in response.content
    assert b'data-testid="book-for-caller"' not in response.content  # the auditor only reads
    csv = client.get(reverse("servicedesk:appointments") + f"?day={day.isoformat()}&format=csv")
    assert b"Ani Rahma" in csv.content
    xlsx = client.get(reverse("servicedesk:appointments") + f"?day={day.isoformat()}&format=xlsx")
    assert xlsx.status_code == 200


def test_front_office_books_for_a_caller_and_cancels(login, desk, world):
    day, slot = first_free(desk.kons)
    client = login(world.frank)
    url = reverse("servicedesk:appointments")
    response = client.post(
        url + f"?day={day.isoformat()}&service={desk.kons.pk}",
        {"action": "book", "service": desk.kons.pk, "day": day.isoformat(), "slot": slot.key, "name": "Penelepon",
         "phone": "08129999999"},
    )  # fmt: skip
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.booked_by == world.frank
    client.post(url, {"action": "cancel", "appointment": appointment.pk, "day": day.isoformat(), "reason": "batal"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_an_outsider_cannot_cancel_another_units_booking(login, desk, world):
    day, slot = first_free(desk.secret)
    secret = appointment_book(service=desk.secret, slot_start=slot.start, name="Rahasia", phone="0811111111")
    client = login(world.frank)
    response = client.post(reverse("servicedesk:appointments"), {"action": "cancel", "appointment": secret.pk})
    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.status == AppointmentStatus.BOOKED


def test_the_auditor_cannot_book_or_cancel(login, desk, world):
    client = login(world.audrey)
    assert client.post(reverse("servicedesk:appointments"), {"action": "book"}).status_code == 403


def test_an_account_without_a_role_is_refused_the_staff_page(login, desk, world):
    assert login(world.nina).get(reverse("servicedesk:appointments")).status_code == 403


def test_the_staff_page_shows_no_show_figures_per_week_and_service(login, desk, world):
    from datetime import timedelta

    last_week = timezone.now() - timedelta(days=7)
    for n, status in enumerate(["checked_in", "no_show", "no_show", "cancelled"]):
        Appointment.objects.create(
            unit=desk.unit, service=desk.kons, code=f"ABCDEFGH{n + 2}{n + 2}", slot_start=last_week,
            slot_end=last_week + timedelta(minutes=20), name="x", phone="0812", status=status,
        )  # fmt: skip
    figures = selectors.no_show_figures(desk.unit, (last_week - timedelta(days=7)).date(), timezone.now().date())
    assert [(f.booked, f.kept, f.cancelled, f.no_show, f.no_show_share) for f in figures] == [(4, 1, 1, 2, 67)]
    response = login(world.frank).get(reverse("servicedesk:appointments"))
    assert b'data-testid="figures"' in response.content and b"67%" in response.content


def test_junk_or_far_away_days_never_give_a_500(login, client, desk, world):
    for query in ("?hari=junk", "?hari=0001-01-01", "?hari=9999-12-31", "?layanan=NOPE&hari=2026-13-01"):
        assert client.get(BOOK + query).status_code == 200
    staff = login(world.frank)
    for query in ("?day=9999-12-31", "?day=0001-01-01", "?day=junk&service=x&status=y"):
        assert staff.get(reverse("servicedesk:appointments") + query).status_code == 200
