"""Generate fund-ledger data for a benchmark institution, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench.generate [--scale 0.01]
    python -m bench.generate --profile national [--scale 0.01] [--all] --database-url postgres://...

Two shapes (``--profile``), both multiplied by ``--scale``:

* ``bench`` (the default, what ``make bench`` has always measured): one year (2025) of
  1,000,000 lines in an institution of 500 units, months weighted by the 2025 calendar;
* ``national``: 34 provinces, 500 regency offices, 2,000 branches and 1,000 service units
  below them, three years (2023-2025) and 10,000,000 lines; every day weighted by the Hijri
  calendar (Ramadan doubles the counter, its last ten days and 1 Syawal bring the zakat-fitrah
  spike, Dzulhijjah the qurban, December the year-end zakat maal). With ``--all`` the same run
  then adds the profile's donors (2,000,000, each donation with its line), beneficiaries
  (1,000,000 in households, with injected duplicates) and disbursements (500,000), scaled
  likewise, with ``bench.donors_generate``, ``bench.registry_load`` and
  ``bench.distribution_generate``.

The tree (institution > 10 regions > 50 areas > 439 branches) is built with
treebeard's ``load_bulk(bulk_create=True)`` and the chart with
``chart_create_default``, both through the ORM. The journal (1,000,000 lines at
scale 1) is simulated in Python in posting order and loaded with PostgreSQL COPY:

* donations at branches (zakat maal/fitrah/penghasilan, infak, restricted infak
  per program, DSKL, a little non-halal bank interest);
* disbursements at branches, areas and regions: zakat by asnaf, infak and DSKL by
  pillar, amil operating expenses, non-halal; never more than the unit has
  available of the fund (as ``entry_post``'s guard demands), else the event
  becomes a donation;
* at each month end, per branch (and service unit), the amil share entry of the
  month's zakat and infak receipts (exactly what ``amil_share_allocate`` posts, with
  its ``AmilShareMark`` rows), then remittances service unit -> branch, branch -> area
  and area -> region with the inter-office (RAK) accounts, as ``transfer_post`` writes
  them.

Every entry balances in total and per fund (asserted while generating). The
rollups are then filled from the lines with one ``INSERT ... SELECT ... GROUP BY``
each, on the same keys as ``ledger.services.posting``; ``check()`` compares them
with the lines again at the end (and the benchmark suite runs it after posting).

``--if-needed`` skips generation when the database already holds this scale's
units and lines; ``--recreate`` drops and recreates the database first (only a database
that is empty or holds the benchmark institution).
"""

import argparse
import calendar
import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench"
YEAR = 2025
INSTITUTION_CODE = "BENCH"
SEED = 109
FULL_LINES = 1_000_000
# Where the figures go (generate.json, results.json, side_by_side.json...); BENCH_RESULTS_DIR moves them.
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent.parent / "var" / "bench")

REGIONS = [
    "Aceh",
    "Sumatera Utara",
    "Sumatera Barat",
    "Riau",
    "Banten",
    "Jawa Barat",
    "Jawa Tengah",
    "Jawa Timur",
    "Sulawesi Selatan",
    "Kalimantan Timur",
]
# The national profile: the 34 provinces (before the 2022 split of Papua).
PROVINCES = [
    *("Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu", "Lampung"),
    *("Kepulauan Bangka Belitung", "Kepulauan Riau", "DKI Jakarta", "Jawa Barat", "Jawa Tengah"),
    *("DI Yogyakarta", "Jawa Timur", "Banten", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur"),
    *("Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara"),
    *("Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo"),
    *("Sulawesi Barat", "Maluku", "Maluku Utara", "Papua Barat", "Papua"),
]
# Sizes at scale 1. ``lines`` are journal lines of all years; ``donors``, ``people`` and
# ``payments`` are what ``--all`` (and ``make bench``) give the other generators.
PROFILES = {
    "bench": SimpleNamespace(
        regions=10, areas=50, branches=439, services=0, lines=1_000_000, years=1,
        donors=1_000_000, people=1_000_000, payments=500_000,
    ),
    "national": SimpleNamespace(
        regions=34, areas=500, branches=2_000, services=1_000, lines=10_000_000, years=3,
        donors=2_000_000, people=1_000_000, payments=500_000,
    ),
}  # fmt: skip
# Smallest counts at a small scale: the suites need a few thousand people (three batches of 1,000).
MIN_DONORS, MIN_PEOPLE, MIN_PAYMENTS = 1_000, 5_000, 1_000
PROGRAMS = ["BEASISWA-2025", "PALESTINA", "BANJIR-DEMAK", "SUMUR-NTT"]
# Relative activity per month: Ramadan 1446 H is March 2025 (zakat fitrah), Iduladha in June (qurban),
# and December brings the year-end zakat maal.
MONTH_WEIGHT = {1: 1.0, 2: 1.0, 3: 2.2, 4: 1.2, 5: 1.0, 6: 1.4, 7: 0.9, 8: 0.9, 9: 0.9, 10: 1.0, 11: 1.0, 12: 1.4}
P_DONATION = 0.62  # share of the free events that are donations (the rest are disbursements)
FLOOR = 10_000  # a disbursement leaves at least this much (plus the month's pending amil share)
MIN_DISBURSEMENT = 25_000
ROUND_AMOUNTS = [20_000, 50_000, 100_000, 150_000, 200_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
ROUND_WEIGHTS = [10, 20, 20, 8, 10, 8, 10, 6, 3, 1.5]
DISBURSE_AMOUNTS = [150_000, 250_000, 300_000, 500_000, 750_000, 1_000_000, 2_500_000, 5_000_000]
DISBURSE_WEIGHTS = [15, 20, 10, 20, 8, 15, 8, 4]

_t0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _t0:7.1f}s] {message}", flush=True)


# --- sizes ---------------------------------------------------------------------------------------


