from django.core.management.base import BaseCommand

from satuatap.servicedesk.appointments.tasks import appointments_run


class Command(BaseCommand):
    help = (
        "Queue tomorrow's appointment reminders and mark passed bookings as no-shows (for cron, e.g. every "
        "15 minutes: */15 * * * * manage.py servicedesk_appointments). Each booking is reminded once."
    )

    def handle(self, *args, **options):
        counts = appointments_run()
        self.stdout.write(f"reminders queued {counts['reminded']}, marked no-show {counts['no_show']}")
