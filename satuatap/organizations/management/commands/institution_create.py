"""Create a new institution (a tree root) with its first administrator."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from satuatap.organizations import services
from satuatap.organizations.models import TimeZone


class Command(BaseCommand):
    help = "Create an institution and make an existing user its first administrator."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--code", required=True, help="2-10 capital letters or digits, e.g. LAZKDS")
        parser.add_argument("--admin", required=True, help="username of the first administrator")
        parser.add_argument("--legal-name", default="")
        parser.add_argument("--npwp", default="")
        parser.add_argument("--legal-basis", default="", help="decree number of the licence")
        parser.add_argument("--time-zone", default=TimeZone.WIB, choices=TimeZone.values)

    def handle(self, *args, **opts):
        try:
            admin = get_user_model().objects.get(username=opts["admin"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {opts['admin']!r}; create it first (createsuperuser).") from None
        try:
            root = services.institution_create(
                actor=None,
                first_admin=admin,
                name=opts["name"],
                code=opts["code"],
                legal_name=opts["legal_name"],
                npwp=opts["npwp"],
                legal_basis=opts["legal_basis"],
                time_zone=opts["time_zone"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(self.style.SUCCESS(f"Institution {root.name} ({root.code}) created; {admin} is its admin."))
