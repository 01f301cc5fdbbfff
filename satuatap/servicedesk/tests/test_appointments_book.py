"""Booking, cancelling, no-show marking and the reminder the day before: every refusal at once,
in the person's language, the last place never taken twice, a reminder never sent twice."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import translation

from satuatap.audit.models import AuditEvent
from satuatap.collection.tests.conftest import english_messages  # noqa: F401  (fixture)
from satuatap.organizations.models import Closure
from satuatap.outbox.models import Message
from satuatap.servicedesk.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointments_mark_no_show,
    appointments_remind,
)
from satuatap.servicedesk.errors import AppointmentRefused
from satuatap.servicedesk.models import Appointment, AppointmentStatus
from satuatap.servicedesk.tests import appointments_setup
from satuatap.servicedesk.tests.appointments_setup import CHRISTMAS, EARLY, MONDAY, at

desk = appointments_setup.desk  # the fixture


def book(desk, when, **kwargs):
    data = {"service": desk.kons, "slot_start": when, "name": "Ani", "phone": "0812 3456 789", "now": EARLY}
    return appointment_book(**{**data, **kwargs})


def refusal(exc) -> dict:
    return exc.value.message_dict


def test_a_booking_gets_a_code_and_keeps_the_slot_and_the_contact(desk):
    appointment = book(desk, at(MONDAY, 9, 20), email="ani@example.org", note="  zakat  profesi ")
    assert len(appointment.code) == 10 and appointment.status == AppointmentStatus.BOOKED
    assert appointment.slot_end - appointment.slot_start == timedelta(minutes=20)
    assert appointment.phone == "628123456789" and appointment.note == "zakat profesi"
    assert appointment.unit == desk.unit and appointment.booked_by is None


def test_a_past_slot_is_refused(desk):
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 9), now=at(MONDAY, 9, 5))
    assert refusal(exc)["slot_start"] == ["This time has passed. Choose a later time."]


def test_a_holiday_is_refused_with_its_name_in_indonesian_and_in_english(desk):
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(CHRISTMAS, 9))
    assert "Christmas" in refusal(exc)["slot_start"][0]
    with translation.override("id"), pytest.raises(AppointmentRefused) as exc:
        book(desk, at(CHRISTMAS, 9))
    assert "Natal" in refusal(exc)["slot_start"][0]


def test_a_closure_and_a_sunday_are_refused(desk, world):
    Closure.objects.create(unit=world.branch_a, first_day=MONDAY, last_day=MONDAY, name="Haul Sunan Kudus")
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 9))
    assert "Haul Sunan Kudus" in refusal(exc)["slot_start"][0]
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY + timedelta(days=6), 9))
    assert refusal(exc)["slot_start"][0].startswith("The office is closed on Sunday")


def test_a_time_that_is_not_a_slot_is_refused(desk):
    for when in (at(MONDAY, 9, 10), at(MONDAY, 12, 20), at(MONDAY, 7, 40)):
        with pytest.raises(AppointmentRefused) as exc:
            book(desk, when)
        assert "is not a time that can be booked" in refusal(exc)["slot_start"][0]


def test_a_full_slot_is_refused(desk):
    book(desk, at(MONDAY, 9), phone="081111111")
    book(desk, at(MONDAY, 9), phone="082222222")
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 9), phone="083333333")
    assert refusal(exc)["slot_start"] == ["This time is fully booked. Choose another time."]


def test_a_service_not_by_appointment_is_refused(desk):
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 9), service=desk.zis)
    assert "cannot be booked" in refusal(exc)["service"][0]


def test_a_phone_or_an_email_is_needed_and_must_be_one(desk):
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 9), phone="", email="")
    assert "phone number or an email" in refusal(exc)["phone"][0]
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 9), phone="12", email="not-an-email")
    assert set(refusal(exc)) == {"phone", "email"}


def test_the_same_phone_cannot_book_the_same_service_twice_on_one_day(desk):
    book(desk, at(MONDAY, 9), phone="0812-3456-789")
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(MONDAY, 14), phone="+62 812 3456 789")
    assert "already has a booking" in refusal(exc)["phone"][0]
    book(desk, at(MONDAY + timedelta(days=1), 9), phone="+62 812 3456 789")  # another day is fine


def test_every_refusal_comes_at_once(desk):
    with pytest.raises(AppointmentRefused) as exc:
        book(desk, at(CHRISTMAS, 9), service=desk.zis, name=" ", phone="", email="")
    assert set(refusal(exc)) == {"service", "slot_start", "name", "phone"}


def test_refusals_are_in_indonesian_by_default(desk):
    with translation.override("id"), pytest.raises(AppointmentRefused) as exc:
        book(desk, at(CHRISTMAS, 9))
    assert "Hari Raya Natal" in refusal(exc)["slot_start"][0]


@pytest.mark.django_db(transaction=True)
def test_many_people_racing_for_the_last_places_never_overbook(world):
    from satuatap.servicedesk.models import Service
    from satuatap.servicedesk.tests.appointments_setup import office_hours

    office_hours(world.branch_a)
    service = Service.objects.create(
        unit=world.branch_a, code="KONS", name="Konsultasi", needs_appointment=True, slot_minutes=20, slot_capacity=3
    )
    people = 8
    start = threading.Barrier(people)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait()
            appointment_book(service=service, slot_start=at(MONDAY, 9), name=f"P{index}",
                             phone=f"08123400{index:03d}", now=EARLY)  # fmt: skip
            outcomes.append("booked")
        except AppointmentRefused:
            outcomes.append("full")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    assert outcomes.count("booked") == 3 and outcomes.count("full") == people - 3
    assert Appointment.objects.filter(service=service, slot_start=at(MONDAY, 9)).count() == 3


# --- cancelling -------------------------------------------------------------------------------------------


def test_the_person_cancels_by_code_without_an_audit_event(desk):
    appointment = book(desk, at(MONDAY, 9))
    cancelled = appointment_cancel(code=appointment.code, now=EARLY)
    assert cancelled.status == AppointmentStatus.CANCELLED and cancelled.cancelled_at == EARLY
    assert not AuditEvent.objects.filter(action="appointment.cancelled").exists()


def test_staff_cancel_with_an_audit_event_naming_the_reason(desk, world):
    appointment = book(desk, at(MONDAY, 9))
    appointment_cancel(appointment=appointment, actor=world.frank, reason="asked by phone", now=EARLY)
    event = AuditEvent.objects.get(action="appointment.cancelled")
    assert event.actor == world.frank and event.note == "asked by phone"


def test_a_role_without_service_duty_cannot_cancel(desk, world):
    from django.core.exceptions import PermissionDenied

    appointment = book(desk, at(MONDAY, 9))
    for user in (world.audrey, world.bob):
        with pytest.raises(PermissionDenied):
            appointment_cancel(appointment=appointment, actor=user, now=EARLY)


def test_no_cancelling_after_check_in_or_twice_or_by_an_unknown_code(desk):
    appointment = book(desk, at(MONDAY, 9))
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CHECKED_IN)
    with pytest.raises(AppointmentRefused, match="already checked in"):
        appointment_cancel(code=appointment.code, now=EARLY)
    other = book(desk, at(MONDAY, 10), phone="0899999999")
    appointment_cancel(code=other.code, now=EARLY)
    with pytest.raises(AppointmentRefused, match="already cancelled"):
        appointment_cancel(code=other.code, now=EARLY)
    with pytest.raises(AppointmentRefused, match="No booking has this code"):
        appointment_cancel(code="ABCDEFGHJK", now=EARLY)


def test_the_person_cannot_cancel_a_slot_that_has_passed(desk):
    appointment = book(desk, at(MONDAY, 9))
    with pytest.raises(AppointmentRefused, match="has passed"):
        appointment_cancel(code=appointment.code, now=at(MONDAY, 9, 30))


# --- no-show and reminders --------------------------------------------------------------------------------


def test_bookings_not_checked_in_after_the_late_window_become_no_shows(desk):
    early = book(desk, at(MONDAY, 9), phone="081111111")
    later = book(desk, at(MONDAY, 9, 20), phone="082222222")
    kept = book(desk, at(MONDAY, 9), phone="083333333")
    Appointment.objects.filter(pk=kept.pk).update(status=AppointmentStatus.CHECKED_IN)
    # The default late check-in window is 15 minutes: at 09:20 only the 09:00 booking has missed it.
    assert appointments_mark_no_show(unit=desk.unit, now=at(MONDAY, 9, 20)) == 1
    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses[early.pk] == "no_show" and statuses[later.pk] == "booked" and statuses[kept.pk] == "checked_in"
    assert appointments_mark_no_show(now=at(MONDAY, 16)) == 1


def test_a_reminder_is_queued_the_day_before_once_with_code_time_and_link(desk):
    by_phone = book(desk, at(MONDAY, 9))
    by_email = book(desk, at(MONDAY, 10), phone="", email="budi@example.org")
    later = book(desk, at(MONDAY + timedelta(days=2), 9))
    sunday_evening = at(MONDAY - timedelta(days=1), 19)
    assert appointments_remind(now=sunday_evening) == 2
    assert appointments_remind(now=sunday_evening + timedelta(hours=1)) == 0
    whatsapp = Message.objects.get(reference=f"appointment:{by_phone.pk}")
    assert whatsapp.channel == "whatsapp" and whatsapp.recipient == "628123456789"
    assert by_phone.code in whatsapp.body and "09:00" in whatsapp.body and "Jl. Sunan Kudus 1" in whatsapp.body
    assert f"/janji/kode/{by_phone.code}/" in whatsapp.body
    email = Message.objects.get(reference=f"appointment:{by_email.pk}")
    assert email.channel == "email" and email.recipient == "budi@example.org"
    assert not Message.objects.filter(reference=f"appointment:{later.pk}").exists()
    by_phone.refresh_from_db()
    assert by_phone.reminded_at == sunday_evening


def test_a_cancelled_booking_gets_no_reminder(desk):
    appointment = book(desk, at(MONDAY, 9))
    appointment_cancel(code=appointment.code, now=EARLY)
    assert appointments_remind(now=at(MONDAY - timedelta(days=1), 19)) == 0


def test_the_cron_command_runs_reminders_and_no_shows(desk, capsys):
    call_command("servicedesk_appointments")
    assert "reminders queued 0, marked no-show 0" in capsys.readouterr().out


def test_the_task_runs_the_same(desk):
    from satuatap.servicedesk.appointments.tasks import appointments_task

    result = appointments_task.enqueue()
    assert result.return_value == {"reminded": 0, "no_show": 0}


def test_check_in_marks_a_booking_once_within_its_window(desk):
    from satuatap.servicedesk.appointments.selectors import check_in_window
    from satuatap.servicedesk.appointments.services import appointment_checked_in

    appointment = book(desk, at(MONDAY, 9))
    assert check_in_window(appointment) == (at(MONDAY, 8, 30), at(MONDAY, 9, 15))
    assert appointment_checked_in(appointment=appointment, now=at(MONDAY, 8, 50)) is True
    assert appointment_checked_in(appointment=appointment, now=at(MONDAY, 8, 51)) is False
    appointment.refresh_from_db()
    assert appointment.status == "checked_in" and appointment.checked_in_at == at(MONDAY, 8, 50)