def shape(scale: float, profile: str = "bench") -> SimpleNamespace:
    """Units, lines and counts of a profile at a scale (``bench`` at 1 = 10 regions, 50 areas, 439
    branches, 1,000,000 lines in one year; ``national`` at 1 = 34 provinces, 500 regency offices,
    2,000 branches, 1,000 service units, 10,000,000 lines in three years)."""
    if not 0 < scale <= 10:
        raise SystemExit("--scale must be in (0, 10]")
    if profile not in PROFILES:
        raise SystemExit(f"--profile must be one of {', '.join(PROFILES)}")
    full = PROFILES[profile]
    regions = max(2, round(full.regions * scale))
    areas = max(4, round(full.areas * scale), regions)
    branches = max(8, round(full.branches * scale), areas)
    services = round(full.services * scale)
    collecting = branches + services  # units that receive donations and remit upwards
    months = 12 * full.years
    # Amil share (8 lines) + 2 remittances (4 each) per collecting unit, 2 remittances per area, each month.
    structural = months * (16 * collecting + 8 * areas)
    lines = max(round(full.lines * scale), structural + months * 4 * collecting + 2)
    lines += lines % 2  # every free event is a two-line entry
    return SimpleNamespace(
        profile=profile,
        scale=scale,
        regions=regions,
        areas=areas,
        branches=branches,
        services=services,
        units=1 + regions + areas + branches + services,
        lines=lines,
        structural=structural,
        years=full.years,
        first_year=YEAR - full.years + 1,
        donors=max(MIN_DONORS, round(full.donors * scale)),
        people=max(MIN_PEOPLE, round(full.people * scale)),
        payments=max(MIN_PAYMENTS, round(full.payments * scale)),
    )


# --- calendars -------------------------------------------------------------------------------------


class MonthCalendar:
    """The ``bench`` profile's year: each month weighted (``MONTH_WEIGHT``), its days alike; the
    season of a day, which weights the kinds of donation, is its month."""

    def __init__(self, first_year: int = YEAR, last_year: int = YEAR):
        self.years = list(range(first_year, last_year + 1))

    def months(self) -> list[tuple[int, int]]:
        return [(year, month) for year in self.years for month in range(1, 13)]

    def weight(self, year: int, month: int) -> float:
        return MONTH_WEIGHT[month]

    def day(self, rng: random.Random, year: int, month: int) -> int:
        return rng.randint(1, calendar.monthrange(year, month)[1])

    def season(self, day: date):
        return day.month

    def seasons(self) -> list:
        return list(range(1, 13))


# Day weights of the national profile (how busy the counters are) and, per season, the weights of
# the kinds of donation (account code -> weight; kinds not named keep ``NATIONAL_BASE``).
DAY_WEIGHT = {"plain": 1.0, "december": 1.4, "ramadan": 2.0, "fitrah": 3.5, "qurban": 1.6}
NATIONAL_BASE = {"4110": 14, "4130": 20, "4210": 30, "4310": 12, "4610": 3, "4620": 1, "4690": 2, "4510": 1}
NATIONAL_SEASONS = {
    "plain": {},
    "december": {"4110": 30},
    "ramadan": {"4110": 30, "4120": 25, "4210": 40, "4610": 8},
    "fitrah": {"4110": 20, "4120": 120, "4210": 35, "4610": 8},
    "qurban": {"4630": 60},
}


class HijriCalendar(MonthCalendar):
    """The ``national`` profile's years, day by day from the Hijri calendar (``hijridate``):
    Ramadan doubles the counters' work, its last ten days and the morning of 1 Syawal (zakat
    fitrah is due before the Idulfitri prayer) bring the fitrah spike, 1-13 Dzulhijjah the qurban,
    December the year-end zakat maal. A month weighs the sum of its days."""

    def __init__(self, first_year: int, last_year: int = YEAR):
        from datetime import timedelta

        from hijridate import Gregorian, Hijri

        super().__init__(first_year, last_year)
        self._season: dict[date, str] = {}
        day, last = date(first_year, 1, 1), date(last_year, 12, 31)
        while day <= last:
            hijri = Gregorian(day.year, day.month, day.day).to_hijri()
            ramadan_days = Hijri(hijri.year, 9, 1).month_length()
            if hijri.month == 9 and hijri.day > ramadan_days - 10 or (hijri.month == 10 and hijri.day == 1):
                season = "fitrah"
            elif hijri.month == 9:
                season = "ramadan"
            elif hijri.month == 12 and hijri.day <= 13:
                season = "qurban"
            elif day.month == 12:
                season = "december"
            else:
                season = "plain"
            self._season[day] = season
            day += timedelta(days=1)
        self._days: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        for day, season in self._season.items():
            days, weights = self._days.setdefault((day.year, day.month), ([], []))
            days.append(day.day)
            weights.append(DAY_WEIGHT[season])

    def weight(self, year: int, month: int) -> float:
        return sum(self._days[(year, month)][1])

    def day(self, rng: random.Random, year: int, month: int) -> int:
        days, weights = self._days[(year, month)]
        return rng.choices(days, weights)[0]

    def season(self, day: date) -> str:
        return self._season[day]

    def seasons(self) -> list:
        return list(NATIONAL_SEASONS)


def calendar_of(size: SimpleNamespace) -> MonthCalendar:
    if size.profile == "national":
        return HijriCalendar(size.first_year, YEAR)
    return MonthCalendar(size.first_year, YEAR)


def _split(items: list, parts: int) -> list[list]:
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


