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
                region=regions.match(regency=f"Kabupaten {city}"),
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
                    region=regions.match(regency=f"Kabupaten {city}", district=district),
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
        staff = {}
        for role, username, unit_key in STAFF:
            if role == Role.ADMIN:
                continue
            staff[username] = user(username)
            services.membership_grant(actor=admin, user=staff[username], unit=units[unit_key], role=role)
        self._ledger(admin, staff["keuangan"], units)
        self._registry(admin, staff["program"], units, fake)
        self._distribution(admin, staff, units)

    def _collection(self, admin, finance, units, rng, fake):
        """Donors with valid-looking (fictional) identifiers, a bank account, fitrah rates and a campaign."""
        from datetime import date

        from django.utils import timezone

        from satuatap.collection import services as collection
        from satuatap.donors.services import donor_register
        from satuatap.ledger import services as ledger
        from satuatap.ledger.models import AccountRole

        today = timezone.localdate()
        branch = units["branch_a1"]
        bank = ledger.account_create(
            actor=finance,
            institution=units["root"],
            code=f"1210.{branch.code}",
            name=f"BSI {branch.name}",
            role=AccountRole.BANK,
            unit=branch,
            bank_name="Bank Syariah Indonesia",
            bank_account_number="7001234567",
        )
        hijri = collection.hijri_year(today)
        collection.fitrah_rate_set(
            actor=finance, unit=units["regency_a"], hijri_year=hijri - 1, mode="money", amount=45_000
        )
        collection.fitrah_rate_set(
            actor=finance,
            unit=units["regency_a"],
            hijri_year=hijri,
            mode="rice",
            rice_kg="2.5",
            rice_price_per_kg=16_000,
        )
        collection.collection_settings_set(
            actor=admin,
            institution=units["root"],
            gold_price_per_gram=1_650_000,
            gold_price_date=today,
            receipt_note="Semoga Allah memberikan pahala atas apa yang engkau berikan dan memberkahi hartamu.",
        )
        collection.campaign_save(
            actor=finance,
            unit=units["regency_a"],
            code="peduli-banjir-pati",
            name="Peduli Banjir Pati",
            description="Bantuan pangan dan perbaikan rumah warga terdampak banjir.",
            target=150_000_000,
            start_date=date(today.year, 1, 1),
            end_date=date(today.year, 12, 31),
        )
        donors = []
        for n in range(40):
            birth = fake.date_of_birth(minimum_age=22, maximum_age=70)
            female = n % 2 == 1
            day = birth.day + (40 if female else 0)
            nik = f"331801{day:02d}{birth.month:02d}{birth.year % 100:02d}{n + 1:04d}"
            donors.append(
                donor_register(
                    actor=finance,
                    unit=units[rng.choice(["branch_a1", "branch_a2", "branch_a3"])],
                    full_name=fake.name_female() if female else fake.name_male(),
                    nik=nik if n % 3 else "",
                    phone=f"08{rng.choice(['12', '13', '21', '52', '57', '77'])}{rng.randint(10_000_000, 99_999_999)}",
                    email=f"donatur{n + 1}@contoh.invalid" if n % 4 == 0 else "",
                    birth_date=birth,
                    region=regions.match_code({"regency": "Kabupaten Pati"}),  # 33.18
                    consent_whatsapp=n % 2 == 0,
                    consent_email=n % 4 == 0,
                )
            )
        return donors, bank

    def _registry(self, admin, officer, units, fake):
        """Mustahik of the Pati branches: households by KK, a needs standard, assessments, aid given,
        and one person registered twice so the duplicate panel has something to show."""
        import random
        from datetime import date, timedelta

        from django.utils import timezone

        from satuatap.beneficiaries import services as registry
        from satuatap.beneficiaries.models import NeedCategory, Status

        rng = random.Random(2026)
        today = timezone.localdate()
        # Monthly had kifayah per category for the first person and each further member (fictional figures).
        needs = {
            NeedCategory.FOOD: (650_000, 450_000),
            NeedCategory.CLOTHING: (75_000, 50_000),
            NeedCategory.HOUSING: (450_000, 60_000),
            NeedCategory.WORSHIP: (20_000, 15_000),
            NeedCategory.EDUCATION: (0, 150_000),
            NeedCategory.HEALTH: (90_000, 60_000),
            NeedCategory.TRANSPORT: (150_000, 50_000),
        }
        registry.standard_save(
            actor=admin,
            unit=units["root"],
            name=f"Had kifayah Jawa Tengah {today.year}",
            region="Jawa Tengah",
            valid_from=date(today.year, 1, 1),
            amounts={c.value: {"base": base, "per_member": more} for c, (base, more) in needs.items()},
        )
        consent = {"method": "written", "purpose": "assistance", "given_on": today - timedelta(days=30)}
        people = []
        for n in range(12):
            branch = units[f"branch_a{n % 3 + 1}"]
            birth = fake.date_of_birth(minimum_age=30, maximum_age=75)
            female = n % 2 == 1
            nik = f"331801{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{n + 101:04d}"
            kk = f"33180112{(n % 12) + 1:02d}{15 + n % 8:02d}{n + 1:04d}"
            # A real village of the branch's district (Kemendagri code); the names follow from it.
            district = regions.match(regency="Kabupaten Pati", district=branch.name.removeprefix("Cabang "))
            villages = regions.children(district.code if district else "33.18")
            village_codes = list(villages.values_list("code", flat=True))
            village = village_codes[n % len(village_codes)] if village_codes else ""
            head = registry.beneficiary_register(
                actor=officer,
                unit=branch,
                consent=consent,
                full_name=fake.name_female() if female else fake.name_male(),
                nik=nik,
                kk=kk,
                relation="head",
                single_parent=female and n % 4 == 1,
                birth_date=birth,
                birth_place="Pati",
                sex="F" if female else "M",
                phone=f"0812{rng.randint(10_000_000, 99_999_999)}",
                region=village,
                rt=f"{rng.randint(1, 9):03d}",
                rw=f"{rng.randint(1, 5):03d}",
                has_disability=n % 5 == 0,
                chronic_illness=n % 4 == 0,
            )
            people.append(head)
            child_birth = date(today.year - rng.randint(6, 15), rng.randint(1, 12), rng.randint(1, 28))
            registry.beneficiary_register(
                actor=officer,
                unit=branch,
                consent={**consent, "guardian_name": head.full_name, "guardian_relation": "orang tua"},
                full_name=f"{fake.first_name()} {fake.last_name()}",
                kk=kk,
                relation="child",
                birth_date=child_birth,
                sex=rng.choice(["M", "F"]),
                region=village,
                is_orphan=n % 6 == 0,
            )
        for n, person in enumerate(people[:8]):
            registry.assessment_record(
                actor=officer,
                beneficiary=person,
                unit=person.registered_unit,
                assessed_on=today - timedelta(days=20 - n),
                household_size=2 + n % 4,
                dependants=1 + n % 3,
                monthly_income=rng.choice([400_000, 750_000, 1_200_000, 1_800_000, 2_500_000]),
                income_sources=rng.choice(["buruh tani", "pedagang keliling", "ojek", "buruh harian"]),
                housing=rng.choice(["owned", "rented", "family"]),
                housing_condition=rng.choice(["fair", "poor", "unfit"]),
                assets_value=rng.choice([0, 2_000_000, 6_000_000]),
                debts=rng.choice([0, 1_500_000, 8_000_000]),
            )
        for n, person in enumerate(people[:5]):
            registry.beneficiary_update(
                actor=officer, beneficiary=person, asnaf="miskin" if n % 2 else "fakir",
                asnaf_reason="Penghasilan keluarga di bawah had kifayah hasil asesmen.",
            )  # fmt: skip
            registry.status_change(actor=officer, beneficiary=person, to_status=Status.VERIFIED, reason="Survei rumah")
            registry.status_change(actor=officer, beneficiary=person, to_status=Status.ACTIVE, reason="Disetujui")
            registry.aid_record(
                actor=officer,
                beneficiary=person,
                unit=person.registered_unit,
                given_on=today - timedelta(days=10 + n),
                program="Santunan sembako",
                amount=250_000,
                description="Paket sembako dan uang tunai",
            )
        # The first person registered again at another branch, without NIK, as often happens.
        first = people[0]
        registry.beneficiary_register(
            actor=officer,
            unit=units["branch_a3"] if first.registered_unit != units["branch_a3"] else units["branch_a2"],
            consent=consent,
            full_name=first.full_name.upper(),
            birth_date=first.birth_date,
            sex=first.sex,
            village=first.village,
            region=first.region_id,
            phone=first.phone,
        )

    def _distribution(self, admin, staff, units):
        """A zakat food-aid program of the Pati office, authority limits, and applications of the
        verified people at every stage: one paid, one approved, one waiting for the head."""
        from datetime import date

        from django.utils import timezone

        from satuatap.beneficiaries.models import Beneficiary, Status
        from satuatap.distribution import services as distribution
        from satuatap.ledger.services import cash_account
        from satuatap.organizations.models import Role

        today = timezone.localdate()
        distribution.authority_limit_set(actor=admin, unit=units["regency_a"], role=Role.HEAD, max_amount=10_000_000)
        distribution.authority_limit_set(actor=admin, unit=units["root"], role=Role.HEAD, max_amount=500_000_000)
        program = distribution.program_save(
            actor=admin,
            unit=units["regency_a"],
            code="sembako-pati",
            name="Santunan sembako Pati",
            pillar="humanitarian",
            fund_kind="zakat",
            asnaf=["fakir", "miskin"],
            budget=60_000_000,
            target_people=120,
            start_date=date(today.year, 1, 1),
            end_date=date(today.year, 12, 31),
            once_per_months=3,
        )
        people = Beneficiary.objects.filter(status=Status.ACTIVE).order_by("pk")[:3]
        officer, head, finance = staff["program"], staff["kepala"], staff["keuangan"]
        for n, person in enumerate(people):
            application = distribution.application_submit(
                actor=officer,
                unit=person.registered_unit,
                program=program,
                beneficiary=person,
                need="Paket sembako dan uang belanja bulan ini",
                requested_amount=350_000,
            )
            application = distribution.application_screen(actor=officer, application=application, note="Berkas lengkap")
            application = distribution.application_assess(actor=officer, application=application)
            application = distribution.application_recommend(
                actor=officer, application=application, amount=300_000, note="Sesuai hasil asesmen"
            )
            if n == 2:
                continue  # waiting for the head
            application = distribution.application_decide(actor=head, application=application, approve=True)
            if n == 0:
                distribution.disbursement_pay(
                    actor=finance,
                    application=application,
                    amount=300_000,
                    money_account=cash_account(application.unit),
                    reference="Tunai di kantor",
                )
        self._distribution_more(admin, staff, units, people)

    def _distribution_more(self, admin, staff, units, people):
        """A scholarship open to online applications, an interest-free loan paid and partly repaid,
        and rice bought into the stock of the Pati office."""
        from datetime import date

        from django.utils import timezone

        from satuatap.distribution import loans, stock
        from satuatap.distribution import services as distribution
        from satuatap.ledger.services import cash_account

        today = timezone.localdate()
        officer, head, finance = staff["program"], staff["kepala"], staff["keuangan"]
        year = {"start_date": date(today.year, 1, 1), "end_date": date(today.year, 12, 31)}
        distribution.program_save(
            actor=admin,
            unit=units["regency_a"],
            code="beasiswa-pati",
            name="Beasiswa pelajar dhuafa",
            pillar="education",
            fund_kind="zakat",
            asnaf=["fakir", "miskin", "fisabilillah"],
            budget=40_000_000,
            target_people=40,
            required_documents=["ktp", "kk"],
            is_public=True,
            **year,
        )
        loan_program = distribution.program_save(
            actor=admin,
            unit=units["regency_a"],
            code="modal-usaha-pati",
            name="Pinjaman modal usaha mikro",
            pillar="economy",
            fund_kind="zakat",
            asnaf=["fakir", "miskin", "gharimin"],
            aid_kind="loan",
            installments=10,
            budget=30_000_000,
            **year,
        )
        person = people[1]
        application = distribution.application_submit(
            actor=officer,
            unit=person.registered_unit,
            program=loan_program,
            beneficiary=person,
            need="Modal gerobak bakso",
            requested_amount=1_000_000,
        )
        application = distribution.application_screen(actor=officer, application=application, note="Lengkap")
        application = distribution.application_assess(actor=officer, application=application)
        application = distribution.application_recommend(actor=officer, application=application, amount=1_000_000)
        application = distribution.application_decide(
            actor=head, application=application, approve=True, override_reason="Program berbeda, kebutuhan usaha"
        )
        cash = cash_account(application.unit)
        paid = distribution.disbursement_pay(
            actor=finance, application=application, amount=1_000_000, money_account=cash, reference="Tunai"
        )
        loans.loan_repay(actor=finance, loan=paid.loan, amount=100_000, money_account=cash, reference="Angsuran 1")
        rice = stock.stock_item_save(actor=admin, unit=units["regency_a"], name="Beras premium", measure="kg")
        stock.stock_purchase(
            actor=finance,
            unit=person.registered_unit,
            item=rice,
            fund_kind="zakat",
            quantity=100,
            value=1_500_000,
            money_account=cash,
            note="Beras untuk paket sembako",
        )
        self._restricted_infak(admin, staff, units, people[0])

    def _restricted_infak(self, admin, staff, units, person):
        """Infak restricted to an orphan program of the Pati office: a campaign raising for it,
        gifts at the Juwana counter (for the program and for the campaign), and one payment from it,
        so the fund positions, the programs page and the counter show one pot per program."""
        from datetime import date, timedelta

        from django.utils import timezone

        from satuatap.collection import services as collection
        from satuatap.collection.services import DonationLineSpec
        from satuatap.distribution import services as distribution
        from satuatap.donors.models import Donor
        from satuatap.ledger.services import cash_account

        today = timezone.localdate()
        officer, head, finance = staff["program"], staff["kepala"], staff["keuangan"]
        year = {"start_date": date(today.year, 1, 1), "end_date": date(today.year, 12, 31)}
        program = distribution.program_save(
            actor=admin,
            unit=units["regency_a"],
            code="santunan-yatim",
            name="Santunan Anak Yatim",
            description="Uang sekolah dan kebutuhan bulanan anak yatim dari infak yang diberikan khusus untuk mereka.",
            pillar="social_dawah",
            fund_kind="infak_restricted",
            budget=25_000_000,
            target_people=50,
            **year,
        )
        campaign = collection.campaign_save(
            actor=finance,
            unit=units["regency_a"],
            code="ramadan-ceria-yatim",
            name="Ramadan Ceria Anak Yatim",
            description="Galang dana untuk program Santunan Anak Yatim.",
            target=20_000_000,
            program=program.code,
            **year,
        )
        branch = units["branch_a1"]
        amil = get_user_model().objects.get(username="amil")
        donors = list(Donor.objects.filter(institution=units["root"]).order_by("pk")[:5])
        gifts = [
            ({"program": program.restriction}, 1_000_000),
            ({"program": program.restriction}, 500_000),
            ({"campaign": campaign.pk}, 2_500_000),
            ({"campaign": campaign.pk}, 750_000),
            ({"program": program.restriction}, 250_000),
        ]
        for n, (donor, (purpose, amount)) in enumerate(zip(donors, gifts, strict=True)):
            collection.donation_record(
                actor=amil,
                unit=branch,
                donor=donor,
                donation_date=max(today - timedelta(days=10 - 2 * n), date(today.year, 1, 1)),
                channel="cash",
                lines=[DonationLineSpec("infak", amount, **purpose)],
                idempotency_key=f"demo:yatim:{n}",
            )
        application = distribution.application_submit(
            actor=officer,
            unit=person.registered_unit,
            program=program,
            beneficiary=person,
            need="Biaya sekolah anak yatim dalam keluarga ini",
            requested_amount=750_000,
        )
        application = distribution.application_screen(actor=officer, application=application, note="Berkas lengkap")
        application = distribution.application_assess(actor=officer, application=application)
        application = distribution.application_recommend(actor=officer, application=application, amount=750_000)
        application = distribution.application_decide(
            actor=head,
            application=application,
            approve=True,
            override_reason="Santunan anak yatim dari infak khusus, di luar paket sembako",
        )
        distribution.disbursement_pay(
            actor=finance,
            application=application,
            amount=750_000,
            money_account=cash_account(application.unit),
            reference="Tunai di kantor",
        )

    def _ledger(self, admin, finance, units):
        """A year of small, plausible books for the Pati offices, so the ledger pages have something to show."""
        import random
        from datetime import date

        from django.utils import timezone

        from satuatap.collection.services import DonationLineSpec, donation_record
        from satuatap.ledger import services as ledger

        ledger.chart_create_default(actor=admin, institution=units["root"])
        rng = random.Random(2026)
        fake = Faker("id_ID")
        fake.seed_instance(109)
        today = timezone.localdate()
        branches = [units[f"branch_a{n}"] for n in (1, 2, 3)]
        lines = ledger.LineSpec
        donors, bank = self._collection(admin, finance, units, rng, fake)
        amil = get_user_model().objects.get(username="amil")
        for month in range(1, today.month + 1):
            for branch in branches:
                for n in range(rng.randint(3, 6)):
                    day = date(today.year, month, min(28, rng.randint(1, 28)))
                    if day > today:
                        continue
                    zakat = rng.choice([250_000, 500_000, 1_250_000, 2_500_000, 5_000_000])
                    infak = rng.choice([0, 50_000, 100_000, 250_000])
                    donation_lines = [DonationLineSpec(rng.choice(["zakat_maal", "zakat_income"]), zakat)]
                    if infak:
                        donation_lines.append(DonationLineSpec("infak", infak))
                    by_bank = branch == branches[0] and n % 3 == 0
                    donation_record(
                        actor=amil if branch == branches[0] else finance,
                        unit=branch,
                        donor=rng.choice(donors),
                        donation_date=day,
                        channel="bank_transfer" if by_bank else "cash",
                        bank_account=bank if by_bank else None,
                        bank_reference=f"TRF{month:02d}{n:03d}" if by_bank else "",
                        lines=donation_lines,
                        idempotency_key=f"demo:{branch.code}:{month}:{n}",
                    )
            if date(today.year, month, 28) <= today or month < today.month:
                for branch in branches:
                    ledger.amil_share_allocate(actor=finance, unit=branch, year=today.year, month=month)
        branch = branches[0]
        paid = date(today.year, max(1, today.month - 1), 15)
        ledger.entry_post(
            actor=finance,
            unit=branch,
            entry_date=paid,
            source="disbursement",
            source_ref="DEMO-SALUR-1",
            idempotency_key="demo:disbursement:1",
            memo="Bantuan biaya hidup keluarga miskin",
            lines=[lines("5102", "zakat", debit=1_500_000), lines(f"1100.{branch.code}", "zakat", credit=1_500_000)],
        )
        ledger.transfer_post(
            actor=finance,
            from_unit=branch,
            to_unit=units["regency_a"],
            fund="zakat",
            amount=2_000_000,
            kind=ledger.TransferKind.REMIT,
            memo="Setoran zakat ke kantor kabupaten",
            idempotency_key="demo:transfer:1",
            entry_date=paid,
        )
