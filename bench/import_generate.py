"""The donations file the import benchmark reads, and what it needs in the benchmark database.

    python -m bench.import_generate [--rows 100000] [--out var/bench/import-donations.csv]

``prepare(root)`` makes sure the benchmark institution has what such a file names:
a finance clerk, a bank account at the first branch, zakat fitrah rates for the
Hijri years the dates fall in, a campaign, and 20,000 donors (each with a phone
number). It only adds what is missing, so a second run reuses them.

``donation_rows(...)`` simulates a branch's old spreadsheet, seeded, in the
template's columns with Indonesian headers and ``;`` between columns: dates in
the last 300 days (after the generated year), donors named by donor number (90%), by phone (5%) or new
(name and a phone nobody has, 5%); zakat maal, penghasilan and fitrah (persons),
infak (plain, for a program, for a campaign), fidyah; cash, transfer and QRIS.
Every row is valid, so the benchmark saves all of them.
"""

import argparse
import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from bench.generate import PROGRAMS, RESULTS_DIR, YEAR, restricted_programs

SEED = 2026
DONORS = 20_000
BRANCH_BANK = "1210.{code}"
CAMPAIGN = "bench-sumur"
HEADER = [
    "Tanggal",
    "Nomor donatur",
    "NIK",
    "HP",
    "Nama donatur",
    "Jenis",
    "Jumlah",
    "Cara bayar",
    "Kode rekening bank",
    "Referensi",
    "Kode kampanye",
    "Program",
    "Jiwa",
    "Catatan",
]
FIRST_NAMES = [
    "Ahmad",
    "Siti",
    "Muhammad",
    "Nur",
    "Dewi",
    "Budi",
    "Rina",
    "Agus",
    "Fitri",
    "Hendra",
    "Lestari",
    "Yusuf",
]
LAST_NAMES = ["Hidayat", "Aminah", "Saputra", "Wulandari", "Pratama", "Rahmawati", "Nugroho", "Halim", "Siregar"]
AMOUNTS = [20_000, 50_000, 100_000, 150_000, 250_000, 500_000, 1_000_000, 2_500_000]


def _phone(n: int) -> str:
    return f"0812{n:08d}"


def prepare(root):
    """The clerk, branch, bank account, rates, campaign and donors of the benchmark; returns them."""
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from satuatap.collection.imports.common import donors_create_bulk
    from satuatap.collection.models import Campaign, FitrahRate
    from satuatap.collection.services import campaign_save, fitrah_rate_set, hijri_year
    from satuatap.donors.models import Donor
    from satuatap.ledger.models import Account, AccountRole
    from satuatap.ledger.services import account_create
    from satuatap.organizations.models import Membership, Role, Unit, UnitKind
    from satuatap.organizations.permissions import forget_memberships

    clerk, _created = get_user_model().objects.get_or_create(
        username="bench-finance", defaults={"full_name": "Benchmark finance"}
    )
    Membership.objects.get_or_create(user=clerk, unit=root, role=Role.FINANCE, is_active=True)
    forget_memberships(clerk)
    branch = Unit.objects.filter(institution=root, kind=UnitKind.BRANCH).order_by("path").first()
    code = BRANCH_BANK.format(code=branch.code)
    bank = Account.objects.filter(institution=root, code=code).first() or account_create(
        actor=clerk,
        institution=root,
        code=code,
        name=f"Bank {branch.name}",
        role=AccountRole.BANK,
        unit=branch,
        bank_name="Bank Syariah Indonesia",
        bank_account_number="7000000001",
    )
    today = timezone.localdate()
    # After the generated year, so that its figures (and the ledger benchmark's line count) never move.
    start = max(today - timedelta(days=300), date(YEAR + 1, 1, 1))
    for year in sorted({hijri_year(start), hijri_year(today)}):
        if not FitrahRate.objects.filter(unit=root, hijri_year=year).exists():
            fitrah_rate_set(actor=clerk, unit=root, hijri_year=year, mode="money", amount=45_000)
    restricted_programs(root)  # the programs the "Program" column names by code
    if not Campaign.objects.filter(institution=root, code=CAMPAIGN).exists():
        campaign_save(
            actor=clerk,
            unit=root,
            code=CAMPAIGN,
            name="Sumur untuk NTT",
            target=5_000_000_000,
            start_date=start - timedelta(days=30),
            end_date=today + timedelta(days=365),
        )
    have = Donor.objects.filter(institution=root, registered_unit=branch, phone__startswith="+62812").count()
    if have < DONORS:
        from django.db import transaction

        with transaction.atomic():
            donors_create_bulk(
                actor=clerk,
                unit=branch,
                rows=[{"full_name": f"Donatur {n:05d}", "phone": f"+62{_phone(n)[1:]}"} for n in range(have, DONORS)],
            )
    donors = list(
        Donor.objects.filter(institution=root, registered_unit=branch, phone__startswith="+62812")
        .order_by("pk")
        .values_list("number", "phone")[:DONORS]
    )
    days = max(1, (today - start).days)
    return SimpleNamespace(clerk=clerk, branch=branch, bank=bank, donors=donors, start=start, today=today, days=days)