# --- database ------------------------------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _holds_only_benchmark(url: str) -> bool:
    """True if the database has no Satu Atap tables yet, or its only institution is the benchmark's."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('organizations_unit')").fetchone()[0] is None:
            return True
        codes = [r[0] for r in conn.execute("SELECT code FROM organizations_unit WHERE depth = 1")]
        return codes in ([], [INSTITUTION_CODE])


def ensure_database(url: str, recreate: bool) -> bool:
    """Create the database if missing (drop it first if ``recreate``); True if it is new."""
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and recreate:
            if not _holds_only_benchmark(url):
                raise SystemExit(f"refusing to drop {name}: it holds data other than the benchmark institution")
            log(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return not exists


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
    import django

    django.setup()


# --- setup through the ORM -------------------------------------------------------------------------


def _unit_data(root, kind: str, name: str, code: str) -> dict:
    return {"kind": kind, "name": name, "code": code, "institution": root.pk}


def build_institution(size: SimpleNamespace):
    from django.contrib.auth import get_user_model

    from satuatap.ledger.models import Period
    from satuatap.ledger.services import chart_create_default
    from satuatap.organizations.models import Unit, UnitKind
    from satuatap.organizations.services import institution_create

    admin = get_user_model().objects.create_user(username="bench-admin", full_name="Benchmark administrator")
    root = institution_create(
        actor=None,
        first_admin=admin,
        name="LAZ Satu Atap (benchmark)",
        code=INSTITUTION_CODE,
        legal_name="Yayasan Satu Atap Benchmark",
    )
    branch_numbers = list(range(1, size.branches + 1))
    area_numbers = list(range(1, size.areas + 1))
    branches_of_area = dict(zip(area_numbers, _split(branch_numbers, size.areas), strict=True))
    # Service units hang below branches, spread evenly over them (national profile).
    services_of_branch: dict[int, list[int]] = defaultdict(list)
    for s in range(1, size.services + 1):
        services_of_branch[1 + (s - 1) * size.branches // size.services].append(s)
    national = size.profile == "national"
    area_names = _regency_names(size) if national else {}

    def branch_node(b: int) -> dict:
        node = {"data": _unit_data(root, UnitKind.BRANCH, f"Cabang {b:03d}", f"B{b:03d}")}
        if services_of_branch.get(b):
            node["children"] = [
                {"data": _unit_data(root, UnitKind.SERVICE, f"Unit Layanan {s:04d}", f"S{s:04d}")}
                for s in services_of_branch[b]
            ]
        return node

    tree = []
    for r, areas in enumerate(_split(area_numbers, size.regions), start=1):
        province = (PROVINCES if national else REGIONS)[(r - 1) % len(PROVINCES if national else REGIONS)]
        tree.append(
            {
                "data": _unit_data(root, UnitKind.REGION, f"Wilayah {province}", f"R{r:02d}"),
                "children": [
                    {
                        "data": _unit_data(
                            root, UnitKind.AREA, area_names.get(a) or f"Area {a:02d} {province}", f"A{a:02d}"
                        ),
                        "children": [branch_node(b) for b in branches_of_area[a]],
                    }
                    for a in areas
                ],
            }
        )
    Unit.objects.load_bulk(tree, parent=root, bulk_create=True)
    root.refresh_from_db()
    log(f"units: {Unit.objects.filter(institution=root).count()} (treebeard load_bulk)")
    accounts = chart_create_default(actor=admin, institution=root)
    log(f"chart: {len(accounts)} accounts (chart_create_default)")
    Period.objects.bulk_create(
        [Period(institution=root, year=y, month=m) for y in range(size.first_year, YEAR + 1) for m in range(1, 13)]
    )
    return root, admin


def _regency_names(size: SimpleNamespace) -> dict[int, str]:
    """Area number -> "Kantor Kabupaten X": real regency names (python-stdnum's table of NIK places)
    of the area's province where it has them, else numbered."""
    from bench.registry_generate import _regencies

    by_province: dict[str, list[str]] = defaultdict(list)
    for _code, province, regency in _regencies():
        by_province[province.lower()].append(regency)
    names = {}
    for r, areas in enumerate(_split(list(range(1, size.areas + 1)), size.regions), start=1):
        province = PROVINCES[(r - 1) % len(PROVINCES)]
        known = by_province.get(province.lower(), [])
        for i, a in enumerate(areas):
            names[a] = f"Kantor {known[i]}" if i < len(known) else f"Kantor Kabupaten {province} {i + 1:02d}"
    return names


# --- the journal ---------------------------------------------------------------------------------------


POSTED_ENTRIES_SKIP_HISTORY = True

ENTRY_COLUMNS = [
    *("id", "entry_date", "status", "source", "flow_source", "source_ref", "idempotency_key", "fingerprint"),
    *("memo", "total", "draft_lines", "created_at", "posted_at", "reason", "approved_by_id", "created_by_id"),
    *("institution_id", "reverses_id", "unit_id", "updated_by_id"),
]
LINE_COLUMNS = [
    *("id", "restriction", "entry_date", "debit", "credit", "memo", "account_id", "counterparty_id", "entry_id"),
    *("fund_id", "unit_id"),
]


class Journal:
    """Posts simulated entries in order, keeping available balances as ``FundPosition`` would."""

    def __init__(self, root, admin, size, cursor, via_services=False, calendar_=None):
        from satuatap.ledger.chart import INTER_OFFICE_RECEIVED, INTER_OFFICE_SENT, amil_paid_key, amil_received_key
        from satuatap.ledger.models import AVAILABLE_ROLES, Account, AmilRate, Fund, FundKind
        from satuatap.organizations.models import Unit, UnitKind

        self.rng = random.Random(SEED)
        self.calendar = calendar_ or MonthCalendar()
        self.via_services = via_services
        self.root, self.admin, self.size, self.cursor = root, admin, size, cursor
        accounts = list(Account.objects.filter(institution=root))
        self.code = {a.code: a.pk for a in accounts}
        self.key = {a.system_key: a.pk for a in accounts if a.system_key}
        self.available_accounts = {a.pk for a in accounts if a.role in AVAILABLE_ROLES}
        self.receipt_fund_accounts = {a.pk: a.fund_kind for a in accounts if a.role == "receipt"}
        self.fund = {f.kind: f.pk for f in Fund.objects.filter(institution=root)}
        self.programs = restricted_programs(root)
        self.rates = {
            r.fund_kind: r.basis_points
            for r in AmilRate.objects.filter(institution=root, basis_points__gt=0)
            if r.fund_kind not in (FundKind.AMIL, FundKind.NON_HALAL)
        }
        self.rak_sent, self.rak_received = self.key[INTER_OFFICE_SENT], self.key[INTER_OFFICE_RECEIVED]
        self.amil_paid = {k: self.key[amil_paid_key(k)] for k in self.rates}
        self.amil_received = {k: self.key[amil_received_key(k)] for k in self.rates}
        units = list(Unit.objects.filter(institution=root).order_by("path"))
        by_path = {u.path: u for u in units}
        self.unit_code = {u.pk: u.code for u in units}
        self.parent = {u.pk: by_path[u.path[: -Unit.steplen]].pk for u in units if u.depth > 1}
        # Branches and service units receive donations ("branches" below); in path order.
        self.branches = [u.pk for u in units if u.kind in (UnitKind.BRANCH, UnitKind.SERVICE)]
        # They remit upwards deepest first: a service unit to its branch before the branch to its area.
        depth = {u.pk: u.depth for u in units}
        self.remitting = sorted(self.branches, key=lambda pk: -depth[pk])
        self.areas = [u.pk for u in units if u.kind == UnitKind.AREA]
        self.regions = [u.pk for u in units if u.kind == UnitKind.REGION]
        self.cash = {u.pk: self.key[f"cash:{u.pk}"] for u in units}
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM ledger_journalentry")
        self.next_entry = self.first_entry = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM ledger_journalline")
        self.next_line = self.first_line = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM ledger_amilsharemark")
        self.next_mark = cursor.fetchone()[0]
        self.available: dict[tuple, int] = defaultdict(int)
        self.entries, self.lines, self.marks, self.history = [], [], [], []
        self._history_columns()
        self.counter = 0
        self.stats: dict[str, int] = defaultdict(int)
        self._donation_kinds()
        self._disbursement_kinds()

    def _history_columns(self) -> None:
        """Posting writes no historical row for a posted entry (posting.py skips it: a posted entry never
        changes), so neither does the generator; only drafts, which the benchmark has none of, get history."""
        from satuatap.ledger.models import JournalEntry

        history = getattr(JournalEntry, "history", None)
        self.history_table, self.history_fields = None, []
        if history is None or POSTED_ENTRIES_SKIP_HISTORY:
            return
        model = history.model
        self.history_table = model._meta.db_table
        position = {name: i for i, name in enumerate(ENTRY_COLUMNS)}
        for field in model._meta.concrete_fields:
            if field.column == "history_id":
                continue
            if field.column in position:
                self.history_fields.append((field.column, position[field.column]))
            elif field.column in ("history_date", "history_type", "history_user_id", "history_change_reason"):
                self.history_fields.append((field.column, field.column))
            else:
                raise SystemExit(f"{self.history_table}.{field.column}: unknown to the generator; update ENTRY_COLUMNS")

    def _history_row(self, entry: tuple) -> tuple:
        extra = {"history_date": entry[ENTRY_COLUMNS.index("posted_at")], "history_type": "+"}
        return tuple(
            entry[source] if isinstance(source, int) else extra.get(source) for _c, source in self.history_fields
        )

    # -- catalogues ---------------------------------------------------------------------------------

    def _donation_kinds(self):
        rng = self.rng

        def rounded(factor=1):
            return lambda: rng.choices(ROUND_AMOUNTS, ROUND_WEIGHTS)[0] * factor

        # (account code, fund kind, weight by month (bench profile), amount, restricted?)
        self.donation_kinds = [
            ("4110", "zakat", lambda m: 14 if m != 12 else 30, rounded(4), False),
            ("4120", "zakat", lambda m: {3: 60, 4: 8}.get(m, 0), lambda: 45_000 * rng.randint(1, 8), False),
            ("4130", "zakat", lambda m: 20, rounded(), False),
            ("4210", "infak", lambda m: 30, rounded(), False),
            ("4310", "infak_restricted", lambda m: 12, rounded(), True),
            ("4610", "dskl", lambda m: {3: 6}.get(m, 3), lambda: 45_000 * rng.randint(1, 30), False),
            ("4620", "dskl", lambda m: 1, lambda: 450_000 * rng.randint(1, 3), False),
            ("4630", "dskl", lambda m: {5: 10, 6: 40}.get(m, 0), lambda: 2_800_000 * rng.randint(1, 7), False),
            ("4690", "dskl", lambda m: 2, rounded(), False),
            ("4510", "non_halal", lambda m: 1, lambda: rng.randint(5_000, 150_000), False),
        ]
        if isinstance(self.calendar, HijriCalendar):  # by season: NATIONAL_BASE, then the season's own
            self.donation_weights = {
                season: [{**NATIONAL_BASE, **NATIONAL_SEASONS[season]}.get(k[0], 0) for k in self.donation_kinds]
                for season in self.calendar.seasons()
            }
        else:
            self.donation_weights = {m: [k[2](m) for k in self.donation_kinds] for m in range(1, 13)}

    def _disbursement_kinds(self):
        asnaf = {"5101": 30, "5102": 35, "5104": 3, "5105": 1, "5106": 10, "5107": 15, "5108": 6}
        pillars = {"01": 25, "02": 20, "03": 25, "04": 15, "05": 10, "06": 5}
        self.disbursement_funds = {
            "branch": (["zakat", "infak", "infak_restricted", "dskl", "amil", "non_halal"], [45, 20, 12, 8, 12, 3]),
            "upper": (["zakat", "infak", "dskl"], [65, 30, 5]),
        }
        self.disbursement_accounts = {
            "zakat": (list(asnaf), list(asnaf.values())),
            "infak": ([f"52{p}" for p in pillars], list(pillars.values())),
            "infak_restricted": ([f"53{p}" for p in pillars], list(pillars.values())),
            "dskl": ([f"56{p}" for p in pillars], list(pillars.values())),
            "amil": (["5410", "5420", "5490"], [60, 35, 5]),
            "non_halal": (["5510", "5520"], [80, 20]),
        }

    # -- posting ------------------------------------------------------------------------------------------

    def post(self, *, unit, day, source, lines, source_ref, key, memo=""):
        """Append one posted entry.

        ``lines``: (account_id, fund_id, unit_id, restriction, counterparty_id, debit, credit) tuples."""
        from satuatap.ledger.services.posting.rules import fingerprint

        if self.via_services:
            return self._post_via_services(
                unit=unit, day=day, source=source, lines=lines, source_ref=source_ref, key=key, memo=memo
            )
        per_fund: dict[tuple, int] = defaultdict(int)
        total = 0
        entry_id = self.next_entry
        self.next_entry += 1
        for account, fund, line_unit, restriction, counterparty, debit, credit in lines:
            assert (debit > 0) != (credit > 0), lines
            per_fund[(fund, restriction)] += debit - credit
            total += debit
            if account in self.available_accounts:
                self.available[(line_unit, fund, restriction)] += debit - credit
            self.lines.append(
                (self.next_line, restriction, day, debit, credit, "", account, counterparty, entry_id, fund, line_unit)
            )
            self.next_line += 1
        assert not any(per_fund.values()), f"entry does not balance per fund: {lines}"
        print_ = fingerprint(
            unit_id=unit,
            entry_date=day,
            source=source,
            source_ref=source_ref,
            memo=memo,
            lines=[SimpleNamespace(key=(a, f, u, r, c or 0, d, cr, "")) for a, f, u, r, c, d, cr in lines],
        )
        self.counter += 1
        stamp = datetime(day.year, day.month, day.day, 1 + self.counter % 9, self.counter % 60, tzinfo=UTC)
        self.entries.append(
            (entry_id, day, "posted", source, source, source_ref, key, print_, memo, total, "[]", stamp, stamp, "",
             None, self.admin.pk, self.root.pk, None, unit, None)
        )  # fmt: skip
        if self.history_table:
            self.history.append(self._history_row(self.entries[-1]))
        self.stats[source] += 1
        return entry_id

    def _post_via_services(self, *, unit, day, source, lines, source_ref, key, memo):
        """The same entry through the public services (``--via-services``: checks the COPY path at small scale).

        Donations and disbursements go through ``entry_post``, remittances through ``transfer_post``
        and the amil share through ``amil_share_allocate``; each must post what ``post`` would have."""
        from satuatap.ledger import services
        from satuatap.ledger.models import Account, Fund, JournalEntry
        from satuatap.organizations.models import Unit

        if not hasattr(self, "_objects"):
            self._objects = (Account.objects.in_bulk(), Fund.objects.in_bulk(), Unit.objects.in_bulk())
        accounts, funds, units = self._objects
        if source in ("donation", "disbursement"):
            entry = services.entry_post(
                actor=self.admin,
                unit=units[unit],
                entry_date=day,
                source=source,
                source_ref=source_ref,
                idempotency_key=key,
                memo=memo,
                lines=[
                    services.LineSpec(accounts[a].code, funds[f].kind, debit=d, credit=cr, restriction=r)
                    for a, f, _u, r, _c, d, cr in lines
                ],
            )
        elif source == "transfer":
            entry = services.transfer_post(
                actor=self.admin,
                from_unit=units[unit],
                to_unit=units[lines[0][4]],
                fund=funds[lines[0][1]].kind,
                amount=lines[0][5],
                kind=services.TransferKind.REMIT,
                idempotency_key=key,
                entry_date=day,
            )
        else:
            entry = services.amil_share_allocate(
                actor=self.admin, unit=units[unit], year=day.year, month=day.month, entry_date=day
            )
            assert entry is not None and entry.idempotency_key == key, (entry, key)
        expected = sorted((a, f, u, r, c, d, cr) for a, f, u, r, c, d, cr in lines)
        posted = sorted(JournalEntry.objects.get(pk=entry.pk).lines.values_list(
            "account_id", "fund_id", "unit_id", "restriction", "counterparty_id", "debit", "credit"
        ))  # fmt: skip
        assert posted == expected, (posted, expected)
        for account, fund, line_unit, restriction, _counterparty, debit, credit in lines:
            if account in self.available_accounts:
                self.available[(line_unit, fund, restriction)] += debit - credit
        self.next_entry += 1
        self.next_line += len(lines)
        self.stats[source] += 1
        return entry.pk

    def donate(self, unit, day, forced_kind=None):
        rng = self.rng
        if forced_kind is not None:
            kind = next(k for k in self.donation_kinds if k[0] == forced_kind)
        else:
            kind = rng.choices(self.donation_kinds, self.donation_weights[self.calendar.season(day)])[0]
        code, fund_kind, _weight, amount_of, restricted = kind
        amount = amount_of()
        restriction = rng.choice(self.programs) if restricted else ""
        fund = self.fund[fund_kind]
        self._receipt(unit, day, code, fund_kind, fund, restriction, amount)

    def _receipt(self, unit, day, code, fund_kind, fund, restriction, amount):
        entry_id = self.post(
            unit=unit,
            day=day,
            source="donation",
            source_ref=f"RCP/{self.unit_code[unit]}/{self.next_entry}",
            key=f"bench:don:{self.next_entry}",
            lines=[
                (self.cash[unit], fund, unit, restriction, None, amount, 0),
                (self.code[code], fund, unit, restriction, None, 0, amount),
            ],
        )
        if unit in self.month_donations:
            self.month_donations[unit].append(entry_id)
            if fund_kind in self.rates:
                self.month_receipts[(unit, fund_kind)] += amount

    def reserved(self, unit, fund_kind):
        """Upper bound of the amil share still to be taken from this month's receipts."""
        if fund_kind not in self.rates or unit not in self.month_donations:
            return 0
        return self.month_receipts[(unit, fund_kind)] * self.rates[fund_kind] // 10_000 + 1

    def disburse(self, unit, day, level):
        rng = self.rng
        funds, weights = self.disbursement_funds[level]
        fund_kind = rng.choices(funds, weights)[0]
        codes, code_weights = self.disbursement_accounts[fund_kind]
        code = rng.choices(codes, code_weights)[0]
        restriction = rng.choice(self.programs) if fund_kind == "infak_restricted" else ""
        fund = self.fund[fund_kind]
        spendable = self.available[(unit, fund, restriction)] - self.reserved(unit, fund_kind) - FLOOR
        amount = min(rng.choices(DISBURSE_AMOUNTS, DISBURSE_WEIGHTS)[0], spendable)
        if amount < MIN_DISBURSEMENT:
            # Not enough money: what would have been refused becomes a receipt instead.
            self.stats["fallback"] += 1
            if level == "branch":
                return self.donate(unit, day)
            return self._receipt(unit, day, "4690", "dskl", self.fund["dskl"], "", rng.choice(ROUND_AMOUNTS))
        self.post(
            unit=unit,
            day=day,
            source="disbursement",
            source_ref=f"DIS/{self.unit_code[unit]}/{self.next_entry}",
            key=f"bench:dis:{self.next_entry}",
            lines=[
                (self.code[code], fund, unit, restriction, None, amount, 0),
                (self.cash[unit], fund, unit, restriction, None, 0, amount),
            ],
        )

    def amil_share(self, unit, day, month):
        """What ``amil_share_allocate`` posts for the unit's month (and its marks)."""
        import hashlib

        from django.utils.translation import gettext as _

        from satuatap.core.money import share_of

        entry_ids = self.month_donations[unit]
        amil = self.fund["amil"]
        lines = []
        for fund_kind in sorted(self.rates, key=lambda k: self.fund[k]):
            share = share_of(self.month_receipts[(unit, fund_kind)], self.rates[fund_kind])
            assert share > 0
            fund, cash = self.fund[fund_kind], self.cash[unit]
            lines += [
                (self.amil_paid[fund_kind], fund, unit, "", None, share, 0),
                (cash, fund, unit, "", None, 0, share),
                (cash, amil, unit, "", None, share, 0),
                (self.amil_received[fund_kind], amil, unit, "", None, 0, share),
            ]
        period = f"{day.year}-{month:02d}"
        digest = hashlib.sha256(",".join(str(pk) for pk in entry_ids).encode()).hexdigest()[:24]
        allocation = self.post(
            unit=unit,
            day=day,
            source="amil_share",
            source_ref=period,
            key=f"amil:{unit}:{period}:{digest}",
            memo=_("Amil share of receipts of %(period)s") % {"period": period},
            lines=lines,
        )
        for source_entry in [] if self.via_services else entry_ids:  # amil_share_allocate marks them itself
            self.marks.append((self.next_mark, source_entry, allocation))
            self.next_mark += 1

    def remit(self, from_unit, to_unit, day, fund_kind, fraction):
        """What ``transfer_post(kind="remit")`` posts: both offices' sides in one entry."""
        fund = self.fund[fund_kind]
        amount = int(self.available[(from_unit, fund, "")] * fraction)
        assert amount > 0, (from_unit, fund_kind)
        self.post(
            unit=from_unit,
            day=day,
            source="transfer",
            source_ref=f"remit:{self.unit_code[from_unit]}>{self.unit_code[to_unit]}",
            key=f"bench:trf:{self.next_entry}",
            lines=[
                (self.rak_sent, fund, from_unit, "", to_unit, amount, 0),
                (self.cash[from_unit], fund, from_unit, "", None, 0, amount),
                (self.cash[to_unit], fund, to_unit, "", None, amount, 0),
                (self.rak_received, fund, to_unit, "", from_unit, 0, amount),
            ],
        )

    # -- a month ----------------------------------------------------------------------------------------

    def month(self, year: int, month: int, events: int) -> None:
        rng = self.rng
        days = calendar.monthrange(year, month)[1]
        pick_day = self.calendar.day
        self.month_donations = {b: [] for b in self.branches}
        self.month_receipts: dict[tuple, int] = defaultdict(int)
        plan = []
        for branch in self.branches:  # every branch receives zakat and infak every month
            plan.append((pick_day(rng, year, month), rng.random(), "don", branch, "4130"))
            plan.append((pick_day(rng, year, month), rng.random(), "don", branch, "4210"))
        for _ in range(events - len(plan)):
            day, order = pick_day(rng, year, month), rng.random()
            if rng.random() < P_DONATION:
                plan.append((day, order, "don", rng.choice(self.branches), None))
            else:
                level = rng.random()
                if level < 0.82:
                    plan.append((day, order, "branch", rng.choice(self.branches), None))
                elif level < 0.95:
                    plan.append((day, order, "upper", rng.choice(self.areas), None))
                else:
                    plan.append((day, order, "upper", rng.choice(self.regions), None))
        plan.sort()
        for day_number, _order, what, unit, forced in plan:
            day = date(year, month, day_number)
            if what == "don":
                self.donate(unit, day, forced)
            else:
                self.disburse(unit, day, what)
        last = date(year, month, days)
        for branch in self.branches:
            self.amil_share(branch, last, month)
        for branch in self.remitting:
            for fund_kind in ("zakat", "infak"):
                self.remit(branch, self.parent[branch], last, fund_kind, 0.3)
        for area in self.areas:
            for fund_kind in ("zakat", "infak"):
                self.remit(area, self.parent[area], last, fund_kind, 0.5)
        self.flush()

    def flush(self) -> None:
        raw = self.cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        for table, columns, rows in (
            ("ledger_journalentry", ENTRY_COLUMNS, self.entries),
            ("ledger_journalline", LINE_COLUMNS, self.lines),
            ("ledger_amilsharemark", ["id", "source_entry_id", "allocation_entry_id"], self.marks),
            (self.history_table, [c for c, _s in self.history_fields], self.history),
        ):
            if table is None:
                continue
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            self.stats[f"rows:{table}"] += len(rows)
            rows.clear()


# --- rollups -------------------------------------------------------------------------------------------

AVAILABLE_ROLES_SQL = "('cash', 'bank', 'inventory', 'liability')"

# LedgerBalance as ``_apply_balances`` keys it: unit, account, fund, restriction, counterparty (0 when
# none), the entry's flow source, the contra role of cash and bank lines (``posting.contra_roles``: the
# largest non-money line of the same entry, office, fund and restriction on the other side, the first on
# a tie; 'cash' when there is none; '' on other lines), year and month of the entry date.
BALANCES_FROM_LINES = """
    SELECT e.institution_id, l.unit_id, l.account_id, l.fund_id, l.restriction,
           coalesce(l.counterparty_id, 0) AS counterparty_id, e.flow_source AS source,
           CASE WHEN a.role IN ('cash', 'bank') THEN coalesce(c.role, 'cash') ELSE '' END AS contra_role,
           extract(year FROM e.entry_date)::smallint AS year, extract(month FROM e.entry_date)::smallint AS month,
           sum(l.debit) AS debit, sum(l.credit) AS credit
    FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id
    JOIN ledger_account a ON a.id = l.account_id
    LEFT JOIN LATERAL (
        SELECT oa.role FROM ledger_journalline o JOIN ledger_account oa ON oa.id = o.account_id
        WHERE o.entry_id = l.entry_id AND o.unit_id = l.unit_id AND o.fund_id = l.fund_id
          AND o.restriction = l.restriction AND oa.role NOT IN ('cash', 'bank')
          AND CASE WHEN l.debit > 0 THEN o.credit > 0 ELSE o.debit > 0 END
        ORDER BY o.debit + o.credit DESC, o.id
        LIMIT 1
    ) c ON a.role IN ('cash', 'bank')
    WHERE e.status = 'posted' AND e.institution_id = %(institution)s
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
"""
# FundPosition as ``_apply_positions`` writes it: per entry, the non-zero net of the lines on cash,
# bank, goods and liability accounts per unit, fund and restriction, summed over the entries.
POSITIONS_FROM_LINES = f"""
    SELECT institution_id, unit_id, fund_id, restriction, sum(delta)::bigint AS available
    FROM (
        SELECT e.institution_id, l.entry_id, l.unit_id, l.fund_id, l.restriction, sum(l.debit - l.credit) AS delta
        FROM ledger_journalline l
        JOIN ledger_journalentry e ON e.id = l.entry_id
        JOIN ledger_account a ON a.id = l.account_id
        WHERE a.role IN {AVAILABLE_ROLES_SQL} AND e.status = 'posted' AND e.institution_id = %(institution)s
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(l.debit - l.credit) <> 0
    ) per_entry
    GROUP BY 1, 2, 3, 4
"""  # noqa: S608


def fill_rollups(cursor, institution_id: int) -> None:
    cursor.execute(
        "INSERT INTO ledger_ledgerbalance (institution_id, unit_id, account_id, fund_id, restriction, "  # noqa: S608
        f"counterparty_id, source, contra_role, year, month, debit, credit) {BALANCES_FROM_LINES}",
        {"institution": institution_id},
    )
    log(f"ledger balances: {cursor.rowcount:,} rows (INSERT ... SELECT ... GROUP BY)")
    cursor.execute(
        "INSERT INTO ledger_fundposition (institution_id, unit_id, fund_id, restriction, available) "  # noqa: S608
        f"{POSITIONS_FROM_LINES}",
        {"institution": institution_id},
    )
    log(f"fund positions: {cursor.rowcount:,} rows")


# --- consistency ---------------------------------------------------------------------------------------

CHECKS = [
    (
        "every entry balances in total and per fund",
        """SELECT count(*) FROM (
             SELECT l.entry_id FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id
             WHERE e.institution_id = %(institution)s
             GROUP BY l.entry_id, l.fund_id, l.restriction HAVING sum(l.debit) <> sum(l.credit)
           ) bad""",
    ),
    (
        "entry totals equal the sum of their debits",
        """SELECT count(*) FROM ledger_journalentry e
           LEFT JOIN (SELECT entry_id, sum(debit) AS d FROM ledger_journalline GROUP BY entry_id) l
             ON l.entry_id = e.id
           WHERE e.institution_id = %(institution)s AND e.status = 'posted' AND e.total IS DISTINCT FROM l.d""",
    ),
    (
        "ledger balances equal the lines (same keys, same sums)",
        f"""SELECT count(*) FROM ({BALANCES_FROM_LINES}) x
            FULL JOIN (SELECT * FROM ledger_ledgerbalance WHERE institution_id = %(institution)s) b
              USING (institution_id, unit_id, account_id, fund_id, restriction, counterparty_id, source, contra_role,
                     year, month)
            WHERE x.debit IS DISTINCT FROM b.debit OR x.credit IS DISTINCT FROM b.credit""",
    ),
    (
        "fund positions equal the lines",
        f"""SELECT count(*) FROM ({POSITIONS_FROM_LINES}) x
            FULL JOIN (SELECT * FROM ledger_fundposition WHERE institution_id = %(institution)s) p
              USING (institution_id, unit_id, fund_id, restriction)
            WHERE x.available IS DISTINCT FROM p.available""",
    ),
    (
        "no fund position below zero",
        "SELECT count(*) FROM ledger_fundposition WHERE institution_id = %(institution)s AND available < 0",
    ),
    (
        "lines point at existing entries, accounts, funds and units",
        """SELECT count(*) FROM ledger_journalline l
           LEFT JOIN ledger_journalentry e ON e.id = l.entry_id
           LEFT JOIN ledger_account a ON a.id = l.account_id
           LEFT JOIN ledger_fund f ON f.id = l.fund_id
           LEFT JOIN organizations_unit u ON u.id = l.unit_id
           LEFT JOIN organizations_unit c ON c.id = l.counterparty_id
           WHERE e.id IS NULL OR a.id IS NULL OR f.id IS NULL OR u.id IS NULL
              OR (l.counterparty_id IS NOT NULL AND c.id IS NULL)""",
    ),
    (
        "inter-office lines name another office; other lines none",
        """SELECT count(*) FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
           WHERE (a.role = 'inter_office') <> (l.counterparty_id IS NOT NULL) OR l.counterparty_id = l.unit_id""",
    ),
]  # noqa: S608


def check(
    institution_id: int | None = None, *, expected_lines: int | None = None, first_year: int = YEAR, quiet: bool = False
) -> list[tuple[str, bool, str]]:
    """Compare the rollups with the lines; returns (check, passed, detail) and prints them (unless
    ``quiet``). ``expected_lines``: the lines dated from ``first_year`` to ``YEAR``."""
    from django.db import connection

    from satuatap.organizations.models import Unit

    if institution_id is None:
        institution_id = Unit.objects.get(code=INSTITUTION_CODE, depth=1).pk
    results = []
    with connection.cursor() as cursor:
        for name, sql in CHECKS:
            cursor.execute(sql, {"institution": institution_id})
            bad = cursor.fetchone()[0]
            results.append((name, bad == 0, f"{bad} mismatches" if bad else "ok"))
        if expected_lines is not None:
            cursor.execute(
                "SELECT count(*) FROM ledger_journalline l JOIN ledger_journalentry e ON e.id = l.entry_id "
                "WHERE e.institution_id = %s AND l.entry_date BETWEEN %s AND %s",
                [institution_id, date(first_year, 1, 1), date(YEAR, 12, 31)],
            )
            lines = cursor.fetchone()[0]
            years = f"{first_year}-{YEAR}" if first_year != YEAR else f"{YEAR}"
            results.append((f"{years} has {expected_lines:,} lines", lines == expected_lines, f"{lines:,} lines"))
    for name, passed, detail in [] if quiet else results:
        log(f"  check {'PASS' if passed else 'FAIL'}: {name} ({detail})")
    return results


# --- main --------------------------------------------------------------------------------------------


def year_lines(institution_id: int, first_year: int = YEAR) -> int:
    """Journal lines of the institution dated from ``first_year`` to ``YEAR``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM ledger_journalline WHERE unit_id IN "
            "(SELECT id FROM organizations_unit WHERE institution_id = %s) AND entry_date BETWEEN %s AND %s",
            [institution_id, date(first_year, 1, 1), date(YEAR, 12, 31)],
        )
        return cursor.fetchone()[0]


def generated_years(institution_id: int) -> tuple[int, int] | None:
    """(first, last) year of the institution's journal, None when it has none."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(entry_date), max(entry_date) FROM ledger_journalentry WHERE institution_id = %s "
            "AND entry_date <= %s",
            [institution_id, date(YEAR, 12, 31)],
        )
        first, last = cursor.fetchone()
    return None if first is None else (first.year, last.year)


