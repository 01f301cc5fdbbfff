"""Demo mustahik of the Pati branches."""

from satuatap.regions import selectors as regions


def registry_create(admin, officer, units, fake):
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
