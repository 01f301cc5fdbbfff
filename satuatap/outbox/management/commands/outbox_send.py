from django.core.management.base import BaseCommand

from satuatap.outbox.services import outbox_deliver


class Command(BaseCommand):
    help = "Send the outbox emails that are due (for cron, or when no task worker runs)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Send at most this many messages.")

    def handle(self, *args, limit, **options):
        counts = outbox_deliver(limit=limit)
        self.stdout.write(f"sent {counts['sent']}, will retry {counts['retrying']}, failed for good {counts['failed']}")
