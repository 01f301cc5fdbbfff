"""List the addresses whose typed region names match no official area (to correct by hand)."""

from django.core.management.base import BaseCommand

from satuatap.regions.services import address_models, unmatched


class Command(BaseCommand):
    help = "List addresses whose province/regency/district/village names match no official area code."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many rows per kind (0: all).")

    def handle(self, *args, limit, **options):
        total = 0
        for model in address_models():
            rows = unmatched(model)
            count = rows.count()
            total += count
            self.stdout.write(f"{model._meta.label}: {count} unmatched")
            for pk, *names in rows[:limit] if limit else rows:
                self.stdout.write(f"  {pk}\t" + " | ".join(n or "-" for n in names))
        self.stdout.write(f"Total unmatched: {total}")
