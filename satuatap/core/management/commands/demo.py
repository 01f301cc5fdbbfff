"""Load a fictional demo network: one institution, its offices, and one staff user per role.

Idempotent: running it again changes nothing. Names come from Faker's id_ID
locale with a fixed seed; no real person's data is used.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from faker import Faker

from satuatap.organizations import services
from satuatap.organizations.models import Role, TimeZone, Unit, UnitKind

DEMO_CODE = "DEMO"
DEMO_PASSWORD = "demo-satuatap-2026"

# (role, username, unit key)
STAFF = [
    (Role.ADMIN, "admin", "root"),
    (Role.HEAD, "kepala", "regency_a"),
    (Role.FINANCE, "keuangan", "regency_a"),
    (Role.FRONT_OFFICE, "amil", "branch_a1"),
    (Role.PROGRAM, "program", "regency_a"),
    (Role.AUDITOR, "auditor", "region"),
]


DISTRICTS = {"PTI": ("Pati", ["Juwana", "Tayu", "Margoyoso"]), "KDS": ("Kudus", ["Jati", "Bae", "Gebog"])}


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
        fake = Faker("id_ID")
        fake.seed_instance(2026)
        User = get_user_model()

        def user(username):
            account, _created = User.objects.get_or_create(
                username=username, defaults={"full_name": fake.name(), "email": f"{username}@demo.satuatap.invalid"}
            )
            account.set_password(DEMO_PASSWORD)
            account.save()
            return account

        admin = user("admin")
        root = services.institution_create(
            actor=None,
            first_admin=admin,
            name="LAZ Satu Atap Demo",
            code=DEMO_CODE,
            legal_name="Yayasan Lembaga Amil Zakat Satu Atap Demo",
            npwp="01.234.567.8-901.000",
            legal_basis="SK Menteri Agama No. 000 Tahun 2026 (fiktif)",
            address=fake.address(),
            phone=fake.phone_number(),
            office_hours="Senin–Jumat 08.00–16.00",
        )
        units = {"root": root}
        units["region"] = services.unit_create(
            actor=admin, parent=root, kind=UnitKind.REGION, name="Wilayah Jawa Tengah", code="JTG"
        )
        for key, code in (("regency_a", "PTI"), ("regency_b", "KDS")):
            city, districts = DISTRICTS[code]
            units[key] = services.unit_create(
                actor=admin,
                parent=units["region"],
                kind=UnitKind.AREA,
                name=f"Kantor Kabupaten {city}",
                code=code,
                address=fake.street_address() + f", {city}",
                phone=fake.phone_number(),
                office_hours="Senin–Sabtu 08.00–15.00",
                time_zone=TimeZone.WIB,
            )
            for n, district in enumerate(districts, start=1):
                units[f"branch_{key[-1]}{n}"] = services.unit_create(
                    actor=admin,
                    parent=units[key],
                    kind=UnitKind.BRANCH,
                    name=f"Cabang {district}",
                    code=f"{code}{n:02d}",
                    address=f"{fake.street_address()}, {district}",
                )
        services.unit_create(
            actor=admin, parent=units["regency_a"], kind=UnitKind.CARE, name="Panti Asuhan Darul Ihsan", code="PTIPA1"
        )
        services.unit_create(
            actor=admin,
            parent=units["regency_b"],
            kind=UnitKind.SERVICE,
            name="Kantor Layanan Terpadu Kudus",
            code="KDSLY1",
        )
        services.unit_create(actor=admin, parent=root, kind=UnitKind.DIVISION, name="Divisi Keuangan Pusat", code="KEU")
        for role, username, unit_key in STAFF:
            if role == Role.ADMIN:
                continue
            services.membership_grant(actor=admin, user=user(username), unit=units[unit_key], role=role)
