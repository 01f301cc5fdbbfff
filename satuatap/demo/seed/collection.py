"""Demo donors with valid-looking (fictional) identifiers, a bank account, fitrah rates and a campaign."""

from satuatap.regions import selectors as regions


def collection_create(admin, finance, units, rng, fake):
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
