"""The demo network: one institution, its offices, and one staff user per role; then its books,
registry and distribution (see the other modules of ``satuatap.demo.seed``)."""

from django.contrib.auth import get_user_model
from faker import Faker

from satuatap.demo.seed.distribution import distribution_create
from satuatap.demo.seed.ledger import ledger_create
from satuatap.demo.seed.registry import registry_create
from satuatap.demo.seed.servicedesk import servicedesk_create
from satuatap.organizations import services as organizations
from satuatap.organizations.models import Role, TimeZone, UnitKind
from satuatap.regions import selectors as regions

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
    # The integrated service office (Kantor Layanan Terpadu Kudus): its counter staff and its head.
    (Role.FRONT_OFFICE, "loket", "service"),
    (Role.HEAD, "kepalalayanan", "service"),
    # The head of the institution: approves the service standards set at the root.
    (Role.HEAD, "ketua", "root"),
]


DISTRICTS = {"PTI": ("Pati", ["Juwana", "Tayu", "Margoyoso"]), "KDS": ("Kudus", ["Jati", "Bae", "Gebog"])}


def network_create():
    """The institution, its offices and staff, then a year of books, the registry and distribution."""
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
    root = organizations.institution_create(
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
    units["region"] = organizations.unit_create(
        actor=admin, parent=root, kind=UnitKind.REGION, name="Wilayah Jawa Tengah", code="JTG"
    )
    for key, code in (("regency_a", "PTI"), ("regency_b", "KDS")):
        city, districts = DISTRICTS[code]
        units[key] = organizations.unit_create(
            actor=admin,
            parent=units["region"],
            kind=UnitKind.AREA,
            name=f"Kantor Kabupaten {city}",
            code=code,
            address=fake.street_address() + f", {city}",
            region=regions.match(regency=f"Kabupaten {city}"),
            phone=fake.phone_number(),
            office_hours="Senin–Sabtu 08.00–15.00",
            time_zone=TimeZone.WIB,
        )
        for n, district in enumerate(districts, start=1):
            units[f"branch_{key[-1]}{n}"] = organizations.unit_create(
                actor=admin,
                parent=units[key],
                kind=UnitKind.BRANCH,
                name=f"Cabang {district}",
                code=f"{code}{n:02d}",
                address=f"{fake.street_address()}, {district}",
                region=regions.match(regency=f"Kabupaten {city}", district=district),
            )
    organizations.unit_create(
        actor=admin, parent=units["regency_a"], kind=UnitKind.CARE, name="Panti Asuhan Darul Ihsan", code="PTIPA1"
    )
    units["service"] = organizations.unit_create(
        actor=admin,
        parent=units["regency_b"],
        kind=UnitKind.SERVICE,
        name="Kantor Layanan Terpadu Kudus",
        code="KDSLY1",
    )
    organizations.unit_create(
        actor=admin, parent=root, kind=UnitKind.DIVISION, name="Divisi Keuangan Pusat", code="KEU"
    )
    staff = {}
    for role, username, unit_key in STAFF:
        if role == Role.ADMIN:
            continue
        staff[username] = user(username)
        organizations.membership_grant(actor=admin, user=staff[username], unit=units[unit_key], role=role)
    ledger_create(admin, staff["keuangan"], units)
    registry_create(admin, staff["program"], units, fake)
    distribution_create(admin, staff, units)
    servicedesk_create(admin, staff, units)
