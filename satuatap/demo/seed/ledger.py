"""A year of demo books for the Pati offices."""

from django.contrib.auth import get_user_model
from faker import Faker

from satuatap.demo.seed.collection import collection_create


def ledger_create(admin, finance, units):
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
    donors, bank = collection_create(admin, finance, units, rng, fake)
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
