from django.core.management.base import BaseCommand

from satuatap.servicedesk.appointments.tasks import appointments_run


class Command(BaseCommand):
    help = "Queue tomorrow's appointment reminders and mark passed bookings as no-shows (for cron)."

    def handle(self, *args, **options):
        counts = appointments_run()
        self.stdout.write(f"reminders queued {counts['reminded']}, marked no-show {counts['no_show']}")
