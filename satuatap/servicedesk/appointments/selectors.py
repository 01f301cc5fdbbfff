"""Reads of appointments: a service's slots on a day (cut from the unit's office hours by the
service's slot length, each taking ``slot_capacity`` people less its active bookings), the days a
person can still book, a booking by its code, and the staff's lists and no-show figures, scoped to
the units where the user holds ``servicedesk.view``.

A slot is offered only on a working day of the unit's calendar (no weekend, national holiday,
collective leave or closure) and only while it has not started.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from satuatap.core.throttle import Rate
from satuatap.core.tracking import code_clean
from satuatap.organizations.models import Unit
from satuatap.organizations.selectors import UnitCalendar, calendar_for, scoped
from satuatap.servicedesk.catalogue.selectors import desk_settings, services_offered
from satuatap.servicedesk.models import Appointment, AppointmentStatus, Service

__all__ = [
    "ACTIVE",
    "BOOKING_HORIZON_DAYS",
    "BOOK_RATE",
    "FIRST_DAY",
    "LAST_DAY",
    "LOOKUP_RATE",
    "VIEW",
    "Slot",
    "WeekFigures",
    "appointment_by_code",
    "appointment_for",
    "appointments_for",
    "booking_url",
    "bookable_services",
    "check_in_window",
    "days_open",
    "no_show_figures",
    "service_at",
    "service_for",
    "slot_at",
    "slots_for",
]

VIEW = "servicedesk.view"
# Bookings that hold a place in their slot.
ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)
# How far ahead a person may book.
BOOKING_HORIZON_DAYS = 60
# Per address: bookings sent, and lookups of codes and slots (pages and API alike).
BOOK_RATE = Rate(count=20, seconds=3600)
LOOKUP_RATE = Rate(count=60, seconds=600)
# Days a query may name (beyond them date arithmetic overflows; nobody books there).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    capacity: int
    taken: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.left == 0

    @property
    def key(self) -> str:
        """The slot as a form value: its local start, ``2026-12-08T08:00``."""
        return self.start.strftime("%Y-%m-%dT%H:%M")


def _cut(service: Service, periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The slots of the open periods: whole slots only (a period's remainder is not a slot)."""
    step = timedelta(minutes=service.slot_minutes)
    cuts = []
    for opens, closes in periods:
        start = opens
        while start + step <= closes:
            cuts.append((start, start + step))
            start += step
    return cuts


def _taken(service: Service, start: datetime, end: datetime) -> dict[datetime, int]:
    rows = (
        Appointment.objects.filter(service=service, status__in=ACTIVE, slot_start__gte=start, slot_start__lt=end)
        .values("slot_start")
        .annotate(n=Count("id"))
        .values_list("slot_start", "n")
    )
    return dict(rows)


def slots_for(
    service: Service, day: date, *, now: datetime | None = None, calendar: UnitCalendar | None = None
) -> list[Slot]:
    """The slots of ``service`` on ``day`` that have not started, with the places left in each;
    [] on a day the unit is closed."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return []
    calendar = calendar or calendar_for(service.unit)
    periods = calendar.periods_on(day)
    if not periods or service.slot_minutes < 5:
        return []
    moment = now or timezone.now()
    taken = _taken(service, periods[0][0], periods[-1][1])
    return [
        Slot(start=start, end=end, capacity=service.slot_capacity, taken=taken.get(start, 0))
        for start, end in _cut(service, periods)
        if start > moment
    ]


def slot_at(
    service: Service, start: datetime, *, calendar: UnitCalendar | None = None
) -> tuple[datetime, datetime] | None:
    """The slot of ``service`` that begins at ``start`` (any day, past or not), or None when no slot
    begins then."""
    calendar = calendar or calendar_for(service.unit)
    local = calendar.local(start)
    for begin, end in _cut(service, calendar.periods_on(local.date())):
        if begin == local:
            return begin, end
    return None


def days_open(service: Service, start: date, n: int, *, now: datetime | None = None) -> list[tuple[date, int]]:
    """The next ``n`` working days from ``start`` (inclusive) with a free place, and how many places
    each has left, within ``BOOKING_HORIZON_DAYS``."""
    calendar = calendar_for(service.unit)
    moment = now or timezone.now()
    last = start + timedelta(days=BOOKING_HORIZON_DAYS)
    window_start = datetime.combine(start, datetime.min.time(), tzinfo=calendar.tz)
    window_end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=calendar.tz)
    taken = _taken(service, window_start, window_end)
    found: list[tuple[date, int]] = []
    for day in calendar.working_days(start, last):
        left = sum(
            max(service.slot_capacity - taken.get(begin, 0), 0)
            for begin, _end in _cut(service, calendar.periods_on(day))
            if begin > moment
        )
        if left:
            found.append((day, left))
            if len(found) >= n:
                break
    return found


def bookable_services(unit: Unit) -> QuerySet[Service]:
    """The services of ``unit`` a person may book (by appointment, active)."""
    return services_offered(unit, appointment=True)


def check_in_window(appointment: Appointment) -> tuple[datetime, datetime]:
    """From when to when the booking may check in at the kiosk: the unit's early and late limits
    around its slot's start (``DeskSettings``)."""
    settings_ = desk_settings(appointment.unit)
    return (
        appointment.slot_start - timedelta(minutes=settings_.early_check_in_minutes),
        appointment.slot_start + timedelta(minutes=settings_.late_check_in_minutes),
    )