def restricted_programs(root) -> list[str]:
    """The restriction keys of the institution's restricted-infak programs (``PROGRAMS``), made once:
    restricted infak names its program by reference (``ledger.hooks``), never by free text."""
    from satuatap.distribution.models import Program

    keys = []
    for code in PROGRAMS:
        program, _created = Program.objects.get_or_create(
            institution=root,
            code=code.lower(),
            defaults={
                "unit": root,
                "name": code.replace("-", " ").title(),
                "pillar": "humanitarian",
                "fund_kind": "infak_restricted",
                "budget": 10**12,
                "start_date": date(YEAR - 5, 1, 1),
                "end_date": date(YEAR + 5, 12, 31),
            },
        )
        keys.append(program.restriction)
    return keys


def generate(size: SimpleNamespace, *, via_services: bool = False, vacuum: bool = True) -> dict:
    """Build the institution and its journal in one transaction, then VACUUM ANALYZE the tables
    (``vacuum=False``: ANALYZE only, which, unlike VACUUM, may run inside a test's transaction)."""
    from django.db import connection, transaction

    from bench.progress import Progress

    started = time.monotonic()
    cal = calendar_of(size)
    with transaction.atomic():
        root, admin = build_institution(size)
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0] and not via_services:
                # Bulk load: skip the per-row foreign-key triggers (check() verifies the references).
                cursor.execute("SET LOCAL session_replication_role = replica")
            if via_services:  # transfers and the amil share are posted by finance
                from satuatap.organizations.models import Membership, Role

                Membership.objects.create(user=admin, unit=root, role=Role.FINANCE)
                admin.__dict__.pop("_satuatap_memberships", None)
            journal = Journal(root, admin, size, cursor, via_services=via_services, calendar_=cal)
            free_events = (size.lines - size.structural) // 2
            months = cal.months()
            weights = {ym: cal.weight(*ym) for ym in months}
            total_weight = sum(weights.values())
            per_month = {ym: int(free_events * w / total_weight) for ym, w in weights.items()}
            per_month[months[-1]] += free_events - sum(per_month.values())
            with Progress(size.lines, "journal", unit="lines (COPY)") as progress:
                for year, month in months:
                    journal.month(year, month, per_month[(year, month)])
                    progress.update(journal.next_line - journal.first_line)
                    if size.years == 1 or month == 12:
                        log(
                            f"{year}-{month:02d}: {journal.next_line - journal.first_line:>10,} lines, "
                            f"{journal.next_entry - journal.first_entry:>9,} entries (COPY)"
                        )
            lines = journal.next_line - journal.first_line
            assert lines == size.lines, (lines, size.lines)
            cursor.execute("SET LOCAL session_replication_role = origin")
            for table in ("ledger_journalentry", "ledger_journalline", "ledger_amilsharemark"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
            if not via_services:
                fill_rollups(cursor, root.pk)
    log("committed; VACUUM ANALYZE" if vacuum else "ANALYZE")
    with connection.cursor() as cursor:
        for table in (
            "ledger_journalentry",
            "ledger_journalline",
            "ledger_ledgerbalance",
            "ledger_fundposition",
            "ledger_amilsharemark",
            "organizations_unit",
            "ledger_account",
            *([journal.history_table] if journal.history_table else []),
        ):
            # Without statistics the checks' joins are planned for empty tables (minutes instead of seconds).
            cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
    seconds = time.monotonic() - started
    stats = dict(journal.stats)
    log(
        f"generated {lines:,} lines in {journal.next_entry - journal.first_entry:,} entries in {seconds:.1f}s "
        f"(donations {stats.get('donation', 0):,}, disbursements {stats.get('disbursement', 0):,}, "
        f"amil share {stats.get('amil_share', 0):,}, transfers {stats.get('transfer', 0):,}; "
        f"{stats.get('fallback', 0):,} disbursements lacked funds and became receipts)"
    )
    return {"institution": root.pk, "seconds": round(seconds, 1), "stats": stats}


def _present(size: SimpleNamespace, institution_id: int) -> tuple[bool, str]:
    """Whether the database holds this profile and scale's data (units and lines), and what it holds."""
    from satuatap.organizations.models import Unit

    units = Unit.objects.filter(institution_id=institution_id).count()
    lines = year_lines(institution_id, size.first_year)
    years = generated_years(institution_id)
    same = units == size.units and lines == size.lines and years == (size.first_year, YEAR)
    span = f"{years[0]}-{years[1]}" if years else "no years"
    return same, f"{units:,} units, {lines:,} lines in {span}"


def _generate_rest(url: str, size: SimpleNamespace, if_needed: bool) -> int:
    """``--all``: the profile's donors, registry and disbursements, each by its own module."""
    from bench import distribution_generate, donors_generate, registry_load

    steps = [
        (donors_generate.main, ["--count", str(size.donors)]),
        (registry_load.main, ["--count", str(size.people)]),
        (distribution_generate.main, ["--count", str(size.payments)]),
    ]
    for run, arguments in steps:
        code = run([*arguments, *(["--if-needed"] if if_needed else []), "--database-url", url])
        if code:
            return code
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="bench", help="bench (default) or national")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the profile's full size (default)")
    parser.add_argument("--if-needed", action="store_true", help="skip what this profile and scale already has")
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    parser.add_argument(
        "--all",
        action="store_true",
        help="then the profile's donors, beneficiaries and disbursements (bench.donors_generate, registry_load, "
        "distribution_generate), scaled likewise",
    )
    for name, what in (("donors", "donors"), ("people", "beneficiaries"), ("payments", "disbursements")):
        parser.add_argument(f"--{name}", type=int, help=f"with --all: {what} (default: the profile's, scaled)")
    parser.add_argument(
        "--via-services",
        action="store_true",
        help="post every entry through ledger.services instead of COPY (slow: to check the COPY path at small scale)",
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args(argv)
    url = args.database_url
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    size = shape(args.scale, args.profile)
    for name in ("donors", "people", "payments"):
        if getattr(args, name) is not None:
            setattr(size, name, getattr(args, name))
    years = f"{size.first_year}-{YEAR}" if size.years > 1 else f"{YEAR}"
    services = f", {size.services} service units" if size.services else ""
    log(
        f"{size.profile} profile, scale {size.scale:g}: 1 institution, {size.regions} regions, {size.areas} areas, "
        f"{size.branches} branches{services}, {size.lines:,} lines in {years}, database {_admin_url(url)[1]}"
    )
    ensure_database(url, args.recreate)
    setup_django(url)
    from django.core.management import call_command

    from satuatap.organizations.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    existing = Unit.objects.filter(code=INSTITUTION_CODE, depth=1).first()
    if existing is not None:
        same, holds = _present(size, existing.pk)
        if args.if_needed and same:
            log(f"benchmark data present ({holds}): not regenerating (BENCH_REGENERATE=1 forces it)")
            return _generate_rest(url, size, if_needed=True) if args.all else 0
        log(f"the database holds {holds}, not {size.units:,} units and {size.lines:,} lines: recreating it")
        from django.db import connections

        connections.close_all()
        ensure_database(url, recreate=True)
        call_command("migrate", verbosity=0, interactive=False)
    elif Unit.objects.exists():
        raise SystemExit("this database already holds other institutions: use a database of its own for the benchmark")
    result = generate(size, via_services=args.via_services)
    results = check(result["institution"], expected_lines=size.lines, first_year=size.first_year)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "generate.json").write_text(
        json.dumps(
            {
                "profile": size.profile,
                "scale": size.scale,
                "units": size.units,
                "lines": size.lines,
                "years": [size.first_year, YEAR],
                "seconds": round(time.monotonic() - _t0, 1),  # the whole run: database, data, rollups, checks
                "load_seconds": result["seconds"],
                "stats": result["stats"],
                "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
    )
    if not all(passed for _name, passed, _detail in results):
        log("consistency check FAILED")
        return 1
    log("consistency check passed")
    if args.all:
        from django.db import connections

        connections.close_all()
        return _generate_rest(url, size, if_needed=args.if_needed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
