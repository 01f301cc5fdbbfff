"""Load a fictional demo network: one institution, its offices, and one staff user per role.

Idempotent: running it again changes nothing. Names come from Faker's id_ID
locale with a fixed seed; no real person's data is used. The data is written in
``satuatap.demo.seed``.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from satuatap.demo.seed import DEMO_CODE, DEMO_PASSWORD, STAFF, network_create
from satuatap.organizations.models import Role, Unit


class Command(BaseCommand):
    help = "Create the demo network and demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any institution exists.")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Unit.objects.exists():
            self.stdout.write("Database already has data; demo not loaded.")
            return
        if Unit.objects.filter(depth=1, code=DEMO_CODE).exists():
            self.stdout.write("Demo network already present.")
        else:
            self._create()
            self.stdout.write(self.style.SUCCESS("Demo network created."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, username, _unit in STAFF:
            self.stdout.write(f"  {username:<10} {Role(role).label}")

    @transaction.atomic
    def _create(self):
        network_create()