def service_at(unit: Unit, code: str) -> Service | None:
    """The active service of ``unit`` with ``code`` (any case), by appointment or not: booking a
    service that is not says why."""
    return Service.objects.filter(unit=unit, is_active=True, code=(code or "").strip().upper()[:10]).first()


def appointment_by_code(raw) -> Appointment | None:
    """The booking with this code as people type it; None for an unknown code or junk."""
    code = code_clean(raw)
    if not code:
        return None
    return Appointment.objects.select_related("service", "unit", "unit__institution").filter(code=code).first()


def booking_url(code: str, request=None) -> str:
    """The absolute address of a booking's page (for the QR, the reminder and the calendar)."""
    path = reverse("servicedesk:booking", args=[code])
    if settings.SATUATAP_PUBLIC_URL:
        return settings.SATUATAP_PUBLIC_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    return f"https://{host}{path}"


# --- staff ---------------------------------------------------------------------------------------------


def appointments_for(
    user,
    *,
    unit: Unit | None = None,
    day: date | None = None,
    service: Service | int | None = None,
    status: str = "",
) -> QuerySet[Appointment]:
    """Bookings in the user's units (``servicedesk.view``), of ``unit`` itself when given, on the
    unit's local ``day``, of one service or status."""
    rows = scoped(Appointment.objects.select_related("service", "unit", "booked_by"), user, VIEW)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if day is not None:
        if not FIRST_DAY <= day <= LAST_DAY:
            return rows.none()
        tz = unit.tzinfo if unit is not None else timezone.get_current_timezone()
        begin = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        rows = rows.filter(slot_start__gte=begin, slot_start__lt=begin + timedelta(days=1))
    if service is not None:
        rows = rows.filter(service=service)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("slot_start", "id")


def service_for(user, pk) -> Service:
    """A service by appointment of the user's units (``servicedesk.view``); 404 otherwise."""
    from django.http import Http404

    try:
        return scoped(Service.objects.select_related("unit"), user, VIEW).get(pk=pk, needs_appointment=True)
    except (Service.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def appointment_for(user, pk) -> Appointment:
    """The booking with ``pk`` if it is in the user's units; 404 otherwise."""
    from django.http import Http404

    try:
        return appointments_for(user).get(pk=pk)
    except (Appointment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


@dataclass
class WeekFigures:
    week: date  # the Monday
    service: str
    booked: int = 0  # every booking made for a slot of the week
    kept: int = 0  # checked in
    cancelled: int = 0
    no_show: int = 0
    waiting: int = 0  # still booked (the slot is ahead, or not yet marked)

    @property
    def no_show_share(self) -> int | None:
        """No-shows of the bookings that were due (kept or not), in whole percent."""
        due = self.kept + self.no_show
        return round(100 * self.no_show / due) if due else None


def no_show_figures(unit: Unit, start: date, end: date) -> list[WeekFigures]:
    """Per week (Monday) and service of ``unit``, from ``start`` to ``end`` inclusive: bookings, kept,
    cancelled, no-show and still waiting."""
    tz = unit.tzinfo
    begin = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    finish = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    rows = (
        Appointment.objects.filter(unit=unit, slot_start__gte=begin, slot_start__lt=finish)
        .annotate(day=TruncDate("slot_start", tzinfo=tz))
        .values("day", "service__name", "status")
        .annotate(n=Count("id"))
    )
    weeks: dict[tuple[date, str], WeekFigures] = defaultdict(lambda: WeekFigures(week=start, service=""))
    for row in rows:
        monday = row["day"] - timedelta(days=row["day"].weekday())
        key = (monday, row["service__name"])
        figures = weeks[key]
        figures.week, figures.service = key
        figures.booked += row["n"]
        if row["status"] == AppointmentStatus.CHECKED_IN:
            figures.kept += row["n"]
        elif row["status"] == AppointmentStatus.CANCELLED:
            figures.cancelled += row["n"]
        elif row["status"] == AppointmentStatus.NO_SHOW:
            figures.no_show += row["n"]
        else:
            figures.waiting += row["n"]
    return sorted(weeks.values(), key=lambda f: (f.week, f.service), reverse=False)
