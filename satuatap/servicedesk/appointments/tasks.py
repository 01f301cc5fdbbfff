"""Appointments in the background (the Django Tasks API, like ``satuatap.outbox.tasks``): the
reminders of tomorrow's bookings and the no-show marking of the slots that have passed. Cron runs
the same through ``manage.py servicedesk_appointments``."""

from django_tasks import task

from satuatap.servicedesk.appointments.services import appointments_mark_no_show, appointments_remind


def appointments_run() -> dict[str, int]:
    """Queue tomorrow's reminders and mark the passed bookings as no-shows."""
    return {"reminded": appointments_remind(), "no_show": appointments_mark_no_show()}


@task()
def appointments_task() -> dict[str, int]:
    return appointments_run()
