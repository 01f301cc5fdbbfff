"""Office hours, WhatsApp line hours and closures in the demo, set through the calendar's services.

The integrated service office of Kudus (``units["service"]``, KDSLY1) keeps the hours of the spec:
Monday–Thursday 08:00–12:00 and 13:00–16:00, Friday 08:00–11:30 and 13:30–16:00 (Friday prayers),
Saturday 08:00–12:00; its WhatsApp line answers Monday–Friday 08:00–16:00. The regency office of
Pati (``units["regency_a"]``) opens half a day on Saturdays; Kudus regency keeps Monday–Saturday
08:00–15:00. The network's free-text hours become structured weeks, and the notes say what the
week cannot. One local closure (the office's annual work meeting) lies a few weeks ahead.
"""

from datetime import timedelta

from django.utils import timezone

from satuatap.organizations import services as organizations
from satuatap.organizations.models import ClosureKind, Schedule

WEEKDAYS = range(5)

SERVICE_OFFICE = {
    **{day: [("08:00", "12:00"), ("13:00", "16:00")] for day in range(4)},
    4: [("08:00", "11:30"), ("13:30", "16:00")],
    5: [("08:00", "12:00")],
}
WHATSAPP_LINE = {day: [("08:00", "16:00")] for day in WEEKDAYS}
SATURDAY_HALF_DAYS = {
    **{day: [("08:00", "16:00")] for day in range(4)},
    4: [("08:00", "11:30"), ("13:30", "16:00")],
    5: [("08:00", "12:00")],
}
MONDAY_TO_SATURDAY = {day: [("08:00", "15:00")] for day in range(6)}


def seed(admin, staff, units) -> None:
    service = units.get("service")
    for key, week, note in (
        ("regency_a", SATURDAY_HALF_DAYS, "Sabtu hanya layanan pembayaran zakat."),
        ("regency_b", MONDAY_TO_SATURDAY, ""),
    ):
        if key in units:
            organizations.opening_week_set(actor=admin, unit=units[key], schedule=Schedule.OFFICE, periods=week)
            organizations.unit_update(actor=admin, unit=units[key], office_hours=note)
    if "root" in units:  # the common office week, which its free-text note repeated
        organizations.unit_update(actor=admin, unit=units["root"], office_hours="")
    if service is None:
        return
    organizations.opening_week_set(actor=admin, unit=service, schedule=Schedule.OFFICE, periods=SERVICE_OFFICE)
    organizations.opening_week_set(actor=admin, unit=service, schedule=Schedule.WHATSAPP, periods=WHATSAPP_LINE)
    organizations.unit_update(
        actor=admin, unit=service, office_hours="Pengambilan nomor antrean ditutup 30 menit sebelum jam tutup."
    )
    # The annual work meeting: a Thursday about three weeks ahead.
    day = timezone.localdate() + timedelta(days=21)
    day += timedelta(days=(3 - day.weekday()) % 7)
    organizations.closure_save(
        actor=admin,
        unit=service,
        first_day=day,
        last_day=day,
        kind=ClosureKind.LOCAL,
        name="Rapat kerja tahunan kantor layanan",
    )