def donation_rows(count: int, *, donors: list[tuple[str, str]], bank_code: str, start: date, days: int, seed=SEED):
    """``count`` valid rows (lists of strings) in the order of ``HEADER``."""
    rng = random.Random(seed)
    new_phone = 90_000_000
    for n in range(count):
        day = start + timedelta(days=rng.randrange(days))
        number, phone, name = "", "", ""
        pick = rng.random()
        if pick < 0.90:
            number = rng.choice(donors)[0]
        elif pick < 0.95:
            phone = "0" + rng.choice(donors)[1][3:]
        else:
            new_phone += 1
            phone, name = _phone(new_phone), f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        kind, amount, campaign, program, persons = "Zakat maal", rng.choice(AMOUNTS), "", "", ""
        pick = rng.random()
        if pick < 0.30:
            kind = "Infak/sedekah"
        elif pick < 0.45:
            kind = "Zakat penghasilan"
        elif pick < 0.50:
            kind, campaign = "Infak/sedekah", CAMPAIGN
        elif pick < 0.55:
            kind, program = "Infak/sedekah", rng.choice([PROGRAMS[0], PROGRAMS[1].title(), PROGRAMS[2].lower()])
        elif pick < 0.60:
            kind, amount, persons = "Zakat fitrah", "", str(rng.randint(1, 6))
        elif pick < 0.63:
            kind = "Fidyah"
        pick = rng.random()
        channel, bank, reference = "Tunai", "", ""
        if pick < 0.40:
            channel, bank, reference = "Transfer bank", bank_code, f"TRF{n:07d}"
        elif pick < 0.50:
            channel, bank, reference = "QRIS", bank_code, f"QR{n:07d}"
        amount_text = f"{amount:,}".replace(",", ".") if amount and rng.random() < 0.5 else str(amount)
        date_text = day.isoformat() if rng.random() < 0.7 else day.strftime("%d/%m/%Y")
        yield [date_text, number, "", phone, name, kind, amount_text, channel, bank, reference, campaign, program,
               persons, ""]  # fmt: skip


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", default=str(RESULTS_DIR / "import-donations.csv"))
    args = parser.parse_args(argv)
    donors = [(f"BENCH-26{n:07d}", f"+62812{n:08d}") for n in range(1, DONORS + 1)]
    end = date.today()  # noqa: DTZ011 - a sample file; the benchmark itself uses the unit's date
    rows = donation_rows(args.rows, donors=donors, bank_code="1210.B001", start=end - timedelta(days=300), days=300)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(csv_bytes(rows))
    print(f"wrote {args.rows:,} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
