"""Generate 1,000,000 donors (and their donations) for the benchmark institution, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench.donors_generate [--count 1000000]

Run after ``python -m bench.generate`` (it needs the BENCH institution and its year of journal
entries). Donors are simulated in Python and loaded with PostgreSQL COPY (psycopg 3
``cursor.copy``), with every derived column computed by the same code the services use:

* names from Indonesian first names, name parts and family names, with the spelling variants the
  search must tolerate (Muhammad/Mohammad/Moh./Muh./M., Siti/Sitti, Nur/Noor, old spelling such as
  Soekarno and Djoko), plus about 3% organisations; ``name_key`` from ``identifiers.name_key``;
* NIK for 60% (16 digits: region code, birth date with 40 added to the day for women, serial),
  NPWP for 25% (the NIK, or a 15-digit old-form number), encrypted with ``core.crypto.encrypt`` and
  looked up by ``core.crypto.blind_index``, as ``donor_register`` stores them;
* a mobile number (E.164) for 75%, an email for 30%, a birth date for persons;
* the registering unit: a branch (90%) or an area, numbered ``<code>-25<7 digits>`` gapless, with
  the institution's donor ``Sequence`` set to the last number so ``donor_register`` continues it.

Then every donation entry of the generated journal that has no ``Donation`` yet gets one (COPY),
from a donor of that branch four times in five, otherwise from anywhere in the institution, so
the search scope "registered in my subtree or gave in it" is measured on realistic data; bank
interest (also posted as a receipt) is not a donation and gets none. Each donation gets its
``DonationLine`` from the entry's receipt line (kind from the account, fund, program of a
restricted infak, persons of a zakat fitrah) in one ``INSERT ... SELECT``, so the collection
reports read the same money as the ledger. Receipts are not generated (no report reads them),
nor history rows. A database generated before the lines existed gets them on the next run.

The donor table's indexes (but those of its constraints) are dropped during the load and rebuilt
after it, in the same transaction; the COPY runs without foreign-key triggers and a check of every
reference follows instead, as in ``bench.generate``.

The run also makes two benchmark users: ``bench-admin`` already administers the institution;
``bench-clerk`` is front office of the first branch.

``--if-needed`` skips generation when the institution already has ``--count`` donors;
otherwise existing benchmark donors (and the donations generated for them) are removed first.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

from bench.generate import DEFAULT_URL, INSTITUTION_CODE, YEAR, log, setup_django
from bench.progress import Progress

SEED = 4242
NUMBER_YEAR = YEAR % 100
CLERK = "bench-clerk"

MALE_FIRST = [
    ("Muhammad", 30),
    ("Mohammad", 6),
    ("Moh.", 5),
    ("Muh.", 4),
    ("M.", 4),
    ("Mochammad", 2),
    ("Muhamad", 3),
    ("Ahmad", 12),
    ("Achmad", 3),
    ("Abdul", 8),
    ("Budi", 4),
    ("Agus", 5),
    ("Andi", 4),
    ("Joko", 3),
    ("Djoko", 1),
    ("Bambang", 3),
    ("Hendra", 3),
    ("Rizky", 4),
    ("Fajar", 3),
    ("Dedi", 3),
    ("Eko", 4),
    ("Yusuf", 3),
    ("Rahmat", 3),
    ("Hadi", 2),
    ("Iwan", 2),
    ("Taufik", 2),
    ("Arif", 3),
    ("Slamet", 2),
    ("Wahyu", 3),
    ("Dimas", 2),
    ("Ilham", 2),
    ("Irfan", 2),
    ("Hasan", 2),
    ("Umar", 1),
    ("Usman", 1),
    ("Hamzah", 1),
    ("Soekarno", 1),
    ("Sukarno", 1),
    ("Teguh", 2),
    ("Yudi", 2),
]
FEMALE_FIRST = [
    ("Siti", 25),
    ("Sitti", 3),
    ("St.", 2),
    ("Nur", 8),
    ("Noor", 2),
    ("Nurul", 5),
    ("Dewi", 6),
    ("Sri", 8),
    ("Ratna", 3),
    ("Fitri", 4),
    ("Aisyah", 3),
    ("Fatimah", 3),
    ("Rina", 3),
    ("Wulan", 2),
    ("Ayu", 3),
    ("Putri", 4),
    ("Indah", 3),
    ("Lestari", 2),
    ("Kartika", 2),
    ("Maria", 1),
    ("Yuni", 2),
    ("Endang", 2),
    ("Tjitra", 1),
    ("Oemi", 1),
    ("Annisa", 3),
    ("Nabila", 2),
]
MIDDLE = [
    "Nur",
    "Noor",
    "Rahman",
    "Hidayat",
    "Fauzi",
    "Ramadhan",
    "Syahputra",
    "Kurniawan",
    "Wijaya",
    "Saputra",
    "Pratama",
    "Setiawan",
    "Hidayah",
    "Aulia",
    "Rahmawati",
    "Handayani",
    "Abdurrahman",
    "Nurhidayat",
    "Fadhilah",
    "Maulana",
]
FAMILY = [
    "Hidayat",
    "Santoso",
    "Wijaya",
    "Saputra",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Simanjuntak",
    "Pane",
    "Rangkuti",
    "Daulay",
    "Tanjung",
    "Sembiring",
    "Ginting",
    "Sinaga",
    "Hasibuan",
    "Gunawan",
    "Susanto",
    "Kusuma",
    "Prasetyo",
    "Nugroho",
    "Hakim",
    "Sulaiman",
    "Iskandar",
    "Anwar",
    "Effendi",
    "Haryanto",
    "Soeharto",
    "Suharto",
    "Soedirman",
    "Tjahjono",
    "Djuanda",
    "Wibowo",
    "Purnomo",
    "Rusdi",
    "Syahrial",
    "Batubara",
    "Matondang",
    "Lathif",
]
SYLLABLES = ["ka", "ra", "di", "so", "no", "wi", "ja", "ya", "ti", "ni", "su", "har", "to", "man", "sa", "lim"]
SYLLABLES += ["gu", "na", "wan", "dar", "mi", "ri", "yan", "ba", "ta", "pu", "ha", "ma", "jo", "se", "tyo"]
ORGANISATIONS = ["PT", "CV", "Masjid", "Yayasan", "Koperasi", "Majelis Taklim", "UPZ"]
ORG_WORDS = ["Berkah", "Amanah", "Sejahtera", "Al Ikhlas", "Nurul Iman", "Baitul Makmur", "Mitra", "Sentosa"]
ORG_WORDS += ["Karya", "Abadi", "Bina", "Insani", "At Taqwa", "Jaya", "Mandiri", "Cahaya"]
EMAIL_DOMAINS = ["gmail.com", "yahoo.co.id", "gmail.com", "outlook.com", "gmail.com", "mail.id"]
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "856", "857", "858", "877", "878", "895", "896"]
# Region codes (province, regency, district) of a few real places: the search does not read them.
REGION_CODES = ["317101", "317402", "327301", "337401", "357801", "127101", "137101", "147101", "737101", "647101"]
PROVINCES = ["Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Banten", "Jawa Barat", "Jawa Tengah"]
PROVINCES += ["Jawa Timur", "Sulawesi Selatan", "Kalimantan Timur", "DKI Jakarta"]
CHANNELS = ["cash", "cash", "cash", "bank_transfer", "qris", "pickup"]

DONOR_COLUMNS = [
    *("id", "institution_id", "registered_unit_id", "number", "kind", "full_name", "name_key"),
    *("nik", "nik_hash", "nik_last4", "npwp", "npwp_hash", "npwp_last4", "phone", "email"),
    *("province", "regency", "district", "village", "street", "postal_code", "birth_date"),
    *("preferred_channel", "consent_whatsapp", "consent_email", "tags", "note", "merged_into_id"),
    *("created_at", "created_by_id"),
]
DONATION_COLUMNS = [
    *("id", "institution_id", "unit_id", "donor_id", "donation_date", "channel", "bank_account_id"),
    *("bank_reference", "collector_id", "note", "total", "status", "idempotency_key", "fingerprint"),
    *("entry_id", "void_entry_id", "void_reason", "voided_at", "voided_by_id", "created_at"),
]
KEY_PREFIX = "bench-donation:"
FITRAH_PER_PERSON = 45_000  # the generator's zakat fitrah: 45,000 rupiah a person
SETVAL = "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"


def _weighted(pairs):
    names, weights = zip(*pairs, strict=True)
    return list(names), list(weights)


class People:
    """Simulated donors: one ``row()`` per donor, all derived columns as the services compute them."""

    def __init__(self, rng: random.Random):
        from satuatap.core.crypto import blind_index, encrypt
        from satuatap.donors.identifiers import name_key

        self.rng = rng
        self.name_key, self.encrypt, self.blind_index = name_key, encrypt, blind_index
        self.male, self.male_w = _weighted(MALE_FIRST)
        self.female, self.female_w = _weighted(FEMALE_FIRST)
        self.serial = 0
        self.phones: set[str] = set()
        self.niks: set[str] = set()  # NIKs and old-form NPWPs given out

    def coined(self) -> str:
        """A family name from syllables: the long tail of rare name parts."""
        rng = self.rng
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    def person_name(self, female: bool) -> str:
        rng = self.rng
        names, weights = (self.female, self.female_w) if female else (self.male, self.male_w)
        parts = [rng.choices(names, weights)[0]]
        if rng.random() < 0.55:
            parts.append(rng.choice(MIDDLE))
        if rng.random() < 0.85:
            parts.append(self.coined() if rng.random() < 0.45 else rng.choice(FAMILY))
        if len(parts) == 1:
            parts.append(self.coined())
        return " ".join(parts)

    def organisation_name(self) -> str:
        rng = self.rng
        return f"{rng.choice(ORGANISATIONS)} {rng.choice(ORG_WORDS)} {self.coined()}"

    def phone(self) -> str:
        rng = self.rng
        while True:
            number = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randint(10_000_000, 99_999_999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def nik(self, birth: date, female: bool) -> str:
        """A NIK nobody else has (one active donor per NIK, as the services keep it)."""
        day = birth.day + (40 if female else 0)
        while True:
            self.serial += 1
            region = self.rng.choice(REGION_CODES)
            number = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{self.serial % 10000:04d}"
            if number not in self.niks:
                self.niks.add(number)
                return number

    def row(self, pk, institution_id, unit_id, seq, created_at, admin_id) -> tuple:
        rng = self.rng
        organisation = rng.random() < 0.03
        female = rng.random() < 0.45
        if organisation:
            kind, full_name, birth = "organisation", self.organisation_name(), None
        else:
            kind, full_name = "person", self.person_name(female)
            birth = date(1945, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
        nik = nik_hash = nik_last4 = npwp = npwp_hash = npwp_last4 = ""
        if birth is not None and rng.random() < 0.6:
            plain = self.nik(birth, female)
            nik, nik_hash, nik_last4 = self.encrypt(plain), self.blind_index("nik", plain), plain[-4:]
            if rng.random() < 0.3:
                npwp, npwp_hash, npwp_last4 = self.encrypt(plain), self.blind_index("npwp", plain), plain[-4:]
        elif rng.random() < 0.25:
            plain = f"0{rng.randint(10**13, 10**14 - 1)}"[:15]
            while plain in self.niks:  # NIKs and old-form NPWPs share the set: both must be unique
                plain = f"0{rng.randint(10**13, 10**14 - 1)}"[:15]
            self.niks.add(plain)
            npwp, npwp_hash, npwp_last4 = self.encrypt(plain), self.blind_index("npwp", plain), plain[-4:]
        phone = self.phone() if rng.random() < 0.75 else ""
        email = ""
        if rng.random() < 0.3:
            local = self.name_key(full_name).replace(" ", ".")[:30] or "donatur"
            email = f"{local}{pk}@{rng.choice(EMAIL_DOMAINS)}"
        return (
            pk,
            institution_id,
            unit_id,
            f"{INSTITUTION_CODE}-{NUMBER_YEAR:02d}{seq:07d}",
            kind,
            full_name,
            self.name_key(full_name),
            nik,
            nik_hash,
            nik_last4,
            npwp,
            npwp_hash,
            npwp_last4,
            phone,
            email,
            rng.choice(PROVINCES),
            "",
            "",
            "",
            "",
            "",
            birth,
            "whatsapp" if phone else ("email" if email else "none"),
            bool(phone) and rng.random() < 0.6,
            bool(email) and rng.random() < 0.5,
            "[]",
            "",
            None,
            created_at,
            admin_id,
        )


def existing_donors(institution_id: int) -> int:
    from satuatap.donors.models import Donor

    return Donor.objects.filter(institution_id=institution_id).count()


def drop_indexes(cursor) -> list[tuple[str, str]]:
    """Drop the donor table's indexes that back no constraint, returning how to rebuild them: one
    index build after the load is much faster than keeping a trigram index up to date row by row."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = 'donors_donor' AND i.schemaname = current_schema()
             AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'donors_donor'::regclass)"""
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return indexes


def remove(cursor, institution_id: int) -> None:
    cursor.execute(
        "DELETE FROM collection_donationline WHERE donation_id IN (SELECT id FROM collection_donation "
        "WHERE institution_id = %s AND idempotency_key LIKE %s)",
        [institution_id, f"{KEY_PREFIX}%"],
    )
    cursor.execute(
        "DELETE FROM collection_donation WHERE institution_id = %s AND idempotency_key LIKE %s",
        [institution_id, f"{KEY_PREFIX}%"],
    )
    log(f"removed {cursor.rowcount:,} generated donations")
    cursor.execute("UPDATE donors_donor SET merged_into_id = NULL WHERE institution_id = %s", [institution_id])
    cursor.execute("DELETE FROM donors_donor WHERE institution_id = %s", [institution_id])
    log(f"removed {cursor.rowcount:,} donors")


def ensure_clerk(root):
    from django.contrib.auth import get_user_model

    from satuatap.organizations.models import Membership, Role, Unit, UnitKind

    branch = Unit.objects.filter(institution=root, kind=UnitKind.BRANCH).order_by("path").first()
    clerk, _created = get_user_model().objects.get_or_create(
        username=CLERK, defaults={"full_name": "Benchmark front office"}
    )
    Membership.objects.get_or_create(user=clerk, unit=branch, role=Role.FRONT_OFFICE, is_active=True)
    return clerk, branch


def generate(count: int, *, vacuum: bool = True) -> dict:
    """``vacuum``: VACUUM ANALYZE afterwards (not inside a transaction: off in tests)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from satuatap.core.models import Sequence
    from satuatap.organizations.models import Unit, UnitKind

    started = time.monotonic()
    rng = random.Random(SEED)
    root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if root is None:
        raise SystemExit("no benchmark institution: run `python -m bench.generate` first")
    admin = get_user_model().objects.get(username="bench-admin")
    units = list(Unit.objects.filter(institution=root, kind__in=[UnitKind.BRANCH, UnitKind.AREA]).order_by("path"))
    branches = [u.pk for u in units if u.kind == UnitKind.BRANCH]
    areas = [u.pk for u in units if u.kind == UnitKind.AREA]
    people = People(rng)
    with transaction.atomic(), connection.cursor() as cursor:
        remove(cursor, root.pk)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the removal's checks now, with the indexes
        indexes = drop_indexes(cursor)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            # Bulk load: skip the per-row foreign-key triggers; check_references() verifies them instead.
            cursor.execute("SET LOCAL session_replication_role = replica")
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        cursor.execute("SELECT nextval(pg_get_serial_sequence('donors_donor', 'id'))")
        first = cursor.fetchone()[0]
        by_unit: dict[int, list[int]] = {}
        created = datetime(YEAR - 3, 1, 1, tzinfo=UTC)
        step = timedelta(seconds=(4 * 365 * 86400) / count)
        batch = 100_000
        with Progress(count, "donors", unit="donors (COPY)") as progress:
            for start in range(0, count, batch):
                with raw.copy(f"COPY donors_donor ({', '.join(DONOR_COLUMNS)}) FROM STDIN") as copy:
                    for i in range(start, min(count, start + batch)):
                        unit = rng.choice(branches) if rng.random() < 0.9 else rng.choice(areas)
                        pk = first + i
                        by_unit.setdefault(unit, []).append(pk)
                        copy.write_row(people.row(pk, root.pk, unit, i + 1, created + step * i, admin.pk))
                progress.update(min(count, start + batch))
        cursor.execute(SETVAL.format(table="donors_donor"))
        for _name, definition in indexes:
            cursor.execute(definition)
        log(f"indexes rebuilt: {', '.join(name for name, _d in indexes)}")
        Sequence.objects.update_or_create(scope="donor", key=str(root.pk), defaults={"value": count})
        donations = _donations(cursor, root, admin, by_unit, first, count, rng)
        donation_lines(cursor, root.pk)
        cursor.execute("SET LOCAL session_replication_role = origin")
        bad = check_references(cursor, root.pk)
        if bad:
            raise SystemExit(f"generated rows with broken references: {bad}")
    log("committed; VACUUM ANALYZE")
    if vacuum:
        with connection.cursor() as cursor:
            for table in ("donors_donor", "collection_donation", "collection_donationline", "core_sequence"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    ensure_clerk(root)
    seconds = time.monotonic() - started
    log(f"generated {count:,} donors and {donations:,} donations in {seconds:.1f}s")
    return {"donors": count, "donations": donations, "seconds": round(seconds, 1)}


REFERENCE_CHECKS = {
    "donors point at units of the institution and existing users": """
        SELECT count(*) FROM donors_donor d
        LEFT JOIN organizations_unit u ON u.id = d.registered_unit_id AND u.institution_id = d.institution_id
        LEFT JOIN accounts_user a ON a.id = d.created_by_id
        WHERE d.institution_id = %(institution)s
          AND (u.id IS NULL OR (d.created_by_id IS NOT NULL AND a.id IS NULL))""",
    "donation lines equal their donation and its ledger entry": """
        SELECT count(*) FROM collection_donation x
        LEFT JOIN (SELECT donation_id, sum(amount) AS amount FROM collection_donationline GROUP BY 1) l
          ON l.donation_id = x.id
        LEFT JOIN ledger_journalentry e ON e.id = x.entry_id
        WHERE x.institution_id = %(institution)s AND x.idempotency_key LIKE 'bench-donation:%%'
          AND (l.amount IS DISTINCT FROM x.total OR e.total IS DISTINCT FROM x.total)""",
    "donations point at donors, units and entries of the institution": """
        SELECT count(*) FROM collection_donation x
        LEFT JOIN donors_donor d ON d.id = x.donor_id AND d.institution_id = x.institution_id
        LEFT JOIN organizations_unit u ON u.id = x.unit_id AND u.institution_id = x.institution_id
        LEFT JOIN ledger_journalentry e ON e.id = x.entry_id AND e.unit_id = x.unit_id
        WHERE x.institution_id = %(institution)s AND (d.id IS NULL OR u.id IS NULL OR e.id IS NULL)""",
}


def check_references(cursor, institution_id: int) -> dict[str, int]:
    """Rows whose references do not hold (the load ran without foreign-key triggers)."""
    bad = {}
    for name, sql in REFERENCE_CHECKS.items():
        cursor.execute(sql, {"institution": institution_id})
        count = cursor.fetchone()[0]
        log(f"  check {'PASS' if not count else 'FAIL'}: {name}" + (f" ({count} rows)" if count else ""))
        if count:
            bad[name] = count
    return bad


def _donations(cursor, root, admin, by_unit, first, count, rng) -> int:
    """One Donation per donation entry of the generated journal that has none yet."""
    cursor.execute(
        """SELECT e.id, e.unit_id, e.entry_date, e.total, e.posted_at FROM ledger_journalentry e
           WHERE e.institution_id = %s AND e.source = 'donation' AND e.status = 'posted'
             AND NOT EXISTS (SELECT 1 FROM collection_donation d WHERE d.entry_id = e.id)
             AND NOT EXISTS (SELECT 1 FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                             WHERE l.entry_id = e.id AND a.receipt_kind = 'bank_interest')
           ORDER BY e.id""",
        [root.pk],
    )
    entries = cursor.fetchall()
    cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM collection_donation")
    next_id = cursor.fetchone()[0]
    raw = cursor.cursor
    # Four in five give at their own branch, half of those among its first 300 donors (repeat givers).
    with raw.copy(f"COPY collection_donation ({', '.join(DONATION_COLUMNS)}) FROM STDIN") as copy:
        for offset, (entry_id, unit_id, day, total, posted_at) in enumerate(entries):
            local = by_unit.get(unit_id)
            if local and rng.random() < 0.8:
                donor = rng.choice(local[:300]) if rng.random() < 0.5 else rng.choice(local)
            else:
                donor = first + rng.randrange(count)
            copy.write_row(
                (
                    next_id + offset,
                    root.pk,
                    unit_id,
                    donor,
                    day,
                    rng.choice(CHANNELS),
                    None,
                    "",
                    admin.pk,
                    "",
                    total,
                    "recorded",
                    f"{KEY_PREFIX}{entry_id}",
                    "",
                    entry_id,
                    None,
                    "",
                    None,
                    None,
                    posted_at,
                )
            )
    if entries:
        cursor.execute(SETVAL.format(table="collection_donation"))
    log(f"donations: {len(entries):,} (COPY), one per donation entry but bank interest")
    return len(entries)


DONATION_LINES_SQL = f"""
INSERT INTO collection_donationline (donation_id, kind, fund_kind, amount, campaign_id, program, persons, fitrah_rate,
                                     goods_description, goods_quantity, goods_unit, position)
SELECT d.id, a.receipt_kind, f.kind, l.credit, NULL, l.restriction,
       CASE WHEN a.receipt_kind = 'zakat_fitrah' THEN l.credit / {FITRAH_PER_PERSON} END,
       CASE WHEN a.receipt_kind = 'zakat_fitrah' THEN {FITRAH_PER_PERSON} END, '', NULL, '', 0
FROM collection_donation d
JOIN ledger_journalline l ON l.entry_id = d.entry_id AND l.credit > 0
JOIN ledger_account a ON a.id = l.account_id
JOIN ledger_fund f ON f.id = l.fund_id
WHERE d.institution_id = %s AND d.idempotency_key LIKE %s
  AND NOT EXISTS (SELECT 1 FROM collection_donationline x WHERE x.donation_id = d.id)
"""  # noqa: S608


def donation_lines(cursor, institution_id: int) -> int:
    """The line of every generated donation that has none: its entry's receipt line, set-wise.
    The donations were just copied in this transaction: without fresh statistics the planner
    takes the table for empty and loops over the new lines for every donation."""
    cursor.execute("ANALYZE collection_donation, collection_donationline")
    cursor.execute(DONATION_LINES_SQL, [institution_id, f"{KEY_PREFIX}%"])
    log(f"donation lines: {cursor.rowcount:,} (INSERT ... SELECT from the receipt lines)")
    return cursor.rowcount


def missing_lines(institution_id: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM collection_donation d WHERE d.institution_id = %s AND d.idempotency_key "
            "LIKE %s AND NOT EXISTS (SELECT 1 FROM collection_donationline x WHERE x.donation_id = d.id))",
            [institution_id, f"{KEY_PREFIX}%"],
        )
        return cursor.fetchone()[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.donors_generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="donors to generate (default 1,000,000)")
    parser.add_argument("--if-needed", action="store_true", help="skip if the institution has --count donors")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not 1 <= args.count <= 10_000_000:
        raise SystemExit("--count must be between 1 and 10,000,000")
    setup_django(args.database_url)
    from django.core.management import call_command

    from satuatap.organizations.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    root = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if root is None:
        raise SystemExit("no benchmark institution: run `python -m bench.generate` first")
    have = existing_donors(root.pk)
    # The other benchmarks add a few donors of their own (the counter's, the import's): more is fine.
    if args.if_needed and have >= args.count:
        ensure_clerk(root)
        log(f"benchmark donors present ({have:,}): not regenerating")
        if missing_lines(root.pk):  # generated before donations had their lines
            from django.db import connection, transaction

            with transaction.atomic(), connection.cursor() as cursor:
                donation_lines(cursor, root.pk)
        return 0
    generate(args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
