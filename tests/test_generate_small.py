"""The national data generator (``bench/``) at a tiny scale, in the test database: the shape of a
national network, three Hijri years with their Ramadan and zakat-fitrah peaks, and books that
check out, then donors, a registry with duplicates and disbursements consistent with the journal.

PostgreSQL only, by design: the generator loads with ``COPY`` and turns the foreign-key triggers
off while loading, which SQLite has no equivalent of. As the repository's other PostgreSQL-only
tests do, it returns at once on SQLite (never skips: CI counts a skip as a failure) and runs in
full in CI's PostgreSQL pass (``DATABASE_URL=postgres://... make test``).
"""

from datetime import date

import pytest
from django.db import connection

from bench import distribution_generate, donors_generate, registry_load
from bench.generate import YEAR, HijriCalendar, check, generate, shape

SCALE = 0.002  # 2 provinces, 4 regency offices, 8 branches, 2 service units, 20,000 lines in 3 years


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_national_generator_at_a_tiny_scale_builds_consistent_books_and_registers():
    if connection.vendor != "postgresql":
        return  # COPY and session_replication_role are PostgreSQL's; see the module docstring
    size = shape(SCALE, "national")
    assert (size.regions, size.areas, size.branches, size.services) == (2, 4, 8, 2)
    assert size.first_year == YEAR - 2

    result = generate(size, vacuum=False)
    institution = result["institution"]
    results = check(institution, expected_lines=size.lines, first_year=size.first_year, quiet=True)
    assert [name for name, passed, _detail in results if not passed] == []

    kinds = dict(
        _rows("SELECT kind, count(*) FROM organizations_unit WHERE institution_id = %s GROUP BY 1", [institution])
    )
    assert kinds == {"institution": 1, "region": 2, "area": 4, "branch": 8, "service": 2}
    # Service units collect and remit to their branch (an inter-office line naming the branch).
    remitted = _rows(
        "SELECT count(*) FROM ledger_journalline l JOIN organizations_unit u ON u.id = l.unit_id "
        "JOIN organizations_unit c ON c.id = l.counterparty_id WHERE u.kind = 'service' AND c.kind = 'branch'"
    )[0][0]
    assert remitted >= 2 * 12 * size.years * 2  # two funds a month, both sides counted once per service unit

    # Three years of lines, each year with its own.
    per_year = dict(
        _rows(
            "SELECT extract(year FROM l.entry_date)::int, count(*) FROM ledger_journalline l "
            "JOIN ledger_journalentry e ON e.id = l.entry_id WHERE e.institution_id = %s GROUP BY 1",
            [institution],
        )
    )
    assert set(per_year) == {YEAR - 2, YEAR - 1, YEAR} and sum(per_year.values()) == size.lines

    # Ramadan peaks: more donations a day in Ramadan 1446 (1-29 March 2025) than in the rest of 2025,
    # and zakat fitrah only in Ramadan or on 1 Syawal.
    calendar = HijriCalendar(size.first_year)
    donations = _rows(
        "SELECT e.entry_date, a.code FROM ledger_journalentry e JOIN ledger_journalline l ON l.entry_id = e.id "
        "JOIN ledger_account a ON a.id = l.account_id WHERE e.institution_id = %s AND e.source = 'donation' "
        "AND l.credit > 0",
        [institution],
    )
    in_ramadan = [d for d, _code in donations if d.year == YEAR and calendar.season(d) in ("ramadan", "fitrah")]
    elsewhere = [d for d, _code in donations if d.year == YEAR and calendar.season(d) not in ("ramadan", "fitrah")]
    ramadan_days = sum(1 for d, s in calendar._season.items() if d.year == YEAR and s in ("ramadan", "fitrah"))
    assert len(in_ramadan) / ramadan_days > 1.5 * len(elsewhere) / (365 - ramadan_days)
    fitrah = [d for d, code in donations if code == "4120"]
    assert fitrah and all(calendar.season(d) in ("ramadan", "fitrah") for d in fitrah)
    spike = [d for d in fitrah if calendar.season(d) == "fitrah"]
    assert len(spike) > len(fitrah) / 2  # the last ten days and 1 Syawal carry most of it

    # Donors and one donation (with its line) per donation entry but bank interest.
    donors_generate.generate(400, vacuum=False)
    donation_entries = _rows(
        "SELECT count(*) FROM ledger_journalentry e WHERE e.institution_id = %s AND e.source = 'donation' AND NOT "
        "EXISTS (SELECT 1 FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id "
        "WHERE l.entry_id = e.id AND a.receipt_kind = 'bank_interest')",
        [institution],
    )[0][0]
    counts = _rows(
        "SELECT (SELECT count(*) FROM donors_donor WHERE institution_id = %s), count(*), sum(d.total), "
        "(SELECT sum(amount) FROM collection_donationline) FROM collection_donation d WHERE d.institution_id = %s",
        [institution, institution],
    )[0]
    assert counts[0] == 400 and counts[1] == donation_entries and counts[2] == counts[3]

    # A registry in households, with people registered twice; then disbursements out of the journal.
    registry_load.load(600, vacuum=False)
    households, people, duplicated = _rows(
        "SELECT count(DISTINCT household_id), count(*), "
        "(SELECT count(*) FROM (SELECT entity_id FROM bench_registry_truth GROUP BY 1 HAVING count(*) > 1) d) "
        "FROM beneficiaries_beneficiary WHERE institution_id = %s",
        [institution],
    )[0]
    assert people == 600 and 0 < households < people and duplicated > 0
    distribution_generate.generate(300, vacuum=False)
    paid = _rows(
        "SELECT count(*), sum(d.amount), (SELECT sum(l.debit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.role = 'distribution' AND l.entry_id IN "
        "(SELECT entry_id FROM distribution_disbursement)) FROM distribution_disbursement d"
    )[0]
    assert paid[0] == 300 and paid[1] == paid[2]
    assert _rows("SELECT min(paid_on) >= %s FROM distribution_disbursement", [date(YEAR - 2, 1, 1)])[0][0]
